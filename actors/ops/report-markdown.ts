import type { MetricSummary, WeeklyReport } from './report-data';
import { count, duration, figure, ids, percent, signed, utcTime } from './report-format';

/** A table cell: no pipe or line break may end it early. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
}

/** The report's title line and period; shared with the HTML page. */
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

/**
 * The report as Markdown: flags first (critical ones in bold), then stability, incidents, near
 * misses, resources and trading sanity. Byte for byte the same for the same report.
 *
 * @example
 * const md = reportMarkdown(report); // '# Weekly report 2026-W02 — default\n…'
 */
export function reportMarkdown(report: WeeklyReport): string {
  const { title, period } = reportTitle(report);
  const { stability: s, incidents: inc, nearMisses: nm, resources: res, trading: tr, headline: h } = report;
  const lines: string[] = [`# ${title}`, '', period, ''];
  for (const flag of report.flags)
    lines.push(
      flag.level === 'critical' ? `> **CRITICAL: ${flag.message}**` : `> ${flag.level}: ${flag.message}`,
      '>',
    );
  if (report.flags.length > 0) lines.splice(lines.length - 1, 1, '');
  lines.push(
    '## Headline',
    '',
    ...table(
      [
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
      [
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
    ),
    '',
    '## Stability',
    '',
    `- Uptime: ${percent(s.uptimeRatio)} (up ${duration(s.upMs)}, halted ${duration(s.haltedMs)}, down ${duration(s.downMs)} of ${duration(s.coveredMs)} covered)`,
    `- Process: ${s.processStarts} start(s), ${s.processCrashes} crash(es), ${s.cleanStops} clean stop(s)`,
    `- Tree: ${count(s.restarts)} restart(s), ${count(s.crashes)} crash(es)`,
    `- Unplanned GLOBAL HALTs: ${s.halts.length}`,
    '',
  );
  if (s.halts.length > 0)
    lines.push(
      ...table(
        ['halted at', 'resumed at', 'reason'],
        s.halts.map((x) => [utcTime(x.at), x.until === null ? 'not yet' : utcTime(x.until), x.reason ?? '']),
      ),
      '',
    );
  if (s.boots.length > 0)
    lines.push(
      ...table(
        ['run', 'started', 'after', 'ended', 'how'],
        s.boots.map((b) => [
          b.id,
          utcTime(b.at),
          b.previous,
          b.endedAt === null ? 'running' : utcTime(b.endedAt),
          b.ended ?? '',
        ]),
      ),
      '',
    );
  if (s.actors.length > 0)
    lines.push(
      ...table(
        ['actor', 'last crash', 'last restart'],
        s.actors.map((a) => [
          a.id,
          a.lastCrashAt === null ? '' : utcTime(a.lastCrashAt),
          a.lastRestartAt === null ? '' : utcTime(a.lastRestartAt),
        ]),
      ),
      '',
    );
  const states = Object.entries(inc.byState).map(([k, v]) => `${k} ${v}`);
  const kinds = Object.entries(inc.byKind).map(([k, v]) => `${k} ${v}`);
  lines.push(
    '## Incidents',
    '',
    `- Raised: ${inc.total} (${states.join(', ')})`,
    `- By kind: ${kinds.length === 0 ? 'none' : kinds.join(', ')}`,
    `- Without a signed post-mortem: ${ids(inc.withoutPostmortem)}`,
    '',
  );
  if (inc.list.length > 0)
    lines.push(
      ...table(
        ['id', 'raised', 'kind', 'actor', 'state', 'occurrences', 'detail'],
        inc.list.map((i) => [
          `#${i.id}`,
          utcTime(i.raisedAt),
          i.kind,
          i.actor,
          i.state,
          String(i.occurrences),
          i.detail,
        ]),
      ),
      '',
    );
  lines.push(
    '## Near misses',
    '',
    `- Seen: ${nm.total} (critical ${nm.bySeverity.critical}, warning ${nm.bySeverity.warning}, info ${nm.bySeverity.info})`,
    '',
  );
  if (nm.list.length > 0)
    lines.push(
      ...table(
        ['severity', 'kind', 'subject', 'first seen', 'last seen', 'count', 'summary'],
        nm.list.map((n) => [
          n.severity,
          n.kind,
          n.subject,
          utcTime(n.firstSeen),
          utcTime(n.lastSeen),
          String(n.count),
          n.summary,
        ]),
      ),
      '',
    );
  lines.push(
    '## Resources',
    '',
    `- Samples: ${res.samples}${res.intervalMs === null ? '' : ` (every ${duration(res.intervalMs)})`}`,
    `- Journal entries written: ${count(res.journalEntries)}`,
    '',
    ...table(METRIC_HEAD, res.metrics.map(metricRow)),
    '',
    '## Trading sanity',
    '',
    `- ${tr.ok ? unexplainedLine(report) : `**${unexplainedLine(report)}**`}`,
    `- Net PnL: ${tr.available ? signed(tr.netPnl) : 'n/a (no trading figures sampled)'}`,
    `- Equity: ${figure(tr.equityStart)} → ${figure(tr.equityEnd)}`,
    '',
  );
  return lines.join('\n');
}
