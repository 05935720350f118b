import type { EquityPoint } from '../../../actors/trading/portfolio-equity';

/** An equity curve laid out in a `width × height` box, y growing downwards as in SVG. */
export interface EquityChart {
  /** One `x,y` pair per point, oldest first, for an SVG `<polyline points>`. */
  readonly line: string;
  /** The area under the line down to the bottom edge, as an SVG path; empty without points. */
  readonly area: string;
  /** The range of equity drawn: lowest and highest point. */
  readonly min: number;
  readonly max: number;
  /** The newest point's position, for a marker; `null` without points. */
  readonly last: { readonly x: number; readonly y: number } | null;
}

/** Two decimals are plenty for screen coordinates and keep the markup short. */
function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/**
 * Lays the curve out: time across (first to last point), equity up (lowest to highest point),
 * `pad` pixels inside each edge. A single point, or a flat curve, sits in the middle.
 *
 * @example
 * equityChart([{ t: 0, equity: 100 }, { t: 10, equity: 110 }], 100, 50, 0).line; // '0,50 100,0'
 */
export function equityChart(
  points: readonly EquityPoint[],
  width: number,
  height: number,
  pad = 4,
): EquityChart {
  const first = points[0];
  const final = points.at(-1);
  if (first === undefined || final === undefined) return { line: '', area: '', min: 0, max: 0, last: null };
  let min = first.equity;
  let max = first.equity;
  for (const p of points) {
    if (p.equity < min) min = p.equity;
    if (p.equity > max) max = p.equity;
  }
  const span = final.t - first.t;
  const x = (t: number): number =>
    round(span > 0 ? pad + ((t - first.t) / span) * (width - 2 * pad) : width / 2);
  const y = (equity: number): number =>
    round(max > min ? pad + ((max - equity) / (max - min)) * (height - 2 * pad) : height / 2);
  const xy = points.map((p) => ({ x: x(p.t), y: y(p.equity) }));
  const line = xy.map((p) => `${p.x},${p.y}`).join(' ');
  const start = xy[0]!;
  const end = xy.at(-1)!;
  const area = `M ${start.x},${height} L ${line.replaceAll(' ', ' L ')} L ${end.x},${height} Z`;
  return { line, area, min, max, last: end };
}
