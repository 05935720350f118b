/**
 * The watchdog view (issue 5, item 2): hung components, deadlocks and components without
 * heartbeats, each an anomaly or an incident by severity. Real runtimes on the virtual clock; the
 * sample heartbeat is 1 s / 250 ms / 2 misses, so the kernel kills a hang 1.25 s after its first
 * unanswered probe.
 */
import test from 'ava';
import { SIMULATION_EPOCH } from '../../actors/kernel/clock-virtual';
import { ConfigError } from '../../actors/kernel/errors';
import type { PendingAsk } from '../../actors/kernel/pending-asks';
import { waitCycles } from '../../actors/ops/watchdog-deadlocks';
import { parseWatchdogViewConfig } from '../../actors/ops/watchdog-view.config';
import { componentView } from '../helpers/runtime';
import { askerRegistry, askerSystem } from '../kernel/fixtures/asker-component';
import { watchedSystem } from './watchdog-fixture';

const T0 = SIMULATION_EPOCH;
const HEARTBEAT = { intervalMs: 1_000, timeoutMs: 250, maxMissed: 2 };

test('a hung component is one HUNG_COMPONENT incident, raised before the kernel watchdog fails it', async (t) => {
  const { runtime, clock, view } = await watchedSystem(t);
  await clock.advance(5_000);
  runtime.send('monitor', { type: 'sys.fault.hang' });
  await clock.advance(60_000);
  const incidents = runtime.incidents('HUNG_COMPONENT');
  t.deepEqual(
    incidents.map((i) => [i.actor, i.t, i.detail]),
    [['monitor', T0 + 7_000, 'monitor is hung: a heartbeat probe out for 1000 ms']],
  );
  t.like(incidents[0]?.data, { severity: 'critical', since: T0 + 6_000, killed: false, missed: 1 });
  const faulted = (await runtime.journal({ actor: 'monitor', limit: 100 })).filter(
    (e) => e.machine === 'lifecycle' && e.to === 'faulted',
  );
  t.deepEqual(
    faulted.map((e) => e.t),
    [T0 + 7_250],
  );
  const journaled = (await runtime.journal({ actor: 'monitor', limit: 100 })).filter(
    (e) => e.machine === 'incident',
  );
  t.deepEqual(
    journaled.map((e) => [e.event, e.t]),
    [['HUNG_COMPONENT', T0 + 7_000]],
  );
  t.is(componentView(runtime, 'monitor').restarts, 1);
  const snapshot = view.snapshot();
  t.deepEqual(snapshot.findings, [], 'the restarted component is healthy');
  t.deepEqual(
    snapshot.recorded.map((r) => [r.kind, r.recordedAs, r.ref, r.components]),
    [['hung-component', 'incident', incidents[0]?.id, ['monitor']]],
  );
  t.is(runtime.incidents().length, 1, 'no other incident');
  t.deepEqual(
    snapshot.recorded.filter((r) => r.recordedAs === 'anomaly'),
    [],
    'its misses are the incident, not an anomaly too',
  );
});

test('a hang the kernel watchdog kills before the view looks is reported as it is killed', async (t) => {
  const { runtime, clock } = await watchedSystem(t, { everyMs: 60_000 });
  await clock.advance(5_000);
  runtime.send('monitor', { type: 'sys.fault.hang' });
  await clock.advance(120_000);
  const incidents = runtime.incidents('HUNG_COMPONENT');
  t.deepEqual(
    incidents.map((i) => [i.actor, i.t, i.detail]),
    [['monitor', T0 + 7_250, 'monitor is hung: missed 2 heartbeats in a row: the watchdog fails it']],
  );
  t.like(incidents[0]?.data, { killed: true, since: T0 + 6_000, missed: 2, answeredAt: T0 + 5_000 });
});

test('a heartbeat miss that recovers is a heartbeat-missed anomaly, not an incident', async (t) => {
  const { runtime, clock, view, anomalies } = await watchedSystem(
    t,
    {},
    { config: askerSystem(['slow', 'calm']), registry: askerRegistry() },
  );
  await clock.advance(5_000);
  // The handler holds the mailbox to 6 300: the probe of 6 000 is missed at 6 250, answered at 6 300.
  runtime.send('slow', { type: 'stall', ms: 1_300 });
  await clock.advance(1_250);
  t.deepEqual(
    view.snapshot().components.find((c) => c.id === 'slow'),
    {
      id: 'slow',
      lifecycle: 'running',
      watched: true,
      watchedAt: T0,
      missed: 1,
      missedTotal: 1,
      answeredAt: T0 + 5_000,
      outstandingSince: T0 + 6_000,
    },
  );
  await clock.advance(60_000 - 1_250);
  t.deepEqual(runtime.incidents(), []);
  t.is(componentView(runtime, 'slow').restarts, 0);
  const records = anomalies.list();
  t.is(records.length, 1);
  t.like(records[0], {
    kind: 'heartbeat-missed',
    subject: { type: 'actor', id: 'slow' },
    severity: 'warning',
    count: 1,
    firstSeen: T0 + 7_000,
    summary: 'slow missed 1 heartbeat and answered again',
    unit: 'misses',
  });
  t.deepEqual(
    view.snapshot().recorded.map((r) => [r.kind, r.severity, r.recordedAs, r.ref, r.t]),
    [['heartbeat-missed', 'warning', 'anomaly', records[0]?.id, T0 + 7_000]],
  );
});

test('two components that ask each other and wait are exactly one DEADLOCK incident naming both', async (t) => {
  const { runtime, clock, view } = await watchedSystem(
    t,
    {},
    { config: askerSystem(['alpha', 'beta']), registry: askerRegistry() },
  );
  await clock.advance(5_000);
  runtime.send('alpha', { type: 'ask.peer', peer: 'beta', delayMs: 10 });
  runtime.send('beta', { type: 'ask.peer', peer: 'alpha', delayMs: 10 });
  await clock.advance(1_000);
  t.deepEqual(
    view.snapshot().asks.map((a) => [a.from, a.to, a.ageMs]),
    [
      ['alpha', 'beta', 990],
      ['beta', 'alpha', 990],
    ],
  );
  await clock.advance(120_000);
  const deadlocks = runtime.incidents('DEADLOCK');
  t.is(deadlocks.length, 1);
  t.like(deadlocks[0], {
    actor: 'alpha',
    t: T0 + 7_000,
    detail: "deadlock: alpha → beta → alpha, each waiting on the next's answer (the oldest for 1990 ms)",
  });
  t.like(deadlocks[0]?.data, { severity: 'critical', cycle: ['alpha', 'beta'], since: T0 + 5_010 });
  t.deepEqual(runtime.incidents('HUNG_COMPONENT'), [], 'the ring is the finding, not two hangs');
  t.is(runtime.incidents().length, 1);
  // The kernel watchdog broke it: both were killed and restarted, their old asks expired.
  t.is(componentView(runtime, 'alpha').restarts, 1);
  t.is(componentView(runtime, 'beta').restarts, 1);
  t.deepEqual(view.snapshot().asks, []);
  t.deepEqual(view.snapshot().findings, []);
});

test('a deadlock the kernel watchdog breaks before the view judges it is still one DEADLOCK', async (t) => {
  const { runtime, clock } = await watchedSystem(
    t,
    { deadlockAfterMs: 60_000 },
    { config: askerSystem(['alpha', 'beta', 'gamma']), registry: askerRegistry() },
  );
  await clock.advance(5_000);
  runtime.send('gamma', { type: 'ask.peer', peer: 'alpha', delayMs: 10 });
  runtime.send('alpha', { type: 'ask.peer', peer: 'beta', delayMs: 10 });
  runtime.send('beta', { type: 'ask.peer', peer: 'gamma', delayMs: 10 });
  await clock.advance(120_000);
  const deadlocks = runtime.incidents('DEADLOCK');
  t.deepEqual(
    deadlocks.map((i) => [i.actor, i.t, i.data.cycle]),
    [['alpha', T0 + 7_250, ['alpha', 'beta', 'gamma']]],
  );
  t.is(runtime.incidents().length, 1);
});

test('a healthy system has no findings over a simulated day', async (t) => {
  const { runtime, clock, view, anomalies } = await watchedSystem(t);
  await clock.advance(86_400_000);
  const snapshot = view.snapshot();
  t.is(snapshot.lastLookAt, T0 + 86_400_000);
  t.is(snapshot.system, 'running');
  t.deepEqual(snapshot.findings, []);
  t.deepEqual(snapshot.recorded, []);
  t.deepEqual(snapshot.asks, []);
  t.deepEqual(
    snapshot.components.map((c) => [c.id, c.watched, c.missedTotal, c.answeredAt]),
    [
      ['feed', true, 0, T0 + 86_400_000],
      ['ma', true, 0, T0 + 86_400_000],
      ['worker', true, 0, T0 + 86_400_000],
      ['monitor', true, 0, T0 + 86_400_000],
    ],
  );
  t.is(snapshot.heartbeat.failures, 0);
  t.deepEqual(runtime.incidents(), []);
  t.deepEqual(anomalies.list(), []);
});

test('running components without heartbeats are one heartbeat-unwatched anomaly each', async (t) => {
  const { runtime, clock, view, anomalies } = await watchedSystem(t);
  await clock.advance(5_000);
  runtime.kernel.watchdog.stop();
  await clock.advance(60_000);
  const records = anomalies.list({ kind: 'heartbeat-unwatched' });
  t.deepEqual(records.map((r) => [r.subject.id, r.count, r.severity, r.firstSeen]).sort(), [
    ['feed', 1, 'warning', T0 + 11_000],
    ['ma', 1, 'warning', T0 + 11_000],
    ['monitor', 1, 'warning', T0 + 11_000],
    ['worker', 1, 'warning', T0 + 11_000],
  ]);
  const snapshot = view.snapshot();
  t.is(snapshot.heartbeat.running, false);
  t.deepEqual(
    snapshot.findings.map((f) => [f.kind, f.components[0], f.since]),
    [
      ['heartbeat-unwatched', 'feed', T0 + 6_000],
      ['heartbeat-unwatched', 'ma', T0 + 6_000],
      ['heartbeat-unwatched', 'worker', T0 + 6_000],
      ['heartbeat-unwatched', 'monitor', T0 + 6_000],
    ],
  );
  t.deepEqual(runtime.incidents(), []);
});

test('the config is validated against the heartbeat, naming each bad field', (t) => {
  t.is(parseWatchdogViewConfig({}, HEARTBEAT).hungAfterMs, 1_000);
  t.is(parseWatchdogViewConfig({}, { ...HEARTBEAT, intervalMs: 5_000, timeoutMs: 2_000 }).hungAfterMs, 5_000);
  const error = t.throws(
    () => parseWatchdogViewConfig({ everyMs: 50, hungAfterMs: 200, keepRecorded: 0, every: 1 }, HEARTBEAT),
    { instanceOf: ConfigError },
  );
  t.deepEqual(error?.issues, [
    'everyMs: expected at least 100 ms',
    'keepRecorded: expected at least 1',
    '(root): Unrecognized key: "every"',
  ]);
  t.deepEqual(
    t.throws(() => parseWatchdogViewConfig({ hungAfterMs: 250 }, HEARTBEAT), { instanceOf: ConfigError })
      ?.issues,
    ['hungAfterMs: expected more than the heartbeat timeoutMs (250), got 250'],
  );
});

test('the wait-for graph: rings through the smallest id, self-asks, and neither external nor orphaned asks', (t) => {
  let id = 0;
  const ask = (from: string, to: string, orphaned = false): PendingAsk => ({
    id: ++id,
    from,
    to,
    event: 'e',
    since: T0 + id,
    timeoutMs: 5_000,
    orphaned,
  });
  const cycles = waitCycles([
    ask('c', 'a'),
    ask('a', 'b'),
    ask('b', 'c'),
    ask('external', 'a'),
    ask('a', 'external'),
    ask('d', 'd'),
    ask('e', 'f'),
    ask('f', 'e', true),
  ]);
  t.deepEqual(
    cycles.map((c) => [c.members, c.asks.map((a) => a.id)]),
    [
      [
        ['a', 'b', 'c'],
        [2, 3, 1],
      ],
      [['d'], [6]],
    ],
  );
});
