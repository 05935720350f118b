/**
 * What the kernel knows of liveness, made readable for the ops watchdog view without changing it:
 * the watchdog's per-component heartbeat state and its failures, and every pending `ask` with who
 * waits on whom. Real runtimes on the virtual clock.
 */
import test from 'ava';
import { SIMULATION_EPOCH } from '../../actors/kernel/clock-virtual';
import { AskTimeoutError } from '../../actors/kernel/errors';
import type { HeartbeatState } from '../../actors/kernel/watchdog';
import { componentView, simulated } from '../helpers/runtime';
import { askerRegistry, askerSystem } from './fixtures/asker-component';

const T0 = SIMULATION_EPOCH;

test('the watchdog shows a hung component’s misses, its last answer and the probe out since the hang, and tells of the kill first', async (t) => {
  const { runtime, clock } = await simulated();
  t.teardown(() => runtime.stop());
  const watchdog = runtime.kernel.watchdog;
  const heard: { state: HeartbeatState; lifecycle: string }[] = [];
  watchdog.onFailed((state) => heard.push({ state, lifecycle: componentView(runtime, 'monitor').lifecycle }));
  await clock.advance(5_000);
  t.deepEqual(watchdog.state('monitor'), {
    id: 'monitor',
    watchedAt: T0,
    missed: 0,
    missedTotal: 0,
    answeredAt: T0 + 5_000,
    outstandingSince: null,
  });
  runtime.send('monitor', { type: 'sys.fault.hang' });
  await clock.advance(1_000);
  t.like(watchdog.state('monitor'), { missed: 0, answeredAt: T0 + 5_000, outstandingSince: T0 + 6_000 });
  await clock.advance(250);
  t.like(watchdog.state('monitor'), { missed: 1, missedTotal: 1, outstandingSince: T0 + 6_000 });
  t.is(heard.length, 0);
  await clock.advance(1_000);
  t.deepEqual(heard, [
    {
      state: {
        id: 'monitor',
        watchedAt: T0,
        missed: 2,
        missedTotal: 2,
        answeredAt: T0 + 5_000,
        outstandingSince: T0 + 6_000,
      },
      lifecycle: 'running',
    },
  ]);
  t.is(componentView(runtime, 'monitor').restarts, 1);
  t.deepEqual(watchdog.state('monitor'), {
    id: 'monitor',
    watchedAt: T0 + 7_250,
    missed: 0,
    missedTotal: 0,
    answeredAt: null,
    outstandingSince: null,
  });
  const view = watchdog.view();
  t.is(view.running, true);
  t.is(view.failures, 1);
  t.deepEqual(
    view.watched.map((s) => s.id),
    ['feed', 'ma', 'worker', 'monitor'],
  );
});

test('a pending ask names its asker (external by default) and the component asked until it is answered, expires or is orphaned', async (t) => {
  const { runtime, clock } = await simulated();
  t.teardown(() => runtime.stop());
  const asks = runtime.kernel.asks;
  await clock.advance(5_000);
  await runtime.ask('ma', { type: 'no.such.event' });
  t.is(asks.size, 0, 'an answered ask leaves nothing behind');
  runtime.send('monitor', { type: 'sys.fault.hang' });
  const byMa = runtime.ask('monitor', { type: 'ma.crossed', direction: 'up', t: 0 }, 500, 'ma');
  const external = runtime.ask('monitor', { type: 'ma.crossed', direction: 'down', t: 0 }, 10_000);
  t.deepEqual(asks.list(), [
    {
      id: 2,
      from: 'ma',
      to: 'monitor',
      event: 'ma.crossed',
      since: T0 + 5_000,
      timeoutMs: 500,
      orphaned: false,
    },
    {
      id: 3,
      from: 'external',
      to: 'monitor',
      event: 'ma.crossed',
      since: T0 + 5_000,
      timeoutMs: 10_000,
      orphaned: false,
    },
  ]);
  await t.throwsAsync(
    clock.advance(500).then(() => byMa),
    { instanceOf: AskTimeoutError },
  );
  t.deepEqual(
    asks.list().map((a) => [a.id, a.orphaned]),
    [[3, false]],
  );
  // The watchdog kills the hung incarnation at 7 250: nobody will answer the external ask now.
  await clock.advance(2_000);
  t.deepEqual(
    asks.list().map((a) => [a.id, a.orphaned]),
    [[3, true]],
  );
  await t.throwsAsync(
    clock.advance(10_000).then(() => external),
    { instanceOf: AskTimeoutError },
  );
  t.is(asks.size, 0);
});

test('an effect’s ask names its own component as the asker', async (t) => {
  const { runtime, clock } = await simulated({
    config: askerSystem(['alpha', 'beta']),
    registry: askerRegistry(),
  });
  t.teardown(() => runtime.stop());
  await clock.advance(5_000);
  runtime.send('beta', { type: 'stall', ms: 500 });
  runtime.send('alpha', { type: 'ask.peer', peer: 'beta', delayMs: 100 });
  await clock.advance(100);
  t.deepEqual(
    runtime.kernel.asks.list().map((a) => [a.from, a.to, a.event, a.since]),
    [['alpha', 'beta', 'peer.pinged', T0 + 5_100]],
  );
  await clock.advance(400);
  t.is(runtime.kernel.asks.size, 0);
  t.like(componentView(runtime, 'alpha').summary, { asked: 1, answered: 1, failed: 0 });
});
