import type { ReportFlag, ReportHeadline, WeeklyReport } from './report-data';
import { REPORT_VERSION } from './report-data';
import { duration, ids, utcTime } from './report-format';
import { incidentSection, nearMissSection, unexplainedBalance } from './report-incidents';
import type { ReportInputs } from './report-inputs';
import { resourceSection, tradingSection } from './report-resources';
import { stabilitySection } from './report-stability';
import { sampleSpan } from './report-stats';

/**
 * Builds one ISO week's long-run report from its inputs: stability (uptime %, process starts and
 * crashes, the tree's restarts and crashes, GLOBAL HALTs), incidents raised in the week, near
 * misses seen in it, resource trends (heap, event-loop delay p99, Redis memory, journal size) and
 * trading sanity (equity, net PnL, unexplained balance events — which must be 0 and raise a
 * `critical` flag otherwise). Pure: the same inputs give a report that serialises to the same bytes.
 * Made at or after the week's end it is the weekly report (`complete`); before, the week so far.
 *
 * @example
 * const report = buildWeeklyReport({ instance, durable, week: weekRange('2026-W02'), now, boots, halts,
 *   actors, incidents: book.list(), anomalies: tracker.list({ limit: 10_000 }), samples, before, after,
 *   intervalMs: 3_600_000 });
 * report.headline.uptimePct; // 99.94
 */
export function buildWeeklyReport(inputs: ReportInputs): WeeklyReport {
  const { week, now } = inputs;
  const until = Math.max(week.from, Math.min(now, week.to));
  const span = sampleSpan(inputs, until);
  const stability = stabilitySection(inputs, until, span);
  const incidents = incidentSection(inputs, until);
  const nearMisses = nearMissSection(inputs, until);
  const resources = resourceSection(inputs, until, span);
  const trading = tradingSection(inputs, until, span, unexplainedBalance(inputs, until));
  const complete = now >= week.to;
  const flags: ReportFlag[] = [];
  if (!trading.ok)
    flags.push({
      level: 'critical',
      message: `UNEXPLAINED BALANCE EVENTS: ${trading.unexplainedBalanceEvents} (must be 0) — incidents ${ids(trading.unexplainedIncidents)}: a balance moved without a fill, fee or transfer to explain it; settle it at the venue before trusting the books`,
    });
  if (stability.halts.length > 0)
    flags.push({
      level: 'warning',
      message: `${stability.halts.length} unplanned GLOBAL HALT(s), halted ${duration(stability.haltedMs)} in all`,
    });
  if (stability.processCrashes > 0)
    flags.push({ level: 'warning', message: `${stability.processCrashes} process crash(es)` });
  const stillOpen = incidents.list.filter((i) => i.state === 'open' || i.state === 'mitigated');
  if (stillOpen.length > 0)
    flags.push({
      level: 'warning',
      message: `${stillOpen.length} incident(s) not resolved: ${ids(stillOpen.map((i) => i.id))}`,
    });
  if (nearMisses.bySeverity.critical > 0)
    flags.push({ level: 'warning', message: `${nearMisses.bySeverity.critical} critical near miss(es)` });
  if (incidents.withoutPostmortem.length > 0)
    flags.push({
      level: 'info',
      message: `incidents without a signed post-mortem: ${ids(incidents.withoutPostmortem)}`,
    });
  if (resources.samples === 0)
    flags.push({ level: 'info', message: 'no resource samples in this week: trends and deltas are n/a' });
  else if (span.partial)
    flags.push({
      level: 'info',
      message: `restarts, crashes, journal growth and PnL count from the first sample, ${utcTime(span.chain[0]?.t ?? week.from)}`,
    });
  if (!inputs.durable)
    flags.push({
      level: 'info',
      message: 'the store is not durable: figures cover the current process only',
    });
  if (!complete) flags.push({ level: 'info', message: `week in progress: up to ${utcTime(until)}` });

  const headline: ReportHeadline = {
    uptimePct: stability.uptimeRatio === null ? null : stability.uptimeRatio * 100,
    restarts: stability.restarts,
    crashes: stability.crashes,
    processCrashes: stability.processCrashes,
    halts: stability.halts.length,
    incidents: incidents.total,
    nearMisses: nearMisses.total,
    unexplainedBalanceEvents: trading.unexplainedBalanceEvents,
    netPnl: trading.netPnl,
    critical: flags.filter((f) => f.level === 'critical').length,
  };
  return {
    version: REPORT_VERSION,
    instance: inputs.instance,
    durable: inputs.durable,
    week: week.week,
    from: week.from,
    to: week.to,
    until,
    complete,
    generatedAt: now,
    headline,
    flags,
    stability,
    incidents,
    nearMisses,
    resources,
    trading,
  };
}
