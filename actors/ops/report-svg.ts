import type { MetricSummary } from './report-data';
import { figure } from './report-format';

const DAY_MS = 86_400_000;
const WIDTH = 640;
const HEIGHT = 180;
const LEFT = 64;
const RIGHT = 12;
const TOP = 22;
const BOTTOM = 24;
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** `&`, `<`, `>`, `"` and `'` escaped, for text and attribute values in HTML and SVG. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A coordinate with one decimal: enough for a 640-pixel chart, and stable bytes. */
function c(n: number): string {
  return n.toFixed(1);
}

/** The y range to draw: the values' range, widened when flat so the line sits mid-chart. */
function yRange(metric: MetricSummary): [number, number] {
  const lo = metric.min ?? 0;
  const hi = metric.max ?? 1;
  if (hi > lo) return [lo, hi];
  const pad = Math.abs(lo) > 0 ? Math.abs(lo) * 0.05 : 1;
  return [lo - pad, hi + pad];
}

/**
 * An inline SVG line chart of one metric over a week, `from` to `to` on the x axis with a tick
 * per day, min/median/max on the y axis. Points further apart than `gapMs` are not joined: the
 * process was down, and a straight line would invent values. No script, no external reference, no
 * `xmlns` (inline SVG in HTML needs none): the page stays self-contained.
 *
 * @example
 * lineChart(report.resources.metrics[0], report.from, report.to, 2 * 3_600_000); // '<svg …'
 */
export function lineChart(metric: MetricSummary, from: number, to: number, gapMs: number): string {
  const w = WIDTH - LEFT - RIGHT;
  const h = HEIGHT - TOP - BOTTOM;
  const span = Math.max(1, to - from);
  const [lo, hi] = yRange(metric);
  const x = (t: number): number => LEFT + ((t - from) / span) * w;
  const y = (v: number): number => TOP + (1 - (v - lo) / (hi - lo)) * h;
  const title = `${metric.label}${metric.unit === '' ? '' : ` (${metric.unit})`}`;
  const out: string[] = [
    `<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeXml(title)}">`,
    `<rect x="${LEFT}" y="${TOP}" width="${w}" height="${h}" class="frame"/>`,
  ];
  for (let day = 0; day * DAY_MS <= span; day++) {
    const gx = c(x(from + day * DAY_MS));
    out.push(`<line x1="${gx}" y1="${TOP}" x2="${gx}" y2="${TOP + h}" class="grid"/>`);
    if (day < 7 && (day + 1) * DAY_MS <= span)
      out.push(
        `<text x="${c(x(from + (day + 0.5) * DAY_MS))}" y="${HEIGHT - 8}" class="tick" text-anchor="middle">${WEEKDAYS[day]}</text>`,
      );
  }
  const labels: [number | null, string][] = [
    [metric.max, 'max'],
    [metric.median, 'median'],
    [metric.min, 'min'],
  ];
  for (const [value] of labels) {
    if (value === null) continue;
    const ly = c(y(value));
    out.push(`<line x1="${LEFT}" y1="${ly}" x2="${LEFT + w}" y2="${ly}" class="level"/>`);
    out.push(
      `<text x="${LEFT - 6}" y="${ly}" class="tick" text-anchor="end" dominant-baseline="middle">${escapeXml(figure(value))}</text>`,
    );
  }
  if (metric.points.length === 0) {
    out.push(
      `<text x="${c(LEFT + w / 2)}" y="${c(TOP + h / 2)}" class="empty" text-anchor="middle">no samples</text>`,
    );
  } else {
    let run: string[] = [];
    let last: number | undefined;
    const flush = (): void => {
      if (run.length === 1) {
        const [px, py] = (run[0] as string).split(',');
        out.push(`<circle cx="${px}" cy="${py}" r="2" class="dot"/>`);
      } else if (run.length > 1) out.push(`<polyline points="${run.join(' ')}" class="line"/>`);
      run = [];
    };
    for (const [t, v] of metric.points) {
      if (last !== undefined && t - last > gapMs) flush();
      run.push(`${c(x(t))},${c(y(v))}`);
      last = t;
    }
    flush();
  }
  out.push(`<text x="${LEFT}" y="14" class="title">${escapeXml(title)}</text>`, '</svg>');
  return out.join('\n');
}
