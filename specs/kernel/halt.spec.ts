import test from 'ava';
import { MemoryStore } from '../../actors/kernel/store-memory';
import type { SystemConfigInput } from '../../actors/kernel/system-config';
import { componentView, simulated } from '../helpers/runtime';

/** root (1 restart / min) → market (1 restart / min) → feed, ma. */
function fragileTree(): SystemConfigInput {
  return {
    instance: 'default',
    root: {
      type: 'supervisor',
      id: 'root',
      intensity: 1,
      periodMs: 60_000,
      children: [
        {
          type: 'supervisor',
          id: 'market',
          intensity: 1,
          periodMs: 60_000,
          children: [
            { type: 'component', id: 'feed', kind: 'market-feed' },
            { type: 'component', id: 'ma', kind: 'moving-average', subscribe: ['prices'] },
          ],
        },
      ],
    },
  };
}

async function crash(runtime: Awaited<ReturnType<typeof simulated>>, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    runtime.runtime.send('feed', { type: 'sys.fault.crash' });
    await runtime.clock.advance(100);
  }
}

test('intensity exceeded at the root is a GLOBAL HALT that holds until an operator resumes', async (t) => {
  const sim = await simulated({ config: fragileTree() });
  const { runtime, clock } = sim;
  t.teardown(() => runtime.stop());
  await clock.advance(5_000);
  await crash(sim, 2); // market gives up: root restarts it (1 of 1)
  t.is(runtime.state, 'running');
  t.is(runtime.supervisor('market')?.escalations, 1);
  t.is(componentView(runtime, 'feed').lifecycle, 'running');
  await crash(sim, 2); // market gives up again: root exceeds its intensity
  t.is(runtime.state, 'halted');
  t.is(runtime.haltCount, 1);
  t.regex(runtime.tree().haltReason ?? '', /root supervisor gave up/);
  // The child that crashed last stays faulted; its sibling was stopped by the supervisor giving up.
  t.is(componentView(runtime, 'feed').lifecycle, 'faulted');
  t.is(componentView(runtime, 'feed').reason, 'crash injected');
  t.is(componentView(runtime, 'ma').lifecycle, 'stopped');
  t.is(componentView(runtime, 'ma').reason, null);
  t.is(runtime.health().status, 'halted');

  // Time passes, nothing restarts; no event but an operator resume leaves halted.
  await clock.advance(24 * 3_600_000);
  t.is(runtime.state, 'halted');
  t.is(componentView(runtime, 'feed').lifecycle, 'faulted');
  t.is(componentView(runtime, 'ma').lifecycle, 'stopped');
  t.false(runtime.system.can({ type: 'sys.booted' }));
  await t.throwsAsync(runtime.resume('  '), { message: /named operator/ });
  t.is(runtime.state, 'halted');

  await runtime.resume('alice');
  t.is(runtime.state, 'running');
  t.is(componentView(runtime, 'feed').lifecycle, 'running');
  const system = (await runtime.journal({ actor: 'system', limit: 100 })).map(
    (e) => `${e.from}>${e.to}:${e.event}`,
  );
  t.deepEqual(system, [
    'booting>running:sys.booted',
    'running>halting:sys.halt.requested',
    'halting>halted:sys.halted',
    'halted>booting:sys.resume',
    'booting>running:sys.booted',
  ]);
});

test('a GLOBAL HALT survives a process restart: the next start comes up halted', async (t) => {
  const store = new MemoryStore({ instance: 'default' });
  const first = await simulated({ config: fragileTree(), store });
  await first.clock.advance(5_000);
  await crash(first, 4);
  t.is(first.runtime.state, 'halted');
  await first.runtime.stop();

  const second = await simulated({ config: fragileTree(), store });
  t.teardown(() => second.runtime.stop());
  t.is(second.runtime.state, 'halted');
  t.is(componentView(second.runtime, 'feed').lifecycle, 'ready');
  await second.clock.advance(60_000);
  t.is(second.runtime.state, 'halted');
  await second.runtime.resume('bob');
  t.is(second.runtime.state, 'running');
});
