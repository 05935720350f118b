/** One reading of a metric at a clock time. */
export interface TimedValue {
  readonly t: number;
  readonly value: number;
}

/** Which way a series is going. */
export type Trend = 'rising' | 'flat' | 'falling';

/** Median of `values`; NaN when empty. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Theil–Sen slope of `points` (value per ms): the median of the slopes between every pair of points
 * at different times. Why not least squares: one GC that ran late, or one burst of slow acks, pulls
 * a least-squares line by its square; the median of pairwise slopes ignores up to ~29% outliers.
 * O(n²) pairs, so keep `points` to a few hundred. 0 with fewer than two distinct times.
 *
 * @example
 * theilSen([{ t: 0, value: 1 }, { t: 10, value: 2 }, { t: 20, value: 3 }]); // 0.1
 */
export function theilSen(points: readonly TimedValue[]): number {
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i++) {
    const a = points[i] as TimedValue;
    for (let j = i + 1; j < points.length; j++) {
      const b = points[j] as TimedValue;
      if (b.t !== a.t) slopes.push((b.value - a.value) / (b.t - a.t));
    }
  }
  return slopes.length === 0 ? 0 : median(slopes);
}

/**
 * Kendall's tau-a of `points` against time: (concordant − discordant) / pairs, from −1 (always
 * falling) to 1 (always rising). It says how *consistently* a series moves, where the slope says how
 * fast: a real leak is monotonic (tau near 1), a noisy plateau is not (tau near 0). Ties count as
 * neither. 0 with fewer than two points.
 */
export function kendallTau(points: readonly TimedValue[]): number {
  let score = 0;
  let pairs = 0;
  for (let i = 0; i < points.length; i++) {
    const a = points[i] as TimedValue;
    for (let j = i + 1; j < points.length; j++) {
      const b = points[j] as TimedValue;
      pairs++;
      score += Math.sign(b.t - a.t) * Math.sign(b.value - a.value);
    }
  }
  return pairs === 0 ? 0 : score / pairs;
}

/** What {@link trendOf} concluded, with the figures it concluded it from. */
export interface TrendFigures {
  readonly trend: Trend;
  /** Theil–Sen slope, value per ms. */
  readonly slope: number;
  /** Kendall's tau against time. */
  readonly tau: number;
}

/**
 * The trend of a series: `rising` (or `falling`) when at least `minPoints` points move
 * consistently that way (|tau| ≥ `minTau`, slope of the same sign), `flat` otherwise.
 */
export function trendOf(points: readonly TimedValue[], minTau = 0.3, minPoints = 4): TrendFigures {
  if (points.length < minPoints) return { trend: 'flat', slope: 0, tau: 0 };
  const slope = theilSen(points);
  const tau = kendallTau(points);
  const trend = tau >= minTau && slope > 0 ? 'rising' : tau <= -minTau && slope < 0 ? 'falling' : 'flat';
  return { trend, slope, tau };
}

/**
 * The trend of how often something happens, from the times it happened: `rising` when the gaps
 * between occurrences shrink, `falling` when they grow. Needs `minPoints` gaps.
 */
export function rateTrendOf(times: readonly number[], minTau = 0.3, minPoints = 3): Trend {
  const gaps: TimedValue[] = [];
  for (let i = 1; i < times.length; i++)
    gaps.push({ t: times[i] as number, value: (times[i] as number) - (times[i - 1] as number) });
  const { trend } = trendOf(gaps, minTau, minPoints);
  return trend === 'rising' ? 'falling' : trend === 'falling' ? 'rising' : 'flat';
}
