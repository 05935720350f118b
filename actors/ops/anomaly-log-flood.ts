import type { AnomalyDetector } from './anomaly-detector';
import type { AnomalyObservation } from './anomaly-record';
import type { AnomalyTrackerConfig } from './anomaly-tracker.config';

/** What the detector reads of the log rate limiter (`rateLimiterOf(logger)`). */
export interface SuppressedLines {
  /** Lines dropped per source since the start. */
  suppressedBySource(): Readonly<Record<string, number>>;
}

/**
 * A source logging past its rate budget: its lines were dropped (`actors/kernel/log-rate-limit.ts`),
 * so whatever it was saying is partly lost, and a component that floods its log is usually stuck
 * in a loop. Every `everyMs` it compares each source's count of dropped lines with the last look;
 * a source that lost lines since is one observation — `warning`, `critical` once the lines lost
 * in one interval reach `criticalLines`. Value: lines dropped in the interval.
 */
export class LogFloodDetector implements AnomalyDetector {
  readonly name = 'logs';
  readonly everyMs: number;
  private last: Readonly<Record<string, number>> = {};

  constructor(
    private readonly lines: SuppressedLines,
    private readonly config: AnomalyTrackerConfig['logs'],
  ) {
    this.everyMs = config.everyMs;
  }

  sample(now: number): readonly AnomalyObservation[] {
    const counts = this.lines.suppressedBySource();
    const out: AnomalyObservation[] = [];
    for (const [source, total] of Object.entries(counts)) {
      const lost = total - (this.last[source] ?? 0);
      if (lost <= 0) continue;
      out.push({
        kind: 'log-flood',
        subject: { type: 'actor', id: source },
        severity: lost >= this.config.criticalLines ? 'critical' : 'warning',
        t: now,
        summary: `${source} logged past its budget: ${lost} lines dropped in ${Math.round(this.everyMs / 1_000)} s`,
        value: lost,
        unit: 'lines',
        evidence: { dropped: lost, droppedSinceStart: total, windowMs: this.everyMs },
      });
    }
    this.last = { ...counts };
    return out;
  }
}
