import type { WeeklyReport } from './report-data';
import { count, duration, figure, signed } from './report-format';
import {
  METRIC_HEAD,
  headlineTable,
  incidentLines,
  incidentsTable,
  metricRow,
  nearMissLine,
  nearMissTable,
  reportTitle,
  stabilityLines,
  stabilityTables,
  unexplainedLine,
} from './report-tables';

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
  const { head, rows } = headlineTable(h);
  lines.push('## Headline', '', ...table(head, rows), '', '## Stability', '');
  lines.push(...stabilityLines(s).map((l) => `- ${l}`), '');
  for (const t of stabilityTables(s)) lines.push(...table(t.head, t.rows), '');
  lines.push('## Incidents', '', ...incidentLines(inc).map((l) => `- ${l}`), '');
  const incidents = incidentsTable(inc);
  if (incidents) lines.push(...table(incidents.head, incidents.rows), '');
  lines.push('## Near misses', '', `- ${nearMissLine(nm)}`, '');
  const nearMisses = nearMissTable(nm);
  if (nearMisses) lines.push(...table(nearMisses.head, nearMisses.rows), '');
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
