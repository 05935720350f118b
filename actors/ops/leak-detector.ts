import type { AnomalyDetector } from './anomaly-detector';
import { NOTHING } from './anomaly-detector';
import type { AnomalyObservation } from './anomaly-record';
import type { AnomalyTrackerConfig } from './anomaly-tracker.config';
import type { HeapSampler } from './leak-heap-sampler';
import type { TimedValue } from './trend-stats';
import { kendallTau, theilSen } from './trend-stats';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * A memory leak: the heap left after GC keeps growing. Every `everyMs` (after `warmupMs` from
 * start) it samples the heap; over the samples of the last `windowMs`, once they span `minSpanMs`,
 * it takes the Theil–Sen slope (MB/day) and Kendall's tau. A slope ≥ `warnMBPerDay` with tau ≥
 * `minTau`, the heap growing in both halves of the window too (at half that rate at least), that
 * holds for `sustainMs` is flagged: a warning, critical when the slope is then ≥
 * `criticalMBPerDay`. Why both halves: a cache that fills once is a step, and a step in the middle
 * of the window gives a steep, consistent slope over the whole; a leak grows in every part of it. Value: the heap in MB, so the
 * record's trend follows the heap itself.
 */
export class HeapGrowthDetector implements AnomalyDetector {
  readonly name = 'heap';
  readonly everyMs: number;
  private readonly samples: TimedValue[] = [];
  /** Since when the slope has been over the threshold; null while it is not. */
  private overSince: number | null = null;

  constructor(
    private readonly sampler: HeapSampler,
    private readonly config: AnomalyTrackerConfig['heap'],
    /** Clock time the tracker started: the warm-up counts from it. */
    private readonly startedAt: number,
  ) {
    this.everyMs = config.everyMs;
  }

  sample(now: number): readonly AnomalyObservation[] {
    const c = this.config;
    if (now - this.startedAt < c.warmupMs) return NOTHING;
    const mb = this.sampler.sample();
    if (!Number.isFinite(mb)) return NOTHING;
    this.samples.push({ t: now, value: mb });
    while ((this.samples[0] as TimedValue).t < now - c.windowMs) this.samples.shift();
    const spanMs = now - (this.samples[0] as TimedValue).t;
    if (spanMs < c.minSpanMs || this.samples.length < 4) return NOTHING;
    const perDay = theilSen(this.samples) * DAY;
    const tau = kendallTau(this.samples);
    if (perDay < c.warnMBPerDay || tau < c.minTau || !this.growsThroughout(now - spanMs / 2)) {
      this.overSince = null;
      return NOTHING;
    }
    this.overSince ??= now;
    if (now - this.overSince < c.sustainMs) return NOTHING;
    const slope = Math.round(perDay * 10) / 10;
    const hours = Math.round((spanMs / HOUR) * 10) / 10;
    return [
      {
        kind: 'heap-growth',
        subject: { type: 'process', id: 'heap' },
        severity: perDay >= c.criticalMBPerDay ? 'critical' : 'warning',
        t: now,
        summary:
          `${this.sampler.postGc ? 'post-GC ' : ''}heap growing ${slope} MB/day over the last ${hours} h ` +
          `(tau ${tau.toFixed(2)}), now ${mb.toFixed(1)} MB`,
        value: Math.round(mb * 100) / 100,
        unit: 'MB',
        evidence: {
          slopeMBPerDay: slope,
          heapMB: Math.round(mb * 100) / 100,
          tau: Math.round(tau * 100) / 100,
          spanMs,
          samples: this.samples.length,
          overSince: this.overSince,
          postGc: this.sampler.postGc,
        },
      },
    ];
  }

  private growsThroughout(middle: number): boolean {
    const first = this.samples.filter((s) => s.t <= middle);
    const second = this.samples.filter((s) => s.t >= middle);
    const least = this.config.warnMBPerDay / 2;
    return Math.min(theilSen(first), theilSen(second)) * DAY >= least;
  }
}
