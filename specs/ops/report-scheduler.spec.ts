import test from 'ava';
import { VirtualClock } from '../../actors/kernel/clock-virtual';
import { silentLogger } from '../../actors/kernel/logger';
import { MemoryStore } from '../../actors/kernel/store-memory';
import { weekRange } from '../../actors/ops/iso-week';
import { LongRunReporter } from '../../actors/ops/long-run-reporter';
import type { LongRunReporterSources } from '../../actors/ops/long-run-reporter-sources';
import { uptimeRecordsOf } from '../../actors/ops/long-run-reporter-sources';
import { reportMarkdown } from '../../actors/ops/report-markdown';
import { REPORTS_INDEX_KEY } from '../../actors/ops/report-store';
import { ResourceSampler } from '../../actors/ops/resource-sampler';
import type { BootRecord } from '../../actors/ops/uptime-boots';
import { COUNTERS_KEY } from '../../actors/ops/uptime-counters';
import { incident } from './report-fixture';

const HOUR = 3_600_000;
const W01 = weekRange('2026-W01');
const W02 = weekRange('2026-W02');

function boot(at: number): BootRecord {
  return { seq: 1, id: 'boot-1', at, previous: 'first', endedAt: null, ended: null };
}

/** A sampler and a reporter on one virtual clock and memory store; the journal grows 100 entries an hour. */
async function setup(
  options: { start?: number; bootAt?: number; keepReports?: number; store?: MemoryStore } = {},
) {
  const clock = new VirtualClock(options.start);
  const store = options.store ?? new MemoryStore({ instance: 'spec' });
  const logger = silentLogger();
  const sampler = await ResourceSampler.open({
    store,
    clock,
    logger,
    sources: {
      journalSeq: () => Math.round((clock.now() - W01.from) / HOUR) * 100,
      restarts: () => Math.floor((clock.now() - W01.from) / (24 * HOUR)),
    },
  });
  const sources: LongRunReporterSources = {
    uptime: () => ({ boots: [boot(options.bootAt ?? clock.now())], halts: [], actors: {} }),
    incidents: () => [incident(1, 'VENUE_ERRORS', W01.from + 4 * 24 * HOUR, 'resolved')],
  };
  const reporter = await LongRunReporter.open({
    store,
    clock,
    logger,
    sampler,
    sources,
    config: options.keepReports === undefined ? {} : { keepReports: options.keepReports },
  });
  sampler.start();
  reporter.start();
  const stop = async (): Promise<void> => {
    await reporter.stop();
    await sampler.stop();
  };
  return { clock, store, sampler, reporter, stop };
}

test('the weekly report is made and stored at the week boundary, Monday 00:00 UTC, not before', async (t) => {
  // The clock starts Thursday 2026-01-01 00:00, in 2026-W01.
  const { clock, reporter, stop } = await setup();
  await clock.runUntil(W01.to - 1);
  t.deepEqual(reporter.list(), []);
  t.is(await reporter.report('2026-W01').then((r) => r?.complete), false);
  await clock.runUntil(W01.to);
  const [listing] = reporter.list();
  t.is(listing?.week, '2026-W01');
  t.is(listing?.generatedAt, W01.to);
  t.true(listing?.complete);
  const report = await reporter.report('2026-W01');
  t.is(report?.generatedAt, W01.to);
  t.is(report?.until, W01.to);
  // The start, Thursday 00:00, to the boundary: 96 samples in the week and the closing one at the
  // boundary, so the journal growth runs from 00:00 Thursday (0) to Monday 00:00 (9 600).
  t.is(report?.resources.samples, 96);
  t.is(report?.resources.journalEntries, 9_600);
  t.is(report?.stability.restarts, 4);
  t.is(report?.incidents.total, 1);
  t.is(reporter.currentWeek(), '2026-W02');
  await stop();
});

test('the current week is made fresh on demand and not stored; a week not begun has none', async (t) => {
  const { clock, reporter, store, stop } = await setup({ start: W02.from });
  await clock.advance(5 * HOUR);
  const report = await reporter.report('2026-W02');
  t.false(report?.complete);
  t.is(report?.until, W02.from + 5 * HOUR);
  t.is(report?.resources.samples, 6);
  t.is(
    report?.resources.metrics.find((m) => m.id === 'journal')?.last,
    ((W02.from + 5 * HOUR - W01.from) / HOUR) * 100,
  );
  t.false(reporter.list().some((r) => r.week === '2026-W02'));
  t.is(await reporter.report('2026-W03'), undefined);
  t.is(await reporter.report('2025-W40'), undefined);
  t.is(await store.getValue(REPORTS_INDEX_KEY), undefined);
  await stop();
});

test('a report missed while the process was down is made at the next start', async (t) => {
  const store = new MemoryStore({ instance: 'spec' });
  // A run that began in 2026-W01; this process starts on Wednesday of 2026-W02.
  const late = await setup({ start: W02.from + 2 * 24 * HOUR, bootAt: W01.from + 3 * 24 * HOUR, store });
  await late.clock.advance(0);
  t.deepEqual(
    late.reporter.list().map((r) => r.week),
    ['2026-W01'],
  );
  t.is(late.reporter.list()[0]?.generatedAt, W02.from + 2 * 24 * HOUR);
  await late.stop();
});

test('no report is made for a week before the instance first ran', async (t) => {
  const { clock, reporter, stop } = await setup({ start: W02.from + HOUR });
  await clock.advance(HOUR);
  t.deepEqual(reporter.list(), []);
  await stop();
});

test('reports are kept for keepReports weeks, newest first; older ones are gone', async (t) => {
  const { clock, reporter, stop } = await setup({ keepReports: 2 });
  await clock.runUntil(weekRange('2026-W04').from);
  t.deepEqual(
    reporter.list().map((r) => r.week),
    ['2026-W03', '2026-W02'],
  );
  t.is(await reporter.report('2026-W01'), undefined);
  t.is((await reporter.report('2026-W02'))?.week, '2026-W02');
  await stop();
});

test('a stored report reads back byte for byte as it was made', async (t) => {
  const { clock, reporter, stop } = await setup();
  await clock.runUntil(W01.to);
  const stored = await reporter.report('2026-W01');
  const again = await reporter.report('2026-W01');
  t.is(JSON.stringify(stored), JSON.stringify(again));
  t.is(reportMarkdown(stored!), reportMarkdown(again!));
  await stop();
});

test('uptime records come from the watcher snapshot and the halts it stores', async (t) => {
  const store = new MemoryStore({ instance: 'spec' });
  const halts = [{ at: 1, until: 2, reason: 'x' }];
  await store.setValue(COUNTERS_KEY, { cursor: 0, system: null, actors: {}, unplannedHalts: 1, halts });
  const read = uptimeRecordsOf({ snapshot: () => ({ boots: [boot(5)], actors: {} }) }, store);
  t.deepEqual(await read(), { boots: [boot(5)], halts, actors: {} });
});
