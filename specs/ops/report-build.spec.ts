import test from 'ava';
import { buildWeeklyReport } from '../../actors/ops/long-run-report';
import { reportHtml } from '../../actors/ops/report-html';
import { reportMarkdown } from '../../actors/ops/report-markdown';
import { increase } from '../../actors/ops/report-stats';
import { DAY, HOUR, MIB, WEEK, incident, scriptedSample, scriptedWeek } from './report-fixture';

test('a scripted week: uptime %, process starts, crashes, halts and the tree counts are exact', (t) => {
  const { stability, headline, complete, until } = buildWeeklyReport(scriptedWeek());
  t.true(complete);
  t.is(until, WEEK.to);
  t.is(stability.coveredMs, 7 * DAY);
  t.is(stability.downMs, 90 * 60_000);
  t.is(stability.haltedMs, 2 * HOUR);
  t.is(stability.upMs, 7 * DAY - 3.5 * HOUR);
  t.is(stability.uptimeRatio, 164.5 / 168);
  t.is(headline.uptimePct, (164.5 / 168) * 100);
  t.is(stability.processStarts, 2);
  t.is(stability.processCrashes, 1);
  t.is(stability.cleanStops, 1);
  t.is(stability.restarts, 7);
  t.is(stability.crashes, 2);
  t.deepEqual(
    stability.halts.map((h) => h.reason),
    ['root supervisor gave up: market'],
  );
  t.deepEqual(
    stability.boots.map((b) => b.id),
    ['boot-1', 'boot-2', 'boot-3'],
  );
  t.deepEqual(
    stability.actors.map((a) => a.id),
    ['feed'],
  );
});

test('a scripted week: incidents raised in it by state and kind, and those without a post-mortem', (t) => {
  const { incidents, headline } = buildWeeklyReport(scriptedWeek());
  t.is(incidents.total, 3);
  t.is(headline.incidents, 3);
  t.deepEqual(incidents.byState, { open: 1, mitigated: 0, resolved: 1, postmortem_written: 1 });
  t.deepEqual(incidents.byKind, { BOOT_LOOP: 1, RECONCILIATION_MISMATCH: 1, VENUE_ERRORS: 1 });
  t.deepEqual(incidents.withoutPostmortem, [2, 4]);
  t.deepEqual(
    incidents.list.map((i) => i.id),
    [2, 3, 4],
  );
});

test('a scripted week: near misses overlapping it, worst first', (t) => {
  const { nearMisses } = buildWeeklyReport(scriptedWeek());
  t.is(nearMisses.total, 3);
  t.deepEqual(nearMisses.bySeverity, { critical: 1, warning: 1, info: 1 });
  t.deepEqual(
    nearMisses.list.map((n) => `${n.severity} ${n.kind} ${n.subject} ${n.count}`),
    [
      'critical latency-creep engine:mm 1',
      'warning breaker-recovered actor:breaker-latency-mm 2',
      'info heap-growth process:heap 5',
    ],
  );
});

test('a scripted week: resource min, median, max and slope per metric, and the journal growth', (t) => {
  const { resources } = buildWeeklyReport(scriptedWeek());
  t.is(resources.samples, 168);
  t.is(resources.journalEntries, 16_800);
  const byId = Object.fromEntries(resources.metrics.map((m) => [m.id, m]));
  const heap = byId.heap!;
  t.deepEqual([heap.min, heap.median, heap.max, heap.count], [100, 183.5, 267, 168]);
  t.is(heap.unit, 'MiB');
  t.true(Math.abs((heap.slopePerDay as number) - 24) < 1e-9);
  const loop = byId.loopDelayP99!;
  t.deepEqual([loop.min, loop.median, loop.max], [0, 4, 9]);
  const redis = byId.redisMemory!;
  t.deepEqual([redis.min, redis.median, redis.max, redis.slopePerDay], [50, 50, 50, 0]);
  const journal = byId.journal!;
  t.deepEqual([journal.min, journal.max], [1_000, 1_000 + 100 * 167]);
  t.is(heap.points.length, 168);
  t.deepEqual(heap.points[0], [WEEK.from, 100]);
});

test('a scripted week: trading sanity from the samples bounding it, no unexplained balance event', (t) => {
  const report = buildWeeklyReport(scriptedWeek());
  t.deepEqual(
    {
      available: report.trading.available,
      equityStart: report.trading.equityStart,
      equityEnd: report.trading.equityEnd,
      netPnl: report.trading.netPnl,
      events: report.trading.unexplainedBalanceEvents,
      ok: report.trading.ok,
    },
    { available: true, equityStart: 10_000, equityEnd: 10_084, netPnl: 84, events: 0, ok: true },
  );
  t.is(report.headline.critical, 0);
  t.false(report.flags.some((f) => f.level === 'critical'));
});

test('unexplained balance events are counted and flagged critical, first', (t) => {
  const inputs = scriptedWeek();
  const report = buildWeeklyReport({
    ...inputs,
    incidents: [
      ...inputs.incidents,
      incident(6, 'UNEXPLAINED_BALANCE_CHANGE', WEEK.from + 3 * DAY, 'open', 2),
      // An older one that recurred in the week still counts; one seen only before it does not.
      {
        ...incident(7, 'UNEXPLAINED_BALANCE_CHANGE', WEEK.from - 3 * DAY, 'mitigated'),
        lastSeenAt: WEEK.from + HOUR,
      },
      incident(8, 'UNEXPLAINED_BALANCE_CHANGE', WEEK.from - 3 * DAY, 'resolved'),
    ],
  });
  t.is(report.trading.unexplainedBalanceEvents, 3);
  t.deepEqual(report.trading.unexplainedIncidents, [6, 7]);
  t.false(report.trading.ok);
  t.is(report.headline.unexplainedBalanceEvents, 3);
  t.is(report.headline.critical, 1);
  t.is(report.flags[0]?.level, 'critical');
  t.regex(report.flags[0]?.message ?? '', /^UNEXPLAINED BALANCE EVENTS: 3 \(must be 0\) — incidents #6, #7/);
  const md = reportMarkdown(report);
  t.regex(md, /^> \*\*CRITICAL: UNEXPLAINED BALANCE EVENTS: 3 \(must be 0\)/m);
  t.regex(md, /^- \*\*Unexplained balance events: 3 — MUST BE 0 \(incidents #6, #7\)\*\*$/m);
  const html = reportHtml(report);
  t.regex(html, /<div class="flag critical">CRITICAL: UNEXPLAINED BALANCE EVENTS: 3/);
  t.regex(html, /<p class="bad">Unexplained balance events: 3 — MUST BE 0/);
});

test('the Markdown has the key lines of the scripted week', (t) => {
  const md = reportMarkdown(buildWeeklyReport(scriptedWeek()));
  const lines = md.split('\n');
  t.is(lines[0], '# Weekly report 2026-W02 — spec');
  t.is(
    lines[2],
    '2026-01-05 00:00 UTC – 2026-01-12 00:00 UTC · complete week · generated 2026-01-12 00:00 UTC',
  );
  for (const line of [
    '| 97.917% | 7 | 2 | 1 | 1 | 3 | 3 | 0 | +84 |',
    '- Uptime: 97.917% (up 6d 20h 30m, halted 2h, down 1h 30m of 7d covered)',
    '- Process: 2 start(s), 1 crash(es), 1 clean stop(s)',
    '- Tree: 7 restart(s), 2 crash(es)',
    '- Unplanned GLOBAL HALTs: 1',
    '| 2026-01-10 12:00 UTC | 2026-01-10 14:00 UTC | root supervisor gave up: market |',
    '- Raised: 3 (open 1, mitigated 0, resolved 1, postmortem_written 1)',
    '- By kind: BOOT_LOOP 1, RECONCILIATION_MISMATCH 1, VENUE_ERRORS 1',
    '- Without a signed post-mortem: #2, #4',
    '- Seen: 3 (critical 1, warning 1, info 1)',
    '- Samples: 168 (every 1h)',
    '- Journal entries written: 16800',
    '| Heap used | MiB | 100 | 183.5 | 267 | +24 | 100 | 267 |',
    '| Event-loop delay p99 | ms | 0 | 4 | 9 | +0.044 | 0 | 7 |',
    '| Redis memory | MiB | 50 | 50 | 50 | 0 | 50 | 50 |',
    '- Unexplained balance events: 0 (ok)',
    '- Net PnL: +84',
    '- Equity: 10000 → 10084',
    '> warning: 1 unplanned GLOBAL HALT(s), halted 2h in all',
    '> warning: 1 incident(s) not resolved: #4',
  ])
    t.true(lines.includes(line), `missing line: ${line}`);
});

test('the HTML page is self-contained: inline SVG charts, no URL, no script', (t) => {
  const html = reportHtml(buildWeeklyReport(scriptedWeek()));
  t.true(html.startsWith('<!DOCTYPE html>'));
  t.notRegex(html, /https?:/);
  t.notRegex(html, /<script|<link|<img|src=|href=|@import|url\(/i);
  // Four resource charts and the net PnL chart.
  t.is(html.match(/<svg /g)?.length, 5);
  t.is(html.match(/<polyline /g)?.length, 5);
  t.regex(html, /<title>Weekly report 2026-W02 — spec<\/title>/);
});

test('a gap in the samples (the process was down) breaks the chart line', (t) => {
  const inputs = scriptedWeek();
  const samples = inputs.samples.filter((s) => s.t < WEEK.from + 10 * HOUR || s.t >= WEEK.from + 20 * HOUR);
  const html = reportHtml(buildWeeklyReport({ ...inputs, samples }));
  t.is(html.match(/<polyline /g)?.length, 10);
});

test('the same inputs give the same bytes, whatever order the records come in', (t) => {
  const a = scriptedWeek();
  const b = scriptedWeek();
  const shuffled = {
    ...b,
    incidents: [...b.incidents].reverse(),
    anomalies: [...b.anomalies].reverse(),
    actors: Object.fromEntries(Object.entries(b.actors).reverse()),
  };
  const one = buildWeeklyReport(a);
  const two = buildWeeklyReport(shuffled);
  t.is(JSON.stringify(one), JSON.stringify(two));
  t.is(reportMarkdown(one), reportMarkdown(two));
  t.is(reportHtml(one), reportHtml(two));
});

test('the week so far: covers up to now, flagged in progress, closing sample not used', (t) => {
  const inputs = scriptedWeek();
  const now = WEEK.from + 2 * DAY;
  const report = buildWeeklyReport({ ...inputs, now });
  t.false(report.complete);
  t.is(report.until, now);
  t.is(report.stability.coveredMs, 2 * DAY);
  t.is(report.stability.uptimeRatio, 1);
  t.is(report.resources.samples, 49);
  t.is(report.stability.restarts, 2);
  t.is(report.incidents.total, 1);
  t.true(report.flags.some((f) => f.message === 'week in progress: up to 2026-01-07 00:00 UTC'));
});

test('cumulative counts start from the sample before the week when none fell on its start', (t) => {
  const inputs = scriptedWeek();
  const before = { ...scriptedSample(-1), restarts: 8 };
  const report = buildWeeklyReport({ ...inputs, samples: inputs.samples.slice(2), before });
  t.is(report.stability.restarts, 17 - 8);
  t.false(report.flags.some((f) => f.message.startsWith('restarts, crashes')));
  const partial = buildWeeklyReport({ ...inputs, samples: inputs.samples.slice(2) });
  t.is(partial.stability.restarts, 7);
  t.true(
    partial.flags.some(
      (f) =>
        f.message ===
        'restarts, crashes, journal growth and PnL count from the first sample, 2026-01-05 02:00 UTC',
    ),
  );
});

test('a counter that drops was reset: what follows the drop is all growth', (t) => {
  const chain = [3, 5, 1, 4].map((restarts, i) => ({ ...scriptedSample(i), restarts }));
  t.is(increase(chain, 'restarts'), 2 + 1 + 3);
  t.is(increase([], 'restarts'), null);
  t.is(increase([{ ...scriptedSample(0), restarts: null }], 'restarts'), null);
});

test('a week with no samples and no trading says n/a rather than zero', (t) => {
  const inputs = scriptedWeek();
  const report = buildWeeklyReport({ ...inputs, samples: [], after: undefined, durable: false });
  t.is(report.stability.restarts, null);
  t.is(report.trading.netPnl, null);
  t.false(report.trading.available);
  t.is(report.resources.metrics[0]?.median, null);
  const md = reportMarkdown(report);
  t.true(md.includes('- Tree: n/a restart(s), n/a crash(es)'));
  t.true(md.includes('- Net PnL: n/a (no trading figures sampled)'));
  t.true(md.includes('> info: the store is not durable: figures cover the current process only'));
  t.regex(reportHtml(report), /no samples/);
  t.is(MIB, 1_048_576);
});
