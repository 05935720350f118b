/** A point of a drawn path. */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/**
 * An SVG path through `points` with its corners rounded by up to `radius` (less where a segment is
 * too short), the way ELK's orthogonal routes read best.
 */
export function roundedPath(points: readonly Point[], radius = 6): string {
  const first = points[0];
  if (first === undefined) return '';
  let d = `M ${first.x} ${first.y}`;
  for (let i = 1; i < points.length; i++) {
    const at = points[i]!;
    const next = points[i + 1];
    if (next === undefined) {
      d += ` L ${at.x} ${at.y}`;
      break;
    }
    const prev = points[i - 1]!;
    const r = Math.min(radius, distance(prev, at) / 2, distance(at, next) / 2);
    const before = towards(at, prev, r);
    const after = towards(at, next, r);
    d += ` L ${before.x} ${before.y} Q ${at.x} ${at.y} ${after.x} ${after.y}`;
  }
  return d;
}

function distance(a: Point, b: Point): number {
  return Math.hypot(b.x - a.x, b.y - a.y);
}

/** The point `r` away from `from` in the direction of `to`. */
function towards(from: Point, to: Point, r: number): Point {
  const length = distance(from, to);
  if (length === 0) return from;
  return { x: from.x + ((to.x - from.x) * r) / length, y: from.y + ((to.y - from.y) * r) / length };
}
