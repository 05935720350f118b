import type { ReportInputs } from './report-inputs';
import type { ResourceField, ResourceSample } from './resource-sample';

const DAY_MS = 86_400_000;

/** Median of `values`; null when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Least-squares slope of `points` (`[t, value]`), value per day; null with fewer than two distinct
 * times. Why not Theil–Sen: at a one-minute interval a week is 10 080 samples, 50 M pairs; a report
 * wants the week's drift, and the min/median/max beside it show the outliers.
 */
export function slopePerDay(points: readonly (readonly [number, number])[]): number | null {
  if (points.length < 2) return null;
  let st = 0;
  let sv = 0;
  for (const [t, v] of points) {
    st += t;
    sv += v;
  }
  const mt = st / points.length;
  const mv = sv / points.length;
  let num = 0;
  let den = 0;
  for (const [t, v] of points) {
    num += (t - mt) * (v - mv);
    den += (t - mt) * (t - mt);
  }
  return den === 0 ? null : (num / den) * DAY_MS;
}

/**
 * The samples that bound the week's cumulative figures (restarts, crashes, journal `seq`, net PnL):
 * from the sample at the week's start (else the latest before it, else the week's first) to the
 * sample that closes it (at `to`, else the last one taken). `partial` when the baseline is later
 * than the week's start: what happened before it is not counted.
 */
export interface SampleSpan {
  readonly chain: readonly ResourceSample[];
  readonly partial: boolean;
}

/** See {@link SampleSpan}; `until` ends a week still going on. */
export function sampleSpan(inputs: ReportInputs, until: number): SampleSpan {
  const { from, to } = inputs.week;
  const inWeek = inputs.samples.filter((s) => s.t >= from && s.t < to && s.t <= until);
  const first = inWeek[0];
  const base = first?.t === from ? undefined : inputs.before;
  const closing = inputs.after?.t === to && until >= to ? inputs.after : undefined;
  const chain = [...(base ? [base] : []), ...inWeek, ...(closing ? [closing] : [])];
  const start = chain[0];
  return { chain, partial: start === undefined || start.t > from };
}

function values(chain: readonly ResourceSample[], field: ResourceField): number[] {
  const out: number[] = [];
  for (const sample of chain) {
    const value = sample[field];
    if (value !== null) out.push(value);
  }
  return out;
}

/**
 * How much a cumulative counter grew along `chain`, as Prometheus's `increase`: a drop is a reset
 * (the counters were cleared, a non-durable store restarted), after which the new value is all
 * growth. Null when no sample has the figure.
 */
export function increase(chain: readonly ResourceSample[], field: ResourceField): number | null {
  const seen = values(chain, field);
  if (seen.length === 0) return null;
  let total = 0;
  for (let i = 1; i < seen.length; i++) {
    const a = seen[i - 1] as number;
    const b = seen[i] as number;
    total += b >= a ? b - a : b;
  }
  return total;
}

/** First and last value of a figure along `chain`; nulls when no sample has it. */
export function ends(
  chain: readonly ResourceSample[],
  field: ResourceField,
): { readonly first: number | null; readonly last: number | null } {
  const seen = values(chain, field);
  return { first: seen[0] ?? null, last: seen.at(-1) ?? null };
}
