import test from 'ava';
import { sleep } from '../../actors/kernel/clock';
import { SIMULATION_EPOCH, VirtualClock } from '../../actors/kernel/clock-virtual';
import { Rng } from '../../actors/kernel/rng';
import type { ChaosProfileInput } from '../../actors/safety/chaos-scenarios';
import { DEFAULT_CHAOS_PROFILE, parseChaosProfile } from '../../actors/safety/chaos-scenarios';
import { ChaosSchedule } from '../../actors/safety/chaos-schedule';
import type { ChaosFiring, ChaosRecord, ChaosScheduleOptions } from '../../actors/safety/chaos-schedule';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type ScenarioInput = ChaosProfileInput['scenarios'][number];

interface Rig {
  clock: VirtualClock;
  chaos: ChaosSchedule;
  fired: ChaosFiring[];
  records: ChaosRecord[];
}

function rig(
  scenarios: ScenarioInput[],
  options: { seed?: number; inject?: ChaosScheduleOptions['inject']; historyLimit?: number } = {},
): Rig {
  const clock = new VirtualClock();
  const fired: ChaosFiring[] = [];
  const records: ChaosRecord[] = [];
  const inject = options.inject;
  const chaos = new ChaosSchedule({
    clock,
    rng: new Rng(options.seed ?? 1).stream('chaos'),
    profile: parseChaosProfile({ name: 'spec', scenarios }),
    inject: (firing) => {
      fired.push(firing);
      return inject?.(firing);
    },
    onRecord: (record) => records.push(record),
    ...(options.historyLimit === undefined ? {} : { historyLimit: options.historyLimit }),
  });
  return { clock, chaos, fired, records };
}

const offsets = (fired: readonly ChaosFiring[]): number[] => fired.map((f) => f.t - SIMULATION_EPOCH);

test('a once scenario fires exactly once, at its time from the start', async (t) => {
  const { clock, chaos, fired } = rig([{ id: 'k', kind: 'kill-actor', schedule: { once: { atMs: 5_000 } } }]);
  await clock.advance(1_000);
  chaos.start();
  await clock.advance(4_999);
  t.is(fired.length, 0);
  await clock.advance(1);
  t.deepEqual(offsets(fired), [6_000]);
  await clock.advance(30 * DAY);
  t.is(fired.length, 1);
  t.like(fired[0], { id: 1, scenarioId: 'k', kind: 'kill-actor', params: {}, target: {}, durationMs: 0 });
  t.is(chaos.counts().byKind['kill-actor'].fired, 1);
});

test('a rate scenario fires about perHour times an hour over a long span', async (t) => {
  const { clock, chaos, fired } = rig([{ id: 'r', kind: 'kill-actor', schedule: { rate: { perHour: 2 } } }]);
  chaos.start();
  await clock.advance(1_000 * HOUR);
  // Poisson with mean 2000 has a standard deviation of about 45; 10% either side is over 4 sigma.
  t.true(fired.length > 1_800 && fired.length < 2_200, `${fired.length} firings`);
  t.is(chaos.counts().fired, fired.length);
  const gaps = offsets(fired).map((at, i, all) => at - (all[i - 1] ?? 0));
  t.true(new Set(gaps).size > fired.length / 2, 'gaps vary');
});

test('jitter 0 fires on a fixed period', async (t) => {
  const { clock, chaos, fired } = rig([
    { id: 'p', kind: 'kill-actor', schedule: { rate: { perHour: 4, jitter: 0 } } },
  ]);
  chaos.start();
  await clock.advance(HOUR);
  t.deepEqual(offsets(fired), [900_000, 1_800_000, 2_700_000, 3_600_000]);
});

test('a window scenario fires only inside [fromMs, toMs)', async (t) => {
  const { clock, chaos, fired } = rig([
    {
      id: 'w',
      kind: 'kill-actor',
      schedule: { window: { fromMs: 10 * HOUR, toMs: 20 * HOUR, perHour: 30 } },
    },
  ]);
  chaos.start();
  await clock.advance(40 * HOUR);
  t.true(fired.length > 200 && fired.length < 400, `${fired.length} firings`);
  for (const at of offsets(fired)) t.true(at >= 10 * HOUR && at < 20 * HOUR, `fired at ${at}`);
  t.is(clock.pending(), 0);
});

test('stop clears every timer and nothing fires after it', async (t) => {
  const { clock, chaos, fired, records } = rig([
    { id: 'r', kind: 'feed-drop', params: { durationMs: HOUR }, schedule: { rate: { perHour: 6 } } },
    { id: 'o', kind: 'kill-actor', schedule: { once: { atMs: 2 * DAY } } },
  ]);
  chaos.start();
  await clock.advance(DAY);
  const before = fired.length;
  t.true(before > 0);
  t.true(chaos.active().length > 0);
  chaos.stop();
  t.false(chaos.isRunning);
  t.deepEqual(chaos.active(), []);
  t.is(clock.pending(), 0);
  await clock.advance(10 * DAY);
  t.is(fired.length, before);
  const stopped = records.filter((r) => r.type === 'ended' && r.firing.outcome === 'stopped');
  t.true(stopped.length > 0);
  t.true(stopped.every((r) => r.firing.endedAt === SIMULATION_EPOCH + DAY));
});

test('the same seed gives the same firing times; another seed different ones', async (t) => {
  const scenarios: ScenarioInput[] = [
    { id: 'a', kind: 'kill-actor', schedule: { rate: { perHour: 1 } } },
    { id: 'b', kind: 'feed-drop', schedule: { window: { fromMs: HOUR, toMs: 30 * HOUR, perHour: 3 } } },
  ];
  const run = async (seed: number): Promise<string[]> => {
    const { clock, chaos, fired } = rig(scenarios, { seed });
    chaos.start();
    await clock.advance(3 * DAY);
    return fired.map((f) => `${f.scenarioId}@${f.t}`);
  };
  const first = await run(7);
  t.true(first.length > 50);
  t.deepEqual(await run(7), first);
  t.notDeepEqual(await run(8), first);
});

test('adding a scenario does not move another scenario’s firings', async (t) => {
  const a: ScenarioInput = { id: 'a', kind: 'kill-actor', schedule: { rate: { perHour: 1 } } };
  const alone = rig([a]);
  const together = rig([a, { id: 'z', kind: 'stale-book', schedule: { rate: { perHour: 5 } } }]);
  for (const { chaos, clock } of [alone, together]) {
    chaos.start();
    await clock.advance(2 * DAY);
  }
  t.deepEqual(
    together.fired.filter((f) => f.scenarioId === 'a').map((f) => f.t),
    alone.fired.map((f) => f.t),
  );
});

test('a firing is active until its duration has elapsed on the clock', async (t) => {
  const { clock, chaos, records } = rig([
    { id: 'h', kind: 'hang-actor', params: { durationMs: 60_000 }, schedule: { once: { atMs: 1_000 } } },
    { id: 'r', kind: 'redis-restart', params: { downMs: 5_000 }, schedule: { once: { atMs: 1_000 } } },
  ]);
  chaos.start();
  await clock.advance(1_000);
  t.deepEqual(
    chaos.active().map((f) => [f.scenarioId, f.durationMs, f.outcome]),
    [
      ['h', 60_000, 'active'],
      ['r', 5_000, 'active'],
    ],
  );
  await clock.advance(4_999);
  t.is(chaos.active().length, 2);
  await clock.advance(1);
  t.deepEqual(
    chaos.active().map((f) => f.scenarioId),
    ['h'],
  );
  await clock.advance(55_000);
  t.deepEqual(chaos.active(), []);
  t.deepEqual(
    records.map(
      (r) =>
        `${r.type}:${r.firing.scenarioId}:${r.firing.outcome}@${(r.firing.endedAt ?? r.firing.t) - SIMULATION_EPOCH}`,
    ),
    ['started:h:active@1000', 'started:r:active@1000', 'ended:r:ok@6000', 'ended:h:ok@61000'],
  );
  t.deepEqual(
    chaos.history().map((f) => [f.id, f.outcome]),
    [
      [1, 'ok'],
      [2, 'ok'],
    ],
  );
});

test('an instant firing starts and ends at once', async (t) => {
  const { clock, chaos, records } = rig([{ id: 'k', kind: 'kill-actor', schedule: { once: { atMs: 0 } } }]);
  chaos.start();
  await clock.advance(0);
  t.deepEqual(
    records.map((r) => [r.type, r.firing.outcome]),
    [
      ['started', 'active'],
      ['ended', 'ok'],
    ],
  );
  t.deepEqual(chaos.active(), []);
});

test('a firing whose inject awaits the whole fault stays active until the inject returns', async (t) => {
  const clock = new VirtualClock();
  const chaos = new ChaosSchedule({
    clock,
    rng: new Rng(1),
    profile: parseChaosProfile({
      name: 'spec',
      scenarios: [
        { id: 'f', kind: 'feed-drop', params: { durationMs: 1_000 }, schedule: { once: { atMs: 0 } } },
      ],
    }),
    inject: async () => {
      await sleep(clock, 3_000);
    },
  });
  chaos.start();
  await clock.advance(2_000);
  t.is(chaos.active().length, 1);
  await clock.advance(1_000);
  t.deepEqual(chaos.active(), []);
  t.like(chaos.history()[0], { outcome: 'ok', endedAt: SIMULATION_EPOCH + 3_000 });
});

test('an inject that throws or rejects is counted as failed and the schedule goes on', async (t) => {
  let calls = 0;
  const { clock, chaos, fired, records } = rig(
    [
      { id: 'r', kind: 'stale-book', params: { durationMs: 600_000 }, schedule: { rate: { perHour: 4 } } },
      { id: 'k', kind: 'kill-actor', schedule: { rate: { perHour: 4 } } },
    ],
    {
      inject: (firing) => {
        calls++;
        if (firing.kind === 'kill-actor') throw new Error('no such actor');
        if (calls % 2 === 0) return Promise.reject(new Error('venue stub offline'));
        return undefined;
      },
    },
  );
  chaos.start();
  await clock.advance(2 * DAY);
  const counts = chaos.counts();
  const kills = fired.filter((f) => f.kind === 'kill-actor').length;
  t.true(kills > 100, `${kills} kills`);
  t.is(counts.byKind['kill-actor'].fired, kills);
  t.is(counts.byKind['kill-actor'].failed, kills);
  t.true(counts.byKind['stale-book'].failed > 0);
  t.true(counts.byKind['stale-book'].failed < counts.byKind['stale-book'].fired);
  t.is(counts.failed, counts.byKind['kill-actor'].failed + counts.byKind['stale-book'].failed);
  const failed = records.filter((r) => r.type === 'ended' && r.firing.outcome === 'failed');
  t.is(failed.length, counts.failed);
  t.true(failed.some((r) => r.firing.error === 'no such actor'));
  t.true(failed.some((r) => r.firing.error === 'venue stub offline' && r.firing.endedAt === r.firing.t));
  t.true(chaos.isRunning);
});

test('an onRecord that throws is counted and does not stop the schedule', async (t) => {
  const clock = new VirtualClock();
  const chaos = new ChaosSchedule({
    clock,
    rng: new Rng(3),
    profile: parseChaosProfile({
      name: 'spec',
      scenarios: [{ id: 'k', kind: 'kill-actor', schedule: { rate: { perHour: 1, jitter: 0 } } }],
    }),
    inject: () => undefined,
    onRecord: () => {
      throw new Error('journal full');
    },
  });
  chaos.start();
  await clock.advance(10 * HOUR);
  t.is(chaos.counts().fired, 10);
  t.is(chaos.counts().recordErrors, 20);
});

test('history is bounded and newest last; ids are sequential', async (t) => {
  const { clock, chaos } = rig(
    [{ id: 'p', kind: 'kill-actor', schedule: { rate: { perHour: 60, jitter: 0 } } }],
    {
      historyLimit: 5,
    },
  );
  chaos.start();
  await clock.advance(HOUR);
  t.is(chaos.counts().fired, 60);
  t.deepEqual(
    chaos.history().map((f) => f.id),
    [56, 57, 58, 59, 60],
  );
  t.deepEqual(
    chaos.history(2).map((f) => f.id),
    [59, 60],
  );
  t.deepEqual(chaos.history(0), []);
});

test('a stopped schedule starts again with ids and history continuing', async (t) => {
  const { clock, chaos, fired } = rig([{ id: 'o', kind: 'kill-actor', schedule: { once: { atMs: 1_000 } } }]);
  chaos.start();
  await clock.advance(1_000);
  chaos.stop();
  await clock.advance(5_000);
  chaos.start();
  await clock.advance(1_000);
  t.deepEqual(offsets(fired), [1_000, 7_000]);
  t.deepEqual(
    chaos.history().map((f) => f.id),
    [1, 2],
  );
});

test('the snapshot is plain JSON of active firings, history and counts', async (t) => {
  const { clock, chaos } = rig([
    {
      id: 'b',
      kind: 'venue-ban',
      params: { status: 418 },
      target: { engine: 'maker' },
      schedule: { once: { atMs: 0 } },
    },
    { id: 'k', kind: 'kill-actor', target: { actor: 'engine-*' }, schedule: { once: { atMs: 0 } } },
  ]);
  chaos.start();
  await clock.advance(10);
  const snapshot = chaos.snapshot();
  t.deepEqual(JSON.parse(JSON.stringify(snapshot)), snapshot);
  t.like(snapshot, { profile: 'spec', running: true, startedAt: SIMULATION_EPOCH, nextId: 3 });
  t.deepEqual(
    snapshot.active.map((f) => [f.scenarioId, f.kind, f.params, f.target, f.durationMs]),
    [['b', 'venue-ban', { status: 418, retryAfterMs: 60_000 }, { engine: 'maker' }, 60_000]],
  );
  t.deepEqual(
    snapshot.history.map((f) => [f.scenarioId, f.outcome]),
    [
      ['b', 'active'],
      ['k', 'ok'],
    ],
  );
  t.like(snapshot.counts, { fired: 2, failed: 0, recordErrors: 0 });
  t.deepEqual(snapshot.counts.byKind['venue-ban'], { fired: 1, failed: 0 });
});

test('the default profile fires every kind over a simulated month', async (t) => {
  const clock = new VirtualClock();
  const chaos = new ChaosSchedule({
    clock,
    rng: new Rng(42).stream('chaos'),
    profile: DEFAULT_CHAOS_PROFILE,
    inject: () => undefined,
  });
  chaos.start();
  await clock.advance(30 * DAY);
  const byKind = chaos.counts().byKind;
  for (const [kind, count] of Object.entries(byKind)) t.true(count.fired > 0, `${kind} never fired`);
  t.true(byKind['kill-actor'].fired > byKind['redis-restart'].fired);
  chaos.stop();
});
