import { bigintFromJSON, fromScaled } from './portfolio-amounts';
import type { EquityCurveJSON } from './portfolio-snapshot';

/** One point of the equity curve. */
export interface EquityPoint {
  readonly t: number;
  readonly equity: number;
}

/** The equity curve as the outside sees it. */
export interface EquityCurveView {
  /** Oldest first; `points[i]` is the equity after mark number `(i + 1) × stride`. */
  readonly points: readonly EquityPoint[];
  /** Marks per point: 1 until the curve first fills, then doubled at each thinning. */
  readonly stride: number;
  /** Marks recorded since the portfolio began. */
  readonly marks: number;
  /** Highest equity at any mark (exact, not thinned away); `null` before the first mark. */
  readonly peak: number | null;
  /** Largest fall from a running peak at any mark, as a positive amount. */
  readonly maxDrawdown: number;
}

/**
 * The equity curve with bounded memory: at most `capacity` points (even). When it would exceed
 * that, every other point is dropped and the stride doubles, so the curve always spans the whole
 * history at an even resolution — memory O(capacity) for any run length. Peak and maximum drawdown
 * are tracked exactly at every mark, so thinning never hides a peak from a drawdown breaker.
 */
export class EquityCurve {
  private points: EquityPoint[] = [];
  private stride = 1;
  private marks = 0;
  private peak: bigint | null = null;
  private maxDrawdown = 0n;
  private lastT: number | null = null;

  constructor(
    private readonly capacity: number,
    /** Scale of the exact equity figures given to {@link record}. */
    private readonly scale: number,
  ) {}

  /** Time of the latest mark, `null` before the first. */
  get latestT(): number | null {
    return this.lastT;
  }

  /** Exact peak equity at any mark, `null` before the first. */
  get peakEquity(): bigint | null {
    return this.peak;
  }

  /** Records the equity at a mark; `t` must not precede the previous mark's (checked by the caller). */
  record(t: number, equity: bigint): void {
    this.marks += 1;
    this.lastT = t;
    if (this.peak === null || equity > this.peak) this.peak = equity;
    if (this.peak - equity > this.maxDrawdown) this.maxDrawdown = this.peak - equity;
    if (this.marks % this.stride !== 0) return;
    this.points.push({ t, equity: fromScaled(equity, this.scale) });
    if (this.points.length > this.capacity) {
      // points[i] sits at mark (i + 1) × stride; keeping odd indexes keeps the multiples of 2 × stride.
      this.points = this.points.filter((_, i) => i % 2 === 1);
      this.stride *= 2;
    }
  }

  /** The curve and its extremes. */
  view(): EquityCurveView {
    return {
      points: [...this.points],
      stride: this.stride,
      marks: this.marks,
      peak: this.peak === null ? null : fromScaled(this.peak, this.scale),
      maxDrawdown: fromScaled(this.maxDrawdown, this.scale),
    };
  }

  /** The curve as snapshot JSON. */
  toJSON(): EquityCurveJSON {
    return {
      stride: this.stride,
      marks: this.marks,
      points: this.points.map((p) => ({ ...p })),
      peak: this.peak === null ? null : this.peak.toString(),
      maxDrawdown: this.maxDrawdown.toString(),
      lastT: this.lastT,
    };
  }

  /** Restores a curve from shape-checked snapshot JSON. */
  static fromJSON(json: EquityCurveJSON, capacity: number, scale: number): EquityCurve {
    const curve = new EquityCurve(capacity, scale);
    curve.points = json.points.map((p) => ({ ...p }));
    curve.stride = json.stride;
    curve.marks = json.marks;
    curve.peak = json.peak === null ? null : (bigintFromJSON(json.peak) ?? 0n);
    curve.maxDrawdown = bigintFromJSON(json.maxDrawdown) ?? 0n;
    curve.lastT = json.lastT;
    return curve;
  }
}
