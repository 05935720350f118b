import test from 'ava';
import { VirtualClock } from '../../actors/kernel/clock-virtual';
import type { JournalEntry } from '../../actors/kernel/journal-entry';
import { silentLogger } from '../../actors/kernel/logger';
import { Rng } from '../../actors/kernel/rng';
import { MemoryStore } from '../../actors/kernel/store-memory';
import { exposeGc } from '../../actors/sim/heap';
import { BreakerRecoveryDetector } from '../../actors/ops/anomaly-breakers';
import type { DecisionCounts } from '../../actors/ops/anomaly-denials';
import { DeniedNearLimitDetector, limitReason, summaryDecisions } from '../../actors/ops/anomaly-denials';
import { ReconciliationHealDetector } from '../../actors/ops/anomaly-heals';
import { JournalGrowthDetector } from '../../actors/ops/anomaly-journal-growth';
import { LatencyCreepDetector } from '../../actors/ops/anomaly-latency';
import { LoopDelayDetector } from '../../actors/ops/anomaly-loop-delay';
import type { LoopDelaySample } from '../../actors/ops/anomaly-loop-sampler';
import { realLoopDelaySampler } from '../../actors/ops/anomaly-loop-sampler';
import type { AnomalyObservation } from '../../actors/ops/anomaly-record';
import { AnomalyTracker } from '../../actors/ops/anomaly-tracker';
import { parseAnomalyTrackerConfig } from '../../actors/ops/anomaly-tracker.config';
import { HeapGrowthDetector } from '../../actors/ops/leak-detector';
import { realHeapSampler } from '../../actors/ops/leak-heap-sampler';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const defaults = parseAnomalyTrackerConfig();

let seq = 0;
function entry(
  actor: string,
  machine: string,
  from: string,
  to: string,
  t: number,
  event = 'e',
): JournalEntry {
  return { seq: ++seq, t, actor, machine, from, event, to };
}

/** Runs a sampled detector every `everyMs` from `from` to `to`, returning every observation with its time. */
async function run(
  detector: {
    everyMs?: number;
    sample?(now: number): readonly AnomalyObservation[] | Promise<readonly AnomalyObservation[]>;
  },
  from: number,
  to: number,
  before?: (now: number) => void,
): Promise<AnomalyObservation[]> {
  const out: AnomalyObservation[] = [];
  for (let now = from + (detector.everyMs as number); now <= to; now += detector.everyMs as number) {
    before?.(now);
    out.push(...((await detector.sample?.(now)) ?? []));
  }
  return out;
}

test('breakers: YELLOW cooling back to GREEN is a recovery with its time in YELLOW; RED and resets are not', (t) => {
  const detector = new BreakerRecoveryDetector();
  t.deepEqual(detector.onEntry(entry('breaker-latency-mm', 'circuit-breaker', 'GREEN', 'YELLOW', 0)), []);
  const [found] = detector.onEntry(
    entry('breaker-latency-mm', 'circuit-breaker', 'YELLOW', 'GREEN', 12 * MINUTE),
  );
  t.like(found, {
    kind: 'breaker-recovered',
    subject: { type: 'actor', id: 'breaker-latency-mm' },
    severity: 'info',
    t: 12 * MINUTE,
    evidence: { yellowMs: 12 * MINUTE },
  });
  detector.onEntry(entry('breaker-dd-mm', 'circuit-breaker', 'GREEN', 'YELLOW', 0));
  t.deepEqual(detector.onEntry(entry('breaker-dd-mm', 'circuit-breaker', 'YELLOW', 'RED', MINUTE)), []);
  t.deepEqual(
    detector.onEntry(entry('breaker-dd-mm', 'circuit-breaker', 'RED', 'GREEN', HOUR, 'breaker.reset')),
    [],
  );
  t.deepEqual(detector.onEntry(entry('breaker-dd-mm', 'lifecycle', 'YELLOW', 'GREEN', HOUR)), []);
});

test('heals: each reconciliation-heal entry is an observation about its reconciliation actor', (t) => {
  const detector = new ReconciliationHealDetector();
  const [found] = detector.onEntry(
    entry('recon-mm', 'reconciliation-heal', 'order', 'healed', 5, 'orphan|c-1'),
  );
  t.like(found, {
    kind: 'reconciliation-healed',
    subject: { type: 'actor', id: 'recon-mm' },
    evidence: { finding: 'order', key: 'orphan|c-1' },
  });
  t.deepEqual(detector.onEntry(entry('recon-mm', 'reconciliation', 'reconciled', 'mismatch', 6)), []);
});

test('denials: limit denials in an interval are noted, a large share of them is a warning, halts are not', (t) => {
  const counts = new Map<string, DecisionCounts>([['mm', { admitted: 100, denied: 0, lastDenial: null }]]);
  const detector = new DeniedNearLimitDetector(
    { engines: () => ['mm'], read: (engine) => counts.get(engine) },
    defaults.denials,
  );
  t.deepEqual(detector.sample(MINUTE), [], 'the first read only sets the baseline');
  counts.set('mm', {
    admitted: 190,
    denied: 10,
    lastDenial: 'mm:BTC:7: POSITION_EXCEEDS_MAXIMUM: 0.6 > 0.5',
  });
  t.like(detector.sample(2 * MINUTE)[0], {
    kind: 'denied-near-limit',
    subject: { type: 'engine', id: 'mm' },
    severity: 'info',
    value: 10,
    evidence: { reason: 'POSITION_EXCEEDS_MAXIMUM', denied: 10, admitted: 90, share: 0.1 },
  });
  counts.set('mm', { admitted: 200, denied: 20, lastDenial: 'mm:BTC:9: ORDER_RATE_EXCEEDED: 20 in 1000 ms' });
  t.like(detector.sample(3 * MINUTE)[0], { severity: 'warning', evidence: { share: 0.5 } });
  counts.set('mm', { admitted: 200, denied: 30, lastDenial: 'mm:BTC:9: TRADING_HALTED: trading is HALTED' });
  t.deepEqual(detector.sample(4 * MINUTE), [], 'a halt is not a limit');
  counts.set('mm', { admitted: 5, denied: 1, lastDenial: 'mm:BTC:1: PRICE_OUTSIDE_BAND: 2% from mid' });
  t.like(
    detector.sample(5 * MINUTE)[0],
    { value: 1, evidence: { admitted: 5 } },
    'a restarted engine counts from 0',
  );
  counts.set('mm', { admitted: 6, denied: 1, lastDenial: null, nearestLimit: 0.95 });
  t.like(detector.sample(6 * MINUTE)[0], { severity: 'info', evidence: { nearestLimit: 0.95 } });
  t.is(limitReason('x: NOTIONAL_EXCEEDS_MAXIMUM: 30000 > 25000'), 'NOTIONAL_EXCEEDS_MAXIMUM');
  const source = summaryDecisions(['mm', 'gone'], (id) =>
    id === 'mm' ? { admitted: 3, denied: 1, lastDenial: 'a: ORDER_RATE_EXCEEDED' } : undefined,
  );
  t.deepEqual(source.read('mm'), { admitted: 3, denied: 1, lastDenial: 'a: ORDER_RATE_EXCEEDED' });
  t.is(source.read('gone'), undefined);
});

test('denials: with counts by reason, limit denials are counted exactly, whatever the latest denial was', (t) => {
  const counts = new Map<string, DecisionCounts>([
    ['mm', { admitted: 100, denied: 2, lastDenial: null, deniedBy: { TRADING_HALTED: 2 } }],
  ]);
  const detector = new DeniedNearLimitDetector(
    { engines: () => ['mm'], read: (engine) => counts.get(engine) },
    defaults.denials,
  );
  t.deepEqual(detector.sample(MINUTE), []);
  // Five at the position limit, one at the rate limit, then a halt: the latest denial names no limit.
  counts.set('mm', {
    admitted: 194,
    denied: 10,
    lastDenial: 'mm:BTC:9: TRADING_HALTED: trading is HALTED',
    deniedBy: { TRADING_HALTED: 4, POSITION_EXCEEDS_MAXIMUM: 5, ORDER_RATE_EXCEEDED: 1 },
  });
  t.like(detector.sample(2 * MINUTE)[0], {
    value: 6,
    evidence: {
      reason: 'POSITION_EXCEEDS_MAXIMUM',
      denied: 6,
      admitted: 94,
      otherDenials: 2,
      share: 6 / 102,
    },
  });
  // The latest denial names a limit, but every new one was a halt.
  counts.set('mm', {
    admitted: 194,
    denied: 13,
    lastDenial: 'mm:BTC:9: ORDER_RATE_EXCEEDED: 20 in 1000 ms',
    deniedBy: { TRADING_HALTED: 7, POSITION_EXCEEDS_MAXIMUM: 5, ORDER_RATE_EXCEEDED: 1 },
  });
  t.deepEqual(detector.sample(3 * MINUTE), []);
  const source = summaryDecisions(['mm'], () => ({
    admitted: 3,
    denied: 1,
    lastDenial: 'a: PRICE_OUTSIDE_BAND: x',
    deniedBy: { PRICE_OUTSIDE_BAND: 1 },
  }));
  t.deepEqual(source.read('mm')?.deniedBy, { PRICE_OUTSIDE_BAND: 1 });
});

test('event loop: a stall is info, a high p99 a warning, a very high one critical; quiet loops say nothing', (t) => {
  const samples: (LoopDelaySample | undefined)[] = [
    { p50Ms: 1, p99Ms: 5, maxMs: 20, meanMs: 1.5 },
    undefined,
    { p50Ms: 1, p99Ms: 8, maxMs: 300, meanMs: 2 },
    { p50Ms: 40, p99Ms: 150, maxMs: 400, meanMs: 50 },
    { p50Ms: 400, p99Ms: 1_500, maxMs: 2_000, meanMs: 500 },
  ];
  const detector = new LoopDelayDetector(
    { sample: () => samples.shift(), close: () => {} },
    defaults.eventLoop,
  );
  const found = [1, 2, 3, 4, 5].flatMap((i) => detector.sample(i * MINUTE));
  t.deepEqual(
    found.map((o) => [o.severity, o.value]),
    [
      ['info', 8],
      ['warning', 150],
      ['critical', 1_500],
    ],
  );
  t.like(found[1]?.evidence, { maxMs: 400, baselineP99Ms: 6.5 });
});

test('the real event-loop sampler reads ms beyond its resolution (or nothing yet) and closes', (t) => {
  // Real time cannot pass in a spec that never sleeps: this checks the shape, the detector spec the rules.
  const loop = realLoopDelaySampler(10);
  const first = loop.sample();
  for (const v of Object.values(first ?? {})) t.true(v >= 0 && Number.isFinite(v));
  t.notThrows(() => loop.close());
});

test('heap: steady growth is flagged once it has lasted; a flat noisy heap and a one-off step are not', async (t) => {
  const config = { ...defaults.heap, warmupMs: 0 };
  const rng = new Rng(7);
  const heapOf = (f: (hours: number) => number) => {
    let now = 0;
    return {
      sampler: { postGc: true, sample: () => f(now / HOUR) + (rng.next() - 0.5) },
      at: (t: number) => (now = t),
    };
  };
  const flat = heapOf(() => 80);
  t.deepEqual(await run(new HeapGrowthDetector(flat.sampler, config, 0), 0, DAY, flat.at), []);
  const step = heapOf((h) => (h < 2 ? 80 : 110));
  t.deepEqual(
    await run(new HeapGrowthDetector(step.sampler, config, 0), 0, DAY, step.at),
    [],
    'a cache that filled once',
  );
  const leak = heapOf((h) => 80 + (48 / 24) * h);
  const found = await run(new HeapGrowthDetector(leak.sampler, config, 0), 0, 6 * HOUR, leak.at);
  t.true(found.length > 0);
  t.like(
    found[0],
    { kind: 'heap-growth', severity: 'warning', t: 4.25 * HOUR, unit: 'MB' },
    '3 h span from the first sample at 15 min, then 1 h sustained',
  );
  const slope = found[0]?.evidence?.slopeMBPerDay as number;
  t.true(slope > 40 && slope < 56, `slope ${slope}`);
  const fast = heapOf((h) => 80 + (300 / 24) * h);
  const [critical] = await run(new HeapGrowthDetector(fast.sampler, config, 0), 0, 6 * HOUR, fast.at);
  t.is(critical?.severity, 'critical');
});

test('the real heap sampler reads MB in use, after a GC when it has one', (t) => {
  const sampler = realHeapSampler({ gc: exposeGc() });
  t.true(sampler.postGc);
  const mb = sampler.sample();
  t.true(mb > 1 && mb < 4_096, `${mb} MB`);
});

test('latency: p99 creeping 1%/h is flagged with a projection; a flat noisy p99 is not; near yellow is critical', async (t) => {
  const rng = new Rng(3);
  const figuresOf = (p99: (hours: number) => number, submits = 100) => ({
    engines: () => ['mm'],
    figures: (_engine: string, now: number) => ({
      submits,
      errorRate: 0,
      rejectRate: 0,
      ackP99Ms: Math.round(p99(now / HOUR) + (rng.next() - 0.5) * 4),
    }),
  });
  const flat = new LatencyCreepDetector(
    figuresOf(() => 500),
    defaults.latency,
  );
  t.deepEqual(await run(flat, 0, 12 * HOUR), []);
  const thin = new LatencyCreepDetector(
    figuresOf((h) => 500 * 1.05 ** h, 5),
    defaults.latency,
  );
  t.deepEqual(await run(thin, 0, 12 * HOUR), [], 'too few submissions to judge');
  const creeping = new LatencyCreepDetector(
    figuresOf((h) => 500 * 1.01 ** Math.floor(h)),
    defaults.latency,
  );
  const found = await run(creeping, 0, 6 * HOUR);
  t.true(found.length > 0, 'flagged within 6 h');
  const first = found[0] as AnomalyObservation;
  t.like(first, {
    kind: 'latency-creep',
    subject: { type: 'engine', id: 'mm' },
    severity: 'warning',
    unit: 'ms',
  });
  t.true(first.t <= 4 * HOUR, `flagged at ${first.t / HOUR} h`);
  const rise = first.evidence?.risePerHour as number;
  t.true(rise > 0.005 && rise < 0.02, `rise ${rise}`);
  t.true((first.evidence?.toYellowMs as number) > 100 * HOUR, 'about 140 h from 2 000 ms');
  const steep = new LatencyCreepDetector(
    figuresOf((h) => 1_500 * 1.03 ** h),
    defaults.latency,
  );
  const [near] = await run(steep, 0, 3 * HOUR);
  t.is(near?.severity, 'critical');
});

test('journal: a rate far above its baseline, an untrimmed stream, a short history and a backlog', async (t) => {
  const journal = { lastSeq: 0, unacknowledged: 0 };
  let length = 0;
  const detector = new JournalGrowthDetector(journal, defaults.journal, {
    maxLen: 1_000_000,
    length: () => length,
  });
  const every = defaults.journal.everyMs;
  const steady = await run(detector, 0, 6 * HOUR, () => (journal.lastSeq += 300));
  t.deepEqual(steady, [], '1 200/h, steady: the bound keeps 35 days of it');
  journal.lastSeq += 3_000;
  const [burst] = await detector.sample(6 * HOUR + every);
  t.like(burst, {
    kind: 'journal-growth',
    severity: 'warning',
    value: 12_000,
    evidence: { baselinePerHour: 1_200 },
  });
  t.regex(burst?.summary ?? '', /10\.0× its baseline/);
  t.regex(burst?.summary ?? '', /keeps 3\.5 days at 12000\/h/);
  length = 1_500_000;
  journal.lastSeq += 300;
  const [untrimmed] = await detector.sample(6 * HOUR + 2 * every);
  t.regex(untrimmed?.summary ?? '', /holds 1500000 entries, over its bound of 1000000/);
  journal.unacknowledged = 20_000;
  const backlog = await detector.sample(6 * HOUR + 3 * every);
  t.like(
    backlog.find((o) => o.kind === 'journal-backlog'),
    { severity: 'warning', value: 20_000 },
  );
});

test('the tracker samples each detector on its own period of the injected clock and folds journal entries in', async (t) => {
  const clock = new VirtualClock();
  const listeners = new Set<(e: JournalEntry) => void>();
  const recorded: Omit<JournalEntry, 'seq'>[] = [];
  const journal = {
    lastSeq: 0,
    unacknowledged: 0,
    onTransition: (l: (e: JournalEntry) => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    record: (e: Omit<JournalEntry, 'seq'>) => recorded.push(e),
  };
  const loopSamples: number[] = [];
  const tracker = await AnomalyTracker.open({
    store: new MemoryStore({ instance: 'anomaly-tick' }),
    clock,
    logger: silentLogger(),
    config: { eventLoop: { everyMs: 2 * MINUTE }, heap: { everyMs: 5 * MINUTE } },
    sources: {
      journal,
      eventLoop: {
        sample: () => (loopSamples.push(clock.now()), { p50Ms: 1, p99Ms: 200, maxMs: 300, meanMs: 2 }),
        close: () => {},
      },
      heap: {
        postGc: true,
        sample: () => {
          throw new Error('heap unreadable');
        },
      },
    },
  });
  tracker.start();
  const start = clock.now();
  await clock.advance(10 * MINUTE);
  t.deepEqual(
    loopSamples.map((at) => (at - start) / MINUTE),
    [2, 4, 6, 8, 10],
    'a failing detector does not stop the others',
  );
  for (const l of listeners) l(entry('breaker-x', 'circuit-breaker', 'GREEN', 'YELLOW', clock.now()));
  for (const l of listeners) l(entry('breaker-x', 'circuit-breaker', 'YELLOW', 'GREEN', clock.now()));
  await clock.advance(1);
  t.deepEqual(
    tracker.list().map((r) => [r.kind, r.severity, r.count]),
    [
      ['breaker-recovered', 'info', 1],
      ['event-loop-delay', 'warning', 5],
    ],
  );
  t.deepEqual(
    recorded.map((e) => `${e.actor} ${e.from}→${e.to}`),
    [
      'anomaly/event-loop-delay/process:event-loop none→warning',
      'anomaly/breaker-recovered/actor:breaker-x none→info',
    ],
  );
  const snapshot = tracker.snapshot();
  t.deepEqual(
    snapshot.detectors.map((d) => [d.name, d.feed, d.everyMs]),
    [
      ['breakers', 'journal', null],
      ['heals', 'journal', null],
      ['event-loop', 'sampled', 2 * MINUTE],
      ['heap', 'sampled', 5 * MINUTE],
      ['journal', 'sampled', 15 * MINUTE],
    ],
  );
  await tracker.stop();
  t.is(listeners.size, 0, 'stop detaches from the journal');
});
