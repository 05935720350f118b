import type { AnomalyDetector } from './anomaly-detector';
import { NOTHING } from './anomaly-detector';
import type { AnomalyObservation, AnomalySeverity } from './anomaly-record';
import type { AnomalyTrackerConfig } from './anomaly-tracker.config';
import type { LoopDelaySample, LoopDelaySampler } from './anomaly-loop-sampler';
import { median } from './trend-stats';

/** Intervals kept for the baseline shown in the evidence. */
const BASELINE = 60;

/**
 * Event-loop delay spikes: a loop that gets round to due timers late delays every heartbeat, order
 * deadline and venue answer alike. Every `everyMs` it reads the sampler (the delay since the last
 * read): p99 ≥ `criticalP99Ms` is critical, p99 ≥ `warnP99Ms` a warning, one stall with max ≥
 * `spikeMaxMs` info. Value: the interval's p99; the evidence adds the median p99 of the 60 intervals
 * before, to tell a spike from a loop that is always slow.
 */
export class LoopDelayDetector implements AnomalyDetector {
  readonly name = 'event-loop';
  readonly everyMs: number;
  private readonly recent: number[] = [];

  constructor(
    private readonly sampler: LoopDelaySampler,
    private readonly config: AnomalyTrackerConfig['eventLoop'],
  ) {
    this.everyMs = config.everyMs;
  }

  sample(now: number): readonly AnomalyObservation[] {
    const s = this.sampler.sample();
    if (s === undefined) return NOTHING;
    const baseline = median(this.recent);
    this.recent.push(s.p99Ms);
    if (this.recent.length > BASELINE) this.recent.shift();
    const severity = this.severityOf(s);
    if (severity === undefined) return NOTHING;
    const round = (ms: number): number => Math.round(ms * 10) / 10;
    return [
      {
        kind: 'event-loop-delay',
        subject: { type: 'process', id: 'event-loop' },
        severity,
        t: now,
        summary: `event loop delay p99 ${round(s.p99Ms)} ms, max ${round(s.maxMs)} ms over ${this.everyMs / 1_000} s`,
        value: round(s.p99Ms),
        unit: 'ms',
        evidence: {
          p50Ms: round(s.p50Ms),
          p99Ms: round(s.p99Ms),
          maxMs: round(s.maxMs),
          meanMs: round(s.meanMs),
          baselineP99Ms: Number.isNaN(baseline) ? null : round(baseline),
        },
      },
    ];
  }

  private severityOf(s: LoopDelaySample): AnomalySeverity | undefined {
    if (s.p99Ms >= this.config.criticalP99Ms) return 'critical';
    if (s.p99Ms >= this.config.warnP99Ms) return 'warning';
    return s.maxMs >= this.config.spikeMaxMs ? 'info' : undefined;
  }
}
