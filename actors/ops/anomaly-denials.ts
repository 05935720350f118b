import type { OrderDeniedReason } from '../trading/risk-decision';
import type { AnomalyDetector } from './anomaly-detector';
import type { AnomalyObservation } from './anomaly-record';
import type { AnomalyTrackerConfig } from './anomaly-tracker.config';

/** Denials that mean an order ran into a configured limit (not a halt, a stale book or bad input). */
export const LIMIT_REASONS: readonly OrderDeniedReason[] = [
  'POSITION_EXCEEDS_MAXIMUM',
  'NOTIONAL_EXCEEDS_MAXIMUM',
  'ORDER_RATE_EXCEEDED',
  'PRICE_OUTSIDE_BAND',
];

/** An engine's pre-trade decisions so far, as its execution counts them (they restart from 0 with it). */
export interface DecisionCounts {
  readonly admitted: number;
  readonly denied: number;
  /** `<intentId>: <REASON>: <detail>` of the latest denial, or null. */
  readonly lastDenial: string | null;
  /**
   * Denials so far by reason code, when the source counts them (execution's summary does): then
   * limit denials are counted exactly, else judged by the latest denial's reason.
   */
  readonly deniedBy?: Readonly<Record<string, number>>;
  /**
   * The largest fraction of any limit used by an order admitted since the last read, when the
   * source knows it (the engine's summary does not yet: see the report on the missing hook).
   */
  readonly nearestLimit?: number | null;
}

/** Where the detector reads each engine's decisions. */
export interface DecisionSource {
  engines(): readonly string[];
  /** Undefined while the engine is not running. */
  read(engine: string): DecisionCounts | undefined;
}

/**
 * A {@link DecisionSource} over the engine components' summaries (`admitted`, `denied`,
 * `lastDenial`, `deniedBy` of `Execution.summary()`), e.g.
 * `(id) => runtime.component(id)?.view().summary`.
 */
export function summaryDecisions(
  engines: readonly string[],
  summaryOf: (engine: string) => Readonly<Record<string, unknown>> | undefined,
): DecisionSource {
  return {
    engines: () => engines,
    read: (engine) => {
      const s = summaryOf(engine);
      if (s === undefined || typeof s.denied !== 'number' || typeof s.admitted !== 'number') return undefined;
      return {
        admitted: s.admitted,
        denied: s.denied,
        lastDenial: typeof s.lastDenial === 'string' ? s.lastDenial : null,
        ...(isCountMap(s.deniedBy) ? { deniedBy: s.deniedBy } : {}),
      };
    },
  };
}

/**
 * Orders denied at a risk limit, or admitted close to one: a strategy pressing against its limits.
 * Every `everyMs` it reads each engine's counts and judges the interval's new denials: exactly by
 * reason when the source counts them (`deniedBy`, as execution does), else an interval's denials
 * count as limit denials when its latest one was (a source that only knows the latest denial).
 * Info for any; a warning when they are at least `warnShare` of the interval's decisions. Value:
 * limit denials in the interval.
 */
export class DeniedNearLimitDetector implements AnomalyDetector {
  readonly name = 'denials';
  readonly everyMs: number;
  private readonly last = new Map<string, DecisionCounts>();

  constructor(
    private readonly source: DecisionSource,
    private readonly config: AnomalyTrackerConfig['denials'],
  ) {
    this.everyMs = config.everyMs;
  }

  sample(now: number): readonly AnomalyObservation[] {
    const out: AnomalyObservation[] = [];
    for (const engine of this.source.engines()) {
      const counts = this.source.read(engine);
      if (counts === undefined) continue;
      const before = this.last.get(engine);
      this.last.set(engine, counts);
      // Lower counts than last time: the engine restarted and counts from 0 again.
      const restarted =
        before === undefined || counts.denied < before.denied || counts.admitted < before.admitted;
      const denied = counts.denied - (restarted ? 0 : before.denied);
      const admitted = counts.admitted - (restarted ? 0 : before.admitted);
      // The first read of a process has no interval to judge: the counts may span hours.
      if (before === undefined) continue;
      const limits = limitDenials(counts, restarted ? undefined : before, denied);
      if (limits !== null)
        out.push(
          this.denials(engine, now, { limited: limits.denied, denied, admitted }, limits.reason, counts),
        );
      const near = counts.nearestLimit ?? null;
      if (near !== null && near >= this.config.nearFraction)
        out.push({
          kind: 'denied-near-limit',
          subject: { type: 'engine', id: engine },
          severity: 'info',
          t: now,
          summary: `${engine} admitted an order using ${Math.round(near * 100)}% of a limit`,
          evidence: { nearestLimit: near, admitted },
        });
    }
    return out;
  }

  private denials(
    engine: string,
    now: number,
    interval: { readonly limited: number; readonly denied: number; readonly admitted: number },
    reason: OrderDeniedReason,
    counts: DecisionCounts,
  ): AnomalyObservation {
    const { admitted } = interval;
    const denied = interval.limited;
    const decisions = interval.denied + admitted;
    const share = denied / decisions;
    const pct = Math.round(share * 100);
    return {
      kind: 'denied-near-limit',
      subject: { type: 'engine', id: engine },
      severity: share >= this.config.warnShare ? 'warning' : 'info',
      t: now,
      summary: `${engine}: ${denied} order(s) denied at a limit (${reason}), ${pct}% of ${decisions} decisions`,
      value: denied,
      unit: 'denials',
      evidence: {
        reason,
        denied,
        admitted,
        otherDenials: interval.denied - denied,
        share,
        ...(counts.deniedBy ? { deniedBy: counts.deniedBy } : {}),
        lastDenial: counts.lastDenial,
      },
    };
  }
}

/**
 * The interval's limit denials and the reason with most of them: exact from `deniedBy` (growth since
 * `before`, or since 0 after a restart), else all `denied` when the latest denial names a limit.
 */
function limitDenials(
  counts: DecisionCounts,
  before: DecisionCounts | undefined,
  denied: number,
): { denied: number; reason: OrderDeniedReason } | null {
  if (counts.deniedBy === undefined) {
    const reason = limitReason(counts.lastDenial);
    return denied > 0 && reason !== null ? { denied, reason } : null;
  }
  let total = 0;
  let top: { reason: OrderDeniedReason; n: number } | null = null;
  for (const reason of LIMIT_REASONS) {
    const n = (counts.deniedBy[reason] ?? 0) - (before?.deniedBy?.[reason] ?? 0);
    if (n <= 0) continue;
    total += n;
    if (top === null || n > top.n) top = { reason, n };
  }
  return top === null ? null : { denied: total, reason: top.reason };
}

function isCountMap(value: unknown): value is Record<string, number> {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.values(value).every((n) => typeof n === 'number' && Number.isFinite(n))
  );
}

/** The limit reason named in a denial line, or null when it names none. */
export function limitReason(line: string | null): OrderDeniedReason | null {
  if (line === null) return null;
  for (const reason of LIMIT_REASONS) if (new RegExp(`\\b${reason}\\b`).test(line)) return reason;
  return null;
}
