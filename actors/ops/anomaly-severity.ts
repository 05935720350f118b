import type { AnomalyKind, AnomalySeverity } from './anomaly-record';

/** Observations in one record at which its severity rises, whatever each observation said. */
export interface CountRule {
  readonly warning?: number;
  readonly critical?: number;
}

/**
 * The severity rules. A record's severity is the worst of (a) what each observation said — the
 * detector's magnitude rule — and (b) the count rule below, applied to the record's `count`; it is
 * never lowered. Thresholds named in (a) are config fields (`anomaly-tracker.config.ts`).
 *
 * | kind | info | warning | critical |
 * |---|---|---|---|
 * | `breaker-recovered` | one YELLOW → GREEN | the 3rd in one record (a flapping breaker) | – (RED is a trip, not a near miss) |
 * | `denied-near-limit` | denials at a limit in an interval; admitted orders using ≥ `nearFraction` of a limit | limit denials ≥ `warnShare` of the interval's decisions; the 10th in one record (10 intervals in a row, at 1 min) | the 60th |
 * | `reconciliation-healed` | one heal | the 5th in one record | the 50th |
 * | `event-loop-delay` | max ≥ `spikeMaxMs` (one stall) | p99 ≥ `warnP99Ms`; the 5th spike in one record | p99 ≥ `criticalP99Ms` |
 * | `heap-growth` | – | post-GC slope ≥ `warnMBPerDay`, tau ≥ `minTau`, growing in both halves of the window, for `sustainMs` | the same, the slope then ≥ `criticalMBPerDay` |
 * | `latency-creep` | – | ln p99 rising ≥ `minSlopePerHour`, tau ≥ `minTau` | the rise would reach the breaker's `yellowAtMs` within `criticalWithinMs` |
 * | `journal-growth` | history kept < `minRetentionDays` at the current rate | rate ≥ `rateFactor` × its baseline; stream longer than its bound | – |
 * | `journal-backlog` | – | unacknowledged ≥ `pendingWarn` | unacknowledged ≥ `pendingCritical` |
 * | `heartbeat-missed` | – | misses below the watchdog's `maxMissed`, then an answer (`watchdog-view.ts`) | – (a kill is a `HUNG_COMPONENT` incident) |
 * | `heartbeat-unwatched` | – | running without heartbeats for the view's `unwatchedAfterMs` | – |
 * | `log-flood` | – | lines of a source dropped by the log rate limit in an interval | ≥ `criticalLines` in one interval |
 */
export const COUNT_RULES: Readonly<Record<AnomalyKind, CountRule>> = {
  'breaker-recovered': { warning: 3 },
  'denied-near-limit': { warning: 10, critical: 60 },
  'reconciliation-healed': { warning: 5, critical: 50 },
  'event-loop-delay': { warning: 5 },
  'heap-growth': {},
  'latency-creep': {},
  'journal-growth': {},
  'journal-backlog': {},
  'heartbeat-missed': {},
  'heartbeat-unwatched': {},
  'log-flood': {},
};

/** The severity the count rule of `kind` gives a record of `count` observations, if any. */
export function severityByCount(kind: AnomalyKind, count: number): AnomalySeverity | undefined {
  const rule = COUNT_RULES[kind];
  if (rule.critical !== undefined && count >= rule.critical) return 'critical';
  if (rule.warning !== undefined && count >= rule.warning) return 'warning';
  return undefined;
}
