import test from 'ava';
import { VirtualClock } from '../../actors/kernel/clock-virtual';
import { ConfigError } from '../../actors/kernel/errors';
import { silentLogger } from '../../actors/kernel/logger';
import { MemoryStore } from '../../actors/kernel/store-memory';
import { weekRange } from '../../actors/ops/iso-week';
import type { ResourceSources, ResourceWeek } from '../../actors/ops/resource-sample';
import { ResourceSampler } from '../../actors/ops/resource-sampler';
import { parseResourceSamplerConfig } from '../../actors/ops/resource-sampler.config';
import { parseUsedMemory, realResourceSources } from '../../actors/ops/resource-sources';
import { resourceWeekKey } from '../../actors/ops/resource-store';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Sources that read the clock: every figure says when it was taken, so a sample can be checked exactly. */
function clockSources(clock: VirtualClock): ResourceSources & { closed: boolean } {
  const hours = (): number => (clock.now() - weekRange('2026-W01').from) / HOUR;
  const sources = {
    closed: false,
    heapUsedBytes: () => 1_000 * hours(),
    loopDelayP99Ms: () => hours() % 7,
    redisUsedMemoryBytes: () => null,
    journalSeq: async () => 10 * hours(),
    restarts: () => Math.floor(hours() / 24),
    close: () => {
      sources.closed = true;
    },
  };
  return sources;
}

async function setup(config: unknown = {}, clock = new VirtualClock()) {
  const store = new MemoryStore({ instance: 'spec' });
  const sources = clockSources(clock);
  const sampler = await ResourceSampler.open({ store, clock, logger: silentLogger(), sources, config });
  return { clock, store, sources, sampler };
}

test('samples at start and every interval on the hour grid of the virtual clock, with the sources as they read', async (t) => {
  // 2026-01-01 00:00 UTC is a Thursday in 2026-W01.
  const { clock, sampler } = await setup();
  sampler.start();
  await clock.advance(3 * HOUR);
  const samples = await sampler.samples(weekRange('2026-W01'));
  t.deepEqual(
    samples.map((s) => s.t - clock.now()),
    [-3 * HOUR, -2 * HOUR, -HOUR, 0],
  );
  const last = samples.at(-1)!;
  const hours = (clock.now() - weekRange('2026-W01').from) / HOUR;
  t.deepEqual(last, {
    t: clock.now(),
    heapUsedBytes: 1_000 * hours,
    loopDelayP99Ms: hours % 7,
    redisUsedMemoryBytes: null,
    journalSeq: 10 * hours,
    equity: null,
    netPnl: null,
    restarts: Math.floor(hours / 24),
    crashes: null,
  });
  await sampler.stop();
});

test('a sampler started off the grid samples its slot at once, then at every whole interval', async (t) => {
  const start = weekRange('2026-W02').from + 25 * 60_000;
  const { clock, sampler } = await setup({ intervalMs: 15 * 60_000 }, new VirtualClock(start));
  sampler.start();
  await clock.advance(31 * 60_000);
  const samples = await sampler.samples(weekRange('2026-W02'));
  t.deepEqual(
    samples.map((s) => (s.t - weekRange('2026-W02').from) / 60_000),
    [15, 30, 45],
  );
  await sampler.stop();
});

test('the sample at the week boundary opens the new week, and each week is one stored value', async (t) => {
  const { clock, store, sampler } = await setup();
  sampler.start();
  await clock.runUntil(weekRange('2026-W02').from);
  const w1 = await sampler.samples(weekRange('2026-W01'));
  const w2 = await sampler.samples(weekRange('2026-W02'));
  t.is(w1.length, 4 * 24); // Thursday 00:00 (the start) to Sunday 23:00
  t.deepEqual(
    w2.map((s) => s.t),
    [weekRange('2026-W02').from],
  );
  const stored = await store.getValue<ResourceWeek>(resourceWeekKey(weekRange('2026-W01'), 18));
  t.is(stored?.week, '2026-W01');
  t.is(stored?.samples.length, w1.length);
  await sampler.stop();
});

test('sampling the same slot twice takes it once (the report scheduler and the timer at a boundary)', async (t) => {
  let reads = 0;
  const clock = new VirtualClock();
  const store = new MemoryStore({ instance: 'spec' });
  const sampler = await ResourceSampler.open({
    store,
    clock,
    logger: silentLogger(),
    sources: { heapUsedBytes: () => ++reads },
  });
  const [a, b] = await Promise.all([sampler.sampleNow(), sampler.sampleNow()]);
  t.deepEqual(a, b);
  t.is(reads, 1);
  t.is((await sampler.samples(weekRange('2026-W01'))).length, 1);
});

test('retention is bounded: a ring of keepWeeks week values, the oldest week overwritten', async (t) => {
  const { clock, store, sampler } = await setup({ keepWeeks: 2 });
  sampler.start();
  await clock.runUntil(weekRange('2026-W04').from - 1);
  t.deepEqual(await sampler.samples(weekRange('2026-W01')), []);
  t.is((await sampler.samples(weekRange('2026-W02'))).length, 7 * 24);
  t.is((await sampler.samples(weekRange('2026-W03'))).length, 7 * 24);
  const keys = ['resources:week:0', 'resources:week:1', 'resources:week:2'];
  const values = await Promise.all(keys.map((k) => store.getValue<ResourceWeek>(k)));
  t.deepEqual(values.map((v) => v?.week).sort(), ['2026-W02', '2026-W03', undefined].sort());
  await sampler.stop();
});

test('a restarted sampler goes on with the week its predecessor stored', async (t) => {
  const { clock, store, sampler } = await setup();
  sampler.start();
  await clock.advance(5 * HOUR);
  await sampler.stop();
  const later = new VirtualClock(clock.now() + 2 * HOUR);
  const next = await ResourceSampler.open({
    store,
    clock: later,
    logger: silentLogger(),
    sources: clockSources(later),
  });
  next.start();
  await later.advance(2 * HOUR);
  const samples = await next.samples(weekRange('2026-W01'));
  t.deepEqual(
    samples.map((s) => (s.t - weekRange('2026-W01').from) / HOUR - 3 * 24),
    [0, 1, 2, 3, 4, 5, 7, 8, 9],
  );
  await next.stop();
});

test('a failing source samples as null and the others go on; stop closes the sources', async (t) => {
  const clock = new VirtualClock();
  let closed = false;
  const sampler = await ResourceSampler.open({
    store: new MemoryStore({ instance: 'spec' }),
    clock,
    logger: silentLogger(),
    sources: {
      heapUsedBytes: () => 7,
      redisUsedMemoryBytes: () => Promise.reject(new Error('redis down')),
      journalSeq: () => Number.NaN,
      close: () => {
        closed = true;
      },
    },
  });
  sampler.start();
  await clock.advance(DAY);
  const samples = await sampler.samples(weekRange('2026-W01'));
  t.is(samples.length, 25);
  t.true(
    samples.every((s) => s.heapUsedBytes === 7 && s.redisUsedMemoryBytes === null && s.journalSeq === null),
  );
  await sampler.stop();
  t.true(closed);
  const count = clock.pending();
  await clock.advance(DAY);
  t.is((await sampler.samples(weekRange('2026-W01'))).length, 25);
  t.is(count, 0);
});

test('the interval must divide a day, so a sample falls on every week boundary', (t) => {
  t.deepEqual(parseResourceSamplerConfig({}), { intervalMs: HOUR, keepWeeks: 18 });
  const error = t.throws(() => parseResourceSamplerConfig({ intervalMs: 7 * 60_000, keepWeeks: 1 }), {
    instanceOf: ConfigError,
  });
  t.regex(error.message, /intervalMs: must divide a day/);
  t.regex(error.message, /keepWeeks: /);
});

test('the real sources read the heap, the event loop and the journal; Redis memory only on Redis', async (t) => {
  const store = new MemoryStore({ instance: 'spec' });
  const sources = realResourceSources({
    store,
    portfolio: { equity: () => ({ equity: 12.5 }), pnl: () => ({ net: -1.5 }) },
    uptime: { snapshot: () => ({ totals: { restarts: 4, crashes: 2 } }) },
  });
  t.true((sources.heapUsedBytes?.() as number) > 0);
  t.is(await sources.redisUsedMemoryBytes?.(), null);
  t.is(await sources.journalSeq?.(), 0);
  t.deepEqual(
    [sources.equity?.(), sources.netPnl?.(), sources.restarts?.(), sources.crashes?.()],
    [12.5, -1.5, 4, 2],
  );
  const p99 = sources.loopDelayP99Ms?.();
  t.true(p99 === null || (typeof p99 === 'number' && p99 >= 0));
  sources.close?.();
  t.is(parseUsedMemory('# Memory\r\nused_memory:1048576\r\nused_memory_human:1.00M\r\n'), 1_048_576);
  t.is(parseUsedMemory('# Memory\r\n'), null);
});
