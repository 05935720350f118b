import type {
  IncidentSection,
  MetricSummary,
  NearMissSection,
  ReportHeadline,
  StabilitySection,
  WeeklyReport,
} from './report-data';
import { count, duration, figure, ids, percent, signed, utcTime } from './report-format';

/**
 * What the weekly report says, before it is Markdown or HTML: the title, the bullet lines and the
 * tables (head and cells as plain text). Both renderers take their content from here and only
 * format it, so the two documents cannot drift apart.
 */

/** A table as plain text: its head and its rows of cells. */
export interface ReportTable {
  readonly head: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** The report's title line and period. */
export function reportTitle(report: WeeklyReport): { title: string; period: string } {
  const state = report.complete ? 'complete week' : `week so far (up to ${utcTime(report.until)})`;
  return {
    title: `Weekly report ${report.week} — ${report.instance}`,
    period: `${utcTime(report.from)} – ${utcTime(report.to)} · ${state} · generated ${utcTime(report.generatedAt)}`,
  };
}

/** The unexplained-balance line: a check mark at 0, shouted otherwise. */
export function unexplainedLine(report: WeeklyReport): string {
  const { trading } = report;
  return trading.ok
    ? 'Unexplained balance events: 0 (ok)'
    : `Unexplained balance events: ${trading.unexplainedBalanceEvents} — MUST BE 0 (incidents ${ids(trading.unexplainedIncidents)})`;
}

/** One metric's row: label, unit, min, median, max, slope per day, first, last. */
export function metricRow(m: MetricSummary): string[] {
  return [
    m.label,
    m.unit,
    figure(m.min),
    figure(m.median),
    figure(m.max),
    signed(m.slopePerDay, 3),
    figure(m.first),
    figure(m.last),
  ];
}

/** Header of {@link metricRow}. */
export const METRIC_HEAD = ['metric', 'unit', 'min', 'median', 'max', 'slope/day', 'first', 'last'] as const;

/** The headline figures, one row. */
export function headlineTable(h: ReportHeadline): ReportTable {
  return {
    head: [
      'uptime',
      'restarts',
      'crashes',
      'process crashes',
      'halts',
      'incidents',
      'near misses',
      'unexplained balance events',
      'net PnL',
    ],
    rows: [
      [
        percent(h.uptimePct === null ? null : h.uptimePct / 100),
        count(h.restarts),
        count(h.crashes),
        String(h.processCrashes),
        String(h.halts),
        String(h.incidents),
        String(h.nearMisses),
        String(h.unexplainedBalanceEvents),
        signed(h.netPnl),
      ],
    ],
  };
}

/** The stability section's bullet lines. */
export function stabilityLines(s: StabilitySection): string[] {
  return [
    `Uptime: ${percent(s.uptimeRatio)} (up ${duration(s.upMs)}, halted ${duration(s.haltedMs)}, down ${duration(s.downMs)} of ${duration(s.coveredMs)} covered)`,
    `Process: ${s.processStarts} start(s), ${s.processCrashes} crash(es), ${s.cleanStops} clean stop(s)`,
    `Tree: ${count(s.restarts)} restart(s), ${count(s.crashes)} crash(es)`,
    `Unplanned GLOBAL HALTs: ${s.halts.length}`,
  ];
}

/** The stability section's tables, those with rows: halts, process runs, actors that crashed or restarted. */
export function stabilityTables(s: StabilitySection): ReportTable[] {
  const tables: ReportTable[] = [];
  if (s.halts.length > 0)
    tables.push({
      head: ['halted at', 'resumed at', 'reason'],
      rows: s.halts.map((x) => [
        utcTime(x.at),
        x.until === null ? 'not yet' : utcTime(x.until),
        x.reason ?? '',
      ]),
    });
  if (s.boots.length > 0)
    tables.push({
      head: ['run', 'started', 'after', 'ended', 'how'],
      rows: s.boots.map((b) => [
        b.id,
        utcTime(b.at),
        b.previous,
        b.endedAt === null ? 'running' : utcTime(b.endedAt),
        b.ended ?? '',
      ]),
    });
  if (s.actors.length > 0)
    tables.push({
      head: ['actor', 'last crash', 'last restart'],
      rows: s.actors.map((a) => [
        a.id,
        a.lastCrashAt === null ? '' : utcTime(a.lastCrashAt),
        a.lastRestartAt === null ? '' : utcTime(a.lastRestartAt),
      ]),
    });
  return tables;
}

/** The incidents section's bullet lines. */
export function incidentLines(inc: IncidentSection): string[] {
  const states = Object.entries(inc.byState).map(([k, v]) => `${k} ${v}`);
  const kinds = Object.entries(inc.byKind).map(([k, v]) => `${k} ${v}`);
  return [
    `Raised: ${inc.total} (${states.join(', ')})`,
    `By kind: ${kinds.length === 0 ? 'none' : kinds.join(', ')}`,
    `Without a signed post-mortem: ${ids(inc.withoutPostmortem)}`,
  ];
}

/** The incidents of the week, or null when there were none. */
export function incidentsTable(inc: IncidentSection): ReportTable | null {
  if (inc.list.length === 0) return null;
  return {
    head: ['id', 'raised', 'kind', 'actor', 'state', 'occurrences', 'detail'],
    rows: inc.list.map((i) => [
      `#${i.id}`,
      utcTime(i.raisedAt),
      i.kind,
      i.actor,
      i.state,
      String(i.occurrences),
      i.detail,
    ]),
  };
}

/** The near-miss count line. */
export function nearMissLine(nm: NearMissSection): string {
  return `Seen: ${nm.total} (critical ${nm.bySeverity.critical}, warning ${nm.bySeverity.warning}, info ${nm.bySeverity.info})`;
}

/** The near misses, or null when there were none. */
export function nearMissTable(nm: NearMissSection): ReportTable | null {
  if (nm.list.length === 0) return null;
  return {
    head: ['severity', 'kind', 'subject', 'first seen', 'last seen', 'count', 'summary'],
    rows: nm.list.map((n) => [
      n.severity,
      n.kind,
      n.subject,
      utcTime(n.firstSeen),
      utcTime(n.lastSeen),
      String(n.count),
      n.summary,
    ]),
  };
}
