/**
 * Component effects: the I/O side a component kind may declare beside its pure machine. The machine
 * emits commands, the effects carry them out and answer through the mailbox; events the machine
 * does not accept are offered to the effects before they become dead letters. Every spec builds
 * small real kinds here and runs them in a real runtime on the virtual clock.
 */
import { Writable } from 'node:stream';
import test from 'ava';
import pino from 'pino';
import { assign, emit, setup } from 'xstate';
import type { AnyEventObject } from 'xstate';
import { z } from 'zod';
import type { ComponentEffects, EffectEnv } from '../../actors/kernel/component';
import { defineComponent } from '../../actors/kernel/component';
import { ConfigError } from '../../actors/kernel/errors';
import type { JournalEntry } from '../../actors/kernel/journal-entry';
import type { Logger } from '../../actors/kernel/logger';
import { ComponentRegistry } from '../../actors/kernel/registry';
import type { Runtime } from '../../actors/kernel/runtime';
import { componentView, simulated } from '../helpers/runtime';

interface ProbeContext {
  answers: number;
  last: unknown;
}

type ProbeEvent = { type: 'go'; n?: number } | { type: 'io.answered'; value: unknown };

type ProbeEmitted =
  { type: 'io.first' | 'io.second'; n: number } | { type: 'publish'; topic: string; event: { type: string } };

/**
 * `idle` —go→ `busy` (emits the commands `io.first`, `io.second` and a publish) —io.answered→ `idle`.
 * It accepts only `go` and `io.answered`; anything else is for the effects or a dead letter.
 */
const probeMachine = setup({
  types: {} as { context: ProbeContext; events: ProbeEvent; emitted: ProbeEmitted },
}).createMachine({
  id: 'probe',
  initial: 'idle',
  context: { answers: 0, last: null },
  states: {
    idle: {
      on: {
        go: {
          target: 'busy',
          actions: [
            emit(({ event }) => ({ type: 'io.first', n: event.n ?? 0 })),
            emit({ type: 'publish', topic: 'probe.out', event: { type: 'probe.went' } }),
            emit(({ event }) => ({ type: 'io.second', n: event.n ?? 0 })),
          ],
        },
      },
    },
    busy: {
      on: {
        'io.answered': {
          target: 'idle',
          actions: assign(({ context, event }) => ({ answers: context.answers + 1, last: event.value })),
        },
      },
    },
  },
});

/** The effects of one incarnation, built from its env. */
type EffectsFactory = (env: EffectEnv) => ComponentEffects;

/** A registry with the kind `probe` (effects from `effects`) and the pure kind `plain`. */
function registryWith(effects: EffectsFactory): ComponentRegistry {
  const probe = defineComponent({
    kind: 'probe',
    description: 'Effects probe (spec fixture)',
    machine: probeMachine,
    configSchema: z.strictObject({}),
    input: () => ({}),
    summary: (context) => {
      const c = context as ProbeContext;
      return { answers: c.answers, last: c.last };
    },
    effects: (env) => effects(env as EffectEnv),
  });
  const plain = defineComponent({
    kind: 'plain',
    description: 'The probe machine without effects (spec fixture)',
    machine: probeMachine,
    configSchema: z.strictObject({}),
    input: () => ({}),
  });
  return new ComponentRegistry().register(probe, __filename).register(plain, __filename);
}

/** A system of components under one supervisor, in start order. */
function systemOf(children: readonly { id: string; kind?: string; subscribe?: string[] }[]): unknown {
  return {
    root: {
      type: 'supervisor',
      id: 'root',
      children: children.map((c) => ({
        type: 'component',
        id: c.id,
        kind: c.kind ?? 'probe',
        ...(c.subscribe ? { subscribe: c.subscribe } : {}),
      })),
    },
  };
}

async function start(
  t: { teardown(fn: () => unknown): void },
  effects: EffectsFactory,
  options: {
    children?: readonly { id: string; kind?: string; subscribe?: string[] }[];
    services?: unknown;
    logger?: Logger;
  } = {},
) {
  const sim = await simulated({
    config: systemOf(options.children ?? [{ id: 'p' }]),
    registry: registryWith(effects),
    ...(options.services === undefined ? {} : { services: options.services }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  t.teardown(() => sim.runtime.stop());
  return sim;
}

async function journal(runtime: Runtime): Promise<JournalEntry[]> {
  return runtime.journal({ limit: 100_000 });
}

/** Journal entries of `machine`, as `actor from>to (event)`. */
function trail(entries: readonly JournalEntry[], machine: string): string[] {
  return entries.filter((e) => e.machine === machine).map((e) => `${e.actor} ${e.from}>${e.to} (${e.event})`);
}

/** A logger that keeps every line at `warn` and above, parsed. */
function capturingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'warn' }, destination), lines };
}

test('commands the machine emits reach run in emission order, after the transition is journaled', async (t) => {
  const log: string[] = [];
  const published: AnyEventObject[] = [];
  const { runtime } = await start(
    t,
    () => ({
      run: (command) => {
        log.push(`run ${command.type} n=${String(command.n)}`);
      },
    }),
    { children: [{ id: 'p' }, { id: 'listener', kind: 'plain', subscribe: ['probe.out'] }] },
  );
  runtime.onTransition((e) => {
    if (e.actor === 'p' && e.machine === 'probe') log.push(`journal ${e.from}>${e.to}`);
    if (e.actor === 'listener' && e.machine === 'dead-letter') published.push({ type: e.event });
  });
  const reply = await runtime.ask('p', { type: 'go', n: 7 });
  t.false(reply.deadLetter);
  t.is(reply.state, 'busy');
  t.deepEqual(log, ['journal idle>busy', 'run io.first n=7', 'run io.second n=7']);
  // A publish is not a command: it goes to the topic (here a pure kind that does not accept it).
  t.deepEqual(published, [{ type: 'probe.went' }]);
});

test('an I/O answer posted with env.send from inside run is queued behind the current step', async (t) => {
  const seen: string[] = [];
  const { runtime } = await start(t, (env) => ({
    run: (command) => {
      if (command.type !== 'io.first') return;
      env.send({ type: 'io.answered', value: 'sync' });
      seen.push(`after send: ${env.state()}`);
    },
  }));
  const reply = await runtime.ask('p', { type: 'go' });
  // The answer was posted while the mailbox handled `go`: not nested inside that step.
  t.deepEqual(seen, ['after send: busy']);
  t.is(reply.state, 'busy', 'the ask is answered when `go` is handled, before the queued answer');
  t.is(componentView(runtime, 'p').state, 'idle');
  t.deepEqual(componentView(runtime, 'p').summary, { answers: 1, last: 'sync' });
  t.deepEqual(trail(await journal(runtime), 'probe').slice(1), [
    'p idle>busy (go)',
    'p busy>idle (io.answered)',
  ]);
});

test('an I/O answer that comes later on the clock reaches the machine through its mailbox', async (t) => {
  const { runtime, clock } = await start(t, (env) => ({
    run: (command) => {
      if (command.type === 'io.second')
        env.clock.setTimeout(() => env.send({ type: 'io.answered', value: 'late' }), 250);
    },
  }));
  const sentAt = clock.now();
  await runtime.ask('p', { type: 'go' });
  await clock.advance(249);
  t.is(componentView(runtime, 'p').state, 'busy');
  await clock.advance(1);
  t.is(componentView(runtime, 'p').state, 'idle');
  t.deepEqual(componentView(runtime, 'p').summary, { answers: 1, last: 'late' });
  const answered = (await journal(runtime)).filter((e) => e.machine === 'probe' && e.event === 'io.answered');
  t.deepEqual(
    answered.map((e) => [e.from, e.to, e.t - sentAt]),
    [['busy', 'idle', 250]],
  );
});

test('an event the machine does not accept is offered to handle: true is handled, false is a dead letter', async (t) => {
  const offered: string[] = [];
  const { runtime } = await start(t, () => ({
    run: () => {},
    handle: (event) => {
      offered.push(event.type);
      return event.type === 'io.request';
    },
  }));
  const handled = await runtime.ask('p', { type: 'io.request' });
  t.deepEqual(handled, { state: 'idle', deadLetter: false });
  const refused = await runtime.ask('p', { type: 'io.unknown' });
  t.deepEqual(refused, { state: 'idle', deadLetter: true });
  // An event the machine accepts is the machine's, even where it has no transition.
  await runtime.ask('p', { type: 'io.answered', value: 1 });
  t.deepEqual(offered, ['io.request', 'io.unknown']);
  t.deepEqual(trail(await journal(runtime), 'dead-letter'), ['p idle>idle (io.unknown)']);
  t.is(componentView(runtime, 'p').lifecycle, 'running');
});

test('handle may answer asynchronously; the mailbox holds later messages until it has', async (t) => {
  const log: string[] = [];
  const { runtime, clock } = await start(t, (env) => ({
    run: (command) => void log.push(`run ${command.type}`),
    handle: async (event) => {
      log.push(`handle ${event.type} begins`);
      await new Promise<void>((resolve) => env.clock.setTimeout(resolve, 1_000));
      log.push(`handle ${event.type} ends`);
      return true;
    },
  }));
  runtime.send('p', { type: 'io.slow' });
  runtime.send('p', { type: 'go' });
  await clock.advance(999);
  t.deepEqual(log, ['handle io.slow begins']);
  t.is(componentView(runtime, 'p').state, 'idle');
  await clock.advance(1);
  t.deepEqual(log, ['handle io.slow begins', 'handle io.slow ends', 'run io.first', 'run io.second']);
  t.is(componentView(runtime, 'p').state, 'busy');
  t.deepEqual(trail(await journal(runtime), 'dead-letter'), []);
});

test('tell delivers an event to another component; to an unknown one it is a dead letter', async (t) => {
  const { runtime } = await start(
    t,
    (env) => ({
      run: () => {},
      handle: (event) => {
        if (event.type !== 'io.relay') return false;
        env.tell('q', { type: 'go', n: 3 });
        env.tell('nobody', { type: 'go' });
        return true;
      },
    }),
    { children: [{ id: 'p' }, { id: 'q', kind: 'plain' }] },
  );
  await runtime.ask('p', { type: 'io.relay' });
  // q's mailbox is serial: this ask is handled after the relayed `go`.
  await runtime.ask('q', { type: 'io.answered', value: 'x' });
  const entries = await journal(runtime);
  t.deepEqual(trail(entries, 'probe'), [
    'p >idle (sys.init)',
    'q >idle (sys.init)',
    'q idle>busy (go)',
    'q busy>idle (io.answered)',
  ]);
  t.deepEqual(trail(entries, 'dead-letter'), ['nobody > (go)']);
});

test('record journals a transition of a machine the effects host themselves, at clock time', async (t) => {
  const { runtime, clock } = await start(t, (env) => ({
    run: () => {},
    handle: () => {
      env.record({
        actor: 'p/order-1',
        machine: 'order',
        from: 'pending',
        event: 'order.sent',
        to: 'submitted',
      });
      return true;
    },
  }));
  await clock.advance(1_234);
  await runtime.ask('p', { type: 'io.send-order' });
  const entries = (await journal(runtime)).filter((e) => e.machine === 'order');
  t.is(entries.length, 1);
  t.like(entries[0], {
    t: clock.now(),
    actor: 'p/order-1',
    machine: 'order',
    from: 'pending',
    event: 'order.sent',
    to: 'submitted',
  });
});

test('incident is journaled (machine incident) and listed by runtime.incidents()', async (t) => {
  const { runtime, clock } = await start(t, (env) => ({
    run: () => {},
    handle: (event) => {
      if (event.type === 'io.bad')
        env.incident('BAD_THING', 'the venue sent a bad thing', { field: 'price' });
      if (event.type === 'io.worse') env.incident('WORSE_THING', 'worse');
      return true;
    },
  }));
  await clock.advance(500);
  await runtime.ask('p', { type: 'io.bad' });
  await runtime.ask('p', { type: 'io.worse' });
  const incidents = runtime.incidents();
  t.deepEqual(incidents, [
    {
      id: 1,
      t: clock.now(),
      actor: 'p',
      kind: 'BAD_THING',
      detail: 'the venue sent a bad thing',
      data: { field: 'price' },
    },
    { id: 2, t: clock.now(), actor: 'p', kind: 'WORSE_THING', detail: 'worse', data: {} },
  ]);
  t.deepEqual(
    runtime.incidents('WORSE_THING').map((i) => i.id),
    [2],
  );
  t.deepEqual(trail(await journal(runtime), 'incident'), ['p >open (BAD_THING)', 'p >open (WORSE_THING)']);
  t.is(componentView(runtime, 'p').lifecycle, 'running');
});

test('the services passed to Runtime.start arrive in env.services, the same object in every incarnation', async (t) => {
  const services = { venue: 'a venue object', store: new Map<string, number>() };
  const seen: unknown[] = [];
  const { runtime, clock } = await start(
    t,
    (env) => {
      seen.push(env.services);
      return { run: () => {} };
    },
    { services },
  );
  runtime.send('p', { type: 'sys.fault.crash' });
  await clock.advance(1);
  t.is(componentView(runtime, 'p').restarts, 1);
  t.is(seen.length, 2);
  for (const s of seen) t.is(s, services);
});

test('start runs before messages that arrived while the component was starting', async (t) => {
  const log: string[] = [];
  const { runtime } = await start(
    t,
    (env) =>
      env.id === 'first'
        ? {
            // `second` starts after `first`: these reach it before it is up.
            start: () => {
              env.tell('second', { type: 'go' });
              env.tell('second', { type: 'io.early' });
            },
            run: () => {},
          }
        : {
            start: async () => {
              log.push('start begins');
              await Promise.resolve();
              log.push(`start ends in ${env.state()}`);
            },
            run: (command) => void log.push(`run ${command.type}`),
            handle: (event) => {
              log.push(`handle ${event.type}`);
              return true;
            },
          },
    { children: [{ id: 'first' }, { id: 'second' }] },
  );
  t.deepEqual(log, [
    'start begins',
    'start ends in idle',
    'run io.first',
    'run io.second',
    'handle io.early',
  ]);
  t.is(componentView(runtime, 'second').state, 'busy');
  t.deepEqual(trail(await journal(runtime), 'dead-letter'), []);
});

test('stop runs when the incarnation crashes and when the component is stopped', async (t) => {
  const log: string[] = [];
  let incarnation = 0;
  const { runtime, clock } = await start(t, () => {
    const n = ++incarnation;
    return {
      start: () => void log.push(`start ${n}`),
      run: () => {},
      stop: () => void log.push(`stop ${n}`),
    };
  });
  runtime.send('p', { type: 'sys.fault.crash' });
  await clock.advance(1);
  t.deepEqual(log, ['start 1', 'stop 1', 'start 2']);
  await runtime.stop();
  t.deepEqual(log, ['start 1', 'stop 1', 'start 2', 'stop 2']);
  t.is(componentView(runtime, 'p').lifecycle, 'stopped');
});

test('a stop that throws or rejects is logged and changes nothing else', async (t) => {
  const { logger, lines } = capturingLogger();
  let incarnation = 0;
  const { runtime, clock } = await start(
    t,
    () => {
      const n = ++incarnation;
      return {
        run: () => {},
        stop: n === 1 ? () => Promise.reject(new Error('release failed')) : () => {},
      };
    },
    { logger },
  );
  runtime.send('p', { type: 'sys.fault.crash' });
  await clock.advance(1);
  const view = componentView(runtime, 'p');
  t.is(view.lifecycle, 'running');
  t.is(view.restarts, 1);
  t.true(lines.some((l) => l.msg === 'component effects failed to stop' && l.actor === 'p'));
});

const throwing: readonly {
  readonly title: string;
  readonly effects: ComponentEffects;
  readonly trigger: AnyEventObject;
  readonly detail: RegExp;
  /** Where the new incarnation resumes: the snapshot taken after the last transition. */
  readonly resumedIn: string;
}[] = [
  {
    title: 'run throws',
    effects: {
      run: (command) => {
        if (command.type === 'io.first') throw new Error('boom');
      },
    },
    trigger: { type: 'go' },
    detail: /^effect io\.first failed: boom$/,
    resumedIn: 'busy',
  },
  {
    title: 'run rejects',
    effects: {
      run: async (command) => {
        await Promise.resolve();
        if (command.type === 'io.second') throw new Error('late boom');
      },
    },
    trigger: { type: 'go' },
    detail: /^effect io\.second failed: late boom$/,
    resumedIn: 'busy',
  },
  {
    title: 'handle rejects',
    effects: {
      run: () => {},
      handle: async () => {
        await Promise.resolve();
        throw new Error('handler boom');
      },
    },
    trigger: { type: 'io.request' },
    detail: /^handler boom$/,
    resumedIn: 'idle',
  },
];

for (const c of throwing) {
  test(`an effect that throws is a crash (${c.title}): the supervisor restarts the component`, async (t) => {
    const { logger, lines } = capturingLogger();
    let builds = 0;
    const { runtime, clock } = await start(
      t,
      () => {
        builds++;
        return c.effects;
      },
      { logger },
    );
    runtime.send('p', c.trigger);
    await clock.advance(1);
    const view = componentView(runtime, 'p');
    t.is(view.lifecycle, 'running');
    t.is(view.restarts, 1);
    // The command is not run again: resuming what was under way is the new `start`'s job.
    t.is(view.state, c.resumedIn, 'the new incarnation resumes from the snapshot');
    t.is(builds, 2, 'the new incarnation has its own effects');
    t.is(runtime.restarts(), 1);
    t.is(runtime.state, 'running');
    const crashed = lines.filter((l) => l.msg === 'component crashed');
    t.is(crashed.length, 1);
    t.regex(String(crashed[0]?.detail), c.detail);
    t.deepEqual(
      trail(await journal(runtime), 'lifecycle')
        .filter((l) => l.startsWith('p '))
        .map((l) => l.split(' ')[1]),
      [
        'ready>starting',
        'starting>running',
        'running>faulted',
        'faulted>ready',
        'ready>starting',
        'starting>running',
      ],
    );
  });
}

test('a kind with effects declared forked is a ConfigError naming the placement; a pure kind may fork', async (t) => {
  const registry = registryWith(() => ({ run: () => {} }));
  t.true(registry.inProcessOnly('probe'));
  t.false(registry.inProcessOnly('plain'));
  const config = {
    root: {
      type: 'supervisor',
      id: 'root',
      children: [
        { type: 'component', id: 'pure', kind: 'plain', placement: 'forked' },
        { type: 'component', id: 'io', kind: 'probe', placement: 'forked' },
      ],
    },
  };
  const error = await t.throwsAsync(simulated({ config, registry }), { instanceOf: ConfigError });
  t.deepEqual(error?.issues, [
    'root.children[1].placement: kind "probe" does I/O in-process and cannot be forked',
  ]);
  t.regex(error?.message ?? '', /root\.children\[1\]\.placement/);
});

// Reported (kernel): `apply` keeps running the step's commands after one of them crashed the
// incarnation, on effects whose `stop` has already run.
test('after an effect crashes the incarnation, the rest of the commands of that step are not run', async (t) => {
  const log: string[] = [];
  let incarnation = 0;
  const { runtime, clock } = await start(t, () => {
    const n = ++incarnation;
    return {
      run: (command) => {
        log.push(`${n} run ${command.type}`);
        if (command.type === 'io.first') throw new Error('boom');
      },
      stop: () => void log.push(`${n} stop`),
    };
  });
  runtime.send('p', { type: 'go' });
  await clock.advance(1);
  t.deepEqual(log, ['1 run io.first', '1 stop']);
});

/** A kind whose machine emits `io.hello` on entering its initial state. */
function greeterRegistry(effects: EffectsFactory): ComponentRegistry {
  const machine = setup({ types: {} as { emitted: { type: 'io.hello' } } }).createMachine({
    id: 'greeter',
    initial: 'idle',
    states: { idle: { entry: emit({ type: 'io.hello' as const }) } },
  });
  const greeter = defineComponent({
    kind: 'greeter',
    description: 'Emits a command on entering its initial state (spec fixture)',
    machine,
    configSchema: z.strictObject({}),
    input: () => ({}),
    effects: (env) => effects(env as EffectEnv),
  });
  return new ComponentRegistry().register(greeter, __filename);
}

// Reported (kernel): the initial step is applied (its commands run) before `start` has run.
test('start runs before the commands emitted on entering the initial state', async (t) => {
  const log: string[] = [];
  const { runtime } = await simulated({
    config: systemOf([{ id: 'g', kind: 'greeter' }]),
    registry: greeterRegistry(() => ({
      start: () => void log.push('start'),
      run: (command) => void log.push(`run ${command.type}`),
    })),
  });
  t.teardown(() => runtime.stop());
  t.deepEqual(log, ['start', 'run io.hello']);
});

// Reported (kernel): `ComponentEffects.stop` is documented as awaited on stop and crash; `end()`
// calls it without waiting, so the component is `stopped` while its effects still release.
test('a component is stopped only once its effects have stopped', async (t) => {
  let release: () => void = () => {};
  const { runtime, clock } = await start(t, () => ({
    run: () => {},
    stop: () =>
      new Promise<void>((resolve) => {
        release = resolve;
      }),
  }));
  const component = runtime.component('p');
  if (!component) throw new Error('no component p');
  let stopped = false;
  const stopping = component.stop().then(() => {
    stopped = true;
  });
  await clock.settle();
  t.false(stopped, 'not stopped while effects.stop is pending');
  t.not(component.lifecycleState, 'stopped');
  release();
  await stopping;
  t.is(component.lifecycleState, 'stopped');
});
