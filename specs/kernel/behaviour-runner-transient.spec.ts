import test from 'ava';
import { assign, createActor, setup } from 'xstate';
import { z } from 'zod';
import { VirtualClock } from '../../actors/kernel/clock-virtual';
import { BehaviourRunner } from '../../actors/kernel/behaviour-runner';
import { defineComponent } from '../../actors/kernel/component';

// A definition's transient context is left out of the persisted snapshot; the rest is XState's own.

const machine = setup({
  types: {
    context: {} as { count: number; last: { levels: { price: number }[] } | null },
    events: {} as { type: 'tick'; price: number },
  },
}).createMachine({
  id: 'transient-spec',
  context: { count: 0, last: null },
  initial: 'on',
  states: {
    on: {
      on: {
        tick: {
          actions: assign(({ context, event }) => ({
            count: context.count + 1,
            last: { levels: [{ price: event.price }] },
          })),
        },
      },
    },
  },
});

const definition = (transientContext?: readonly string[]) =>
  defineComponent({
    kind: 'transient-spec',
    description: 'spec',
    machine,
    configSchema: z.strictObject({}),
    input: () => ({}),
    ...(transientContext ? { transientContext } : {}),
  });

function run(transientContext?: readonly string[]): BehaviourRunner {
  const runner = new BehaviourRunner(
    definition(transientContext),
    { id: 'c', config: {}, seed: 1, now: 0 },
    new VirtualClock(),
  );
  runner.start();
  runner.step({ type: 'tick', price: 101 });
  runner.step({ type: 'tick', price: 102 });
  return runner;
}

test('without transient keys the persisted snapshot is exactly XState’s', (t) => {
  const actor = createActor(machine);
  actor.start();
  actor.send({ type: 'tick', price: 101 });
  actor.send({ type: 'tick', price: 102 });
  t.deepEqual(run().persisted(), actor.getPersistedSnapshot());
});

test('a transient key is stored as null and everything else as XState persists it', (t) => {
  const full = run().persisted() as { context: Record<string, unknown> };
  const lean = run(['last']).persisted() as { context: Record<string, unknown> };
  t.deepEqual(lean, { ...full, context: { ...full.context, last: null } });
  t.is(lean.context.count, 2);
  t.not(full.context.last as object | null, null, 'the live machine keeps it');
});

test('a machine restored from the lean snapshot carries on', (t) => {
  const lean = run(['last']).persisted();
  const restored = new BehaviourRunner(
    definition(['last']),
    { id: 'c', config: {}, seed: 1, now: 0, snapshot: lean },
    new VirtualClock(),
  );
  restored.start();
  restored.step({ type: 'tick', price: 103 });
  const context = (restored.persisted() as { context: { count: number; last: unknown } }).context;
  t.is(context.count, 3);
  t.is(context.last, null);
});
