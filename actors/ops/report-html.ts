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
import { escapeXml, lineChart } from './report-svg';

/** Inline styles: the page must render from the file alone (an attachment, an archive). */
const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 960px; color: #1d2330; padding: 0 1em; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; } h2 { margin-top: 1.6em; border-bottom: 1px solid #d8dce4; }
.period { color: #5b6475; }
table { border-collapse: collapse; margin: 0.6em 0; } th, td { border: 1px solid #d8dce4; padding: 3px 8px; text-align: left; }
th { background: #f2f4f8; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.flag { padding: 6px 10px; margin: 4px 0; border-radius: 4px; }
.flag.critical { background: #b00020; color: #fff; font-weight: bold; font-size: 1.15em; }
.flag.warning { background: #fff3cd; } .flag.info { background: #eef2f8; }
.bad { color: #b00020; font-weight: bold; } .ok { color: #1b7a36; }
svg.chart { display: block; margin: 0.5em 0; } .frame { fill: #fbfcfe; stroke: #c9ced8; }
.grid { stroke: #e3e6ec; } .level { stroke: #c9ced8; stroke-dasharray: 3 3; }
.line { fill: none; stroke: #2a62c9; stroke-width: 1.5; } .dot { fill: #2a62c9; }
.tick { font-size: 10px; fill: #5b6475; } .title { font-size: 12px; font-weight: bold; fill: #1d2330; } .empty { fill: #8a92a3; }
`;

function row(cells: readonly string[], numeric: readonly boolean[] = []): string {
  return `<tr>${cells.map((x, i) => `<td${numeric[i] ? ' class="num"' : ''}>${escapeXml(x)}</td>`).join('')}</tr>`;
}

function table(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  numeric: readonly boolean[] = [],
): string {
  const th = head.map((x) => `<th>${escapeXml(x)}</th>`).join('');
  return `<table><thead><tr>${th}</tr></thead><tbody>\n${rows.map((r) => row(r, numeric)).join('\n')}\n</tbody></table>`;
}

function list(items: readonly string[]): string {
  return `<ul>\n${items.map((i) => `<li>${i}</li>`).join('\n')}\n</ul>`;
}

/**
 * The report as one self-contained HTML page: inline CSS, inline SVG line charts of every resource
 * metric and of net PnL, no script and no external reference, so it opens from a file or a mail
 * attachment. Critical flags (an unexplained balance event) are shown first, in red. Byte for byte
 * the same for the same report.
 *
 * @example
 * writeFileSync('2026-W02.html', reportHtml(report));
 */
export function reportHtml(report: WeeklyReport): string {
  const { title, period } = reportTitle(report);
  const { stability: s, incidents: inc, nearMisses: nm, resources: res, trading: tr, headline: h } = report;
  // Twice the interval: one missed sample is not a gap, a process that was down is.
  const gapMs = 2 * (res.intervalMs ?? 3_600_000);
  const headline = headlineTable(h);
  const parts: string[] = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeXml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<h1>${escapeXml(title)}</h1>`,
    `<p class="period">${escapeXml(period)}</p>`,
    ...report.flags.map(
      (f) => `<div class="flag ${f.level}">${escapeXml(`${f.level.toUpperCase()}: ${f.message}`)}</div>`,
    ),
    '<h2>Headline</h2>',
    table(
      headline.head,
      headline.rows,
      headline.head.map(() => true),
    ),
    '<h2>Stability</h2>',
    list(stabilityLines(s).map(escapeXml)),
    ...stabilityTables(s).map((t) => table(t.head, t.rows)),
    '<h2>Incidents</h2>',
    list(incidentLines(inc).map(escapeXml)),
  ];
  const incidents = incidentsTable(inc);
  if (incidents) parts.push(table(incidents.head, incidents.rows));
  parts.push('<h2>Near misses</h2>', `<p>${escapeXml(nearMissLine(nm))}</p>`);
  const nearMisses = nearMissTable(nm);
  if (nearMisses) parts.push(table(nearMisses.head, nearMisses.rows));
  parts.push(
    '<h2>Resources</h2>',
    `<p>${escapeXml(`Samples: ${res.samples}${res.intervalMs === null ? '' : ` (every ${duration(res.intervalMs)})`} · journal entries written: ${count(res.journalEntries)}`)}</p>`,
    table(METRIC_HEAD, res.metrics.map(metricRow), [false, false, true, true, true, true, true, true]),
    ...res.metrics.map((m) => lineChart(m, report.from, report.to, gapMs)),
    '<h2>Trading sanity</h2>',
    `<p class="${tr.ok ? 'ok' : 'bad'}">${escapeXml(unexplainedLine(report))}</p>`,
    list([
      escapeXml(`Net PnL: ${tr.available ? signed(tr.netPnl) : 'n/a (no trading figures sampled)'}`),
      escapeXml(`Equity: ${figure(tr.equityStart)} → ${figure(tr.equityEnd)}`),
    ]),
    lineChart(tr.pnl, report.from, report.to, gapMs),
    '</body>',
    '</html>',
    '',
  );
  return parts.join('\n');
}
