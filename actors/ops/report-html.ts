import type { WeeklyReport } from './report-data';
import { count, duration, figure, ids, percent, signed, utcTime } from './report-format';
import { METRIC_HEAD, metricRow, reportTitle, unexplainedLine } from './report-markdown';
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
      [true, true, true, true, true, true, true, true, true],
    ),
    '<h2>Stability</h2>',
    list([
      escapeXml(
        `Uptime: ${percent(s.uptimeRatio)} (up ${duration(s.upMs)}, halted ${duration(s.haltedMs)}, down ${duration(s.downMs)} of ${duration(s.coveredMs)} covered)`,
      ),
      escapeXml(
        `Process: ${s.processStarts} start(s), ${s.processCrashes} crash(es), ${s.cleanStops} clean stop(s)`,
      ),
      escapeXml(`Tree: ${count(s.restarts)} restart(s), ${count(s.crashes)} crash(es)`),
      escapeXml(`Unplanned GLOBAL HALTs: ${s.halts.length}`),
    ]),
  ];
  if (s.halts.length > 0)
    parts.push(
      table(
        ['halted at', 'resumed at', 'reason'],
        s.halts.map((x) => [utcTime(x.at), x.until === null ? 'not yet' : utcTime(x.until), x.reason ?? '']),
      ),
    );
  if (s.boots.length > 0)
    parts.push(
      table(
        ['run', 'started', 'after', 'ended', 'how'],
        s.boots.map((b) => [
          b.id,
          utcTime(b.at),
          b.previous,
          b.endedAt === null ? 'running' : utcTime(b.endedAt),
          b.ended ?? '',
        ]),
      ),
    );
  if (s.actors.length > 0)
    parts.push(
      table(
        ['actor', 'last crash', 'last restart'],
        s.actors.map((a) => [
          a.id,
          a.lastCrashAt === null ? '' : utcTime(a.lastCrashAt),
          a.lastRestartAt === null ? '' : utcTime(a.lastRestartAt),
        ]),
      ),
    );
  parts.push(
    '<h2>Incidents</h2>',
    list([
      escapeXml(
        `Raised: ${inc.total} (${Object.entries(inc.byState)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')})`,
      ),
      escapeXml(
        `By kind: ${
          Object.entries(inc.byKind)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ') || 'none'
        }`,
      ),
      escapeXml(`Without a signed post-mortem: ${ids(inc.withoutPostmortem)}`),
    ]),
  );
  if (inc.list.length > 0)
    parts.push(
      table(
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
    );
  parts.push(
    '<h2>Near misses</h2>',
    `<p>${escapeXml(`Seen: ${nm.total} (critical ${nm.bySeverity.critical}, warning ${nm.bySeverity.warning}, info ${nm.bySeverity.info})`)}</p>`,
  );
  if (nm.list.length > 0)
    parts.push(
      table(
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
    );
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
