import type { SubmitFigures } from '../trading/execution-stats';
import type { AnomalyDetector } from './anomaly-detector';
import type { AnomalyObservation } from './anomaly-record';
import type { AnomalyTrackerConfig } from './anomaly-tracker.config';
import type { TimedValue } from './trend-stats';
import { kendallTau, median, theilSen } from './trend-stats';

const HOUR = 3_600_000;

/** Where the detector reads ack latency: `ExecutionStats` and the engines it counts for. */
export interface LatencySource {
  engines(): readonly string[];
  /** `ExecutionStats.figures`: the submissions of `engine` since `now - windowMs`. */
  figures(engine: string, now: number, windowMs: number): SubmitFigures;
}

/**
 * Venue latency creeping up: the slow degradation a breaker only sees once it is bad. Every
 * `everyMs`, per engine, it reads the ack p99 of that interval (`ExecutionStats.figures`, skipped
 * below `minSubmits`); over the last `windowMs` of them, once they span `minSpanMs`, it fits the
 * Theil–Sen slope of ln(p99) — a relative rise per hour, the same for 20 ms as for 2 s — and Kendall's
 * tau. A rise ≥ `minSlopePerHour` with tau ≥ `minTau` is a warning; critical when, rising so, the
 * p99 would reach the latency breaker's yellow level (`yellowAtMs`) within `criticalWithinMs`.
 * Value: the interval's p99 in ms.
 */
export class LatencyCreepDetector implements AnomalyDetector {
  readonly name = 'latency';
  readonly everyMs: number;
  /** Per engine: (t, ln p99) of the intervals in the window. */
  private readonly series = new Map<string, TimedValue[]>();

  constructor(
    private readonly source: LatencySource,
    private readonly config: AnomalyTrackerConfig['latency'],
  ) {
    this.everyMs = config.everyMs;
  }

  sample(now: number): readonly AnomalyObservation[] {
    const out: AnomalyObservation[] = [];
    for (const engine of this.source.engines()) {
      const found = this.judge(engine, now);
      if (found) out.push(found);
    }
    return out;
  }

  private judge(engine: string, now: number): AnomalyObservation | undefined {
    const c = this.config;
    const figures = this.source.figures(engine, now, this.everyMs);
    if (figures.submits < c.minSubmits || !(figures.ackP99Ms > 0)) return undefined;
    let series = this.series.get(engine);
    if (!series) this.series.set(engine, (series = []));
    series.push({ t: now, value: Math.log(figures.ackP99Ms) });
    while ((series[0] as TimedValue).t < now - c.windowMs) series.shift();
    const spanMs = now - (series[0] as TimedValue).t;
    if (spanMs < c.minSpanMs || series.length < 4) return undefined;
    const perHour = theilSen(series) * HOUR;
    const tau = kendallTau(series);
    if (perHour < c.minSlopePerHour || tau < c.minTau) return undefined;

    const p99 = figures.ackP99Ms;
    const ms = (values: readonly TimedValue[]): number =>
      Math.round(Math.exp(median(values.map((v) => v.value))));
    const baseline = ms(series.slice(0, 4));
    const recent = ms(series.slice(-4));
    // ln(yellow / now) / (ln-rise per hour): hours until the p99 reaches yellow at this rate.
    const toYellowMs = p99 >= c.yellowAtMs ? 0 : Math.round((Math.log(c.yellowAtMs / p99) / perHour) * HOUR);
    const pct = Math.round((Math.exp(perHour) - 1) * 1_000) / 10;
    const inHours = Math.round((toYellowMs / HOUR) * 10) / 10;
    return {
      kind: 'latency-creep',
      subject: { type: 'engine', id: engine },
      severity: toYellowMs <= c.criticalWithinMs ? 'critical' : 'warning',
      t: now,
      summary:
        `${engine}: ack p99 rising ${pct}%/h (tau ${tau.toFixed(2)}), ${baseline} → ${recent} ms; ` +
        `at this rate ${c.yellowAtMs} ms in ${inHours} h`,
      value: p99,
      unit: 'ms',
      evidence: {
        risePerHour: Math.round((Math.exp(perHour) - 1) * 10_000) / 10_000,
        tau: Math.round(tau * 100) / 100,
        baselineP99Ms: baseline,
        recentP99Ms: recent,
        ratio: Math.round((recent / baseline) * 1_000) / 1_000,
        toYellowMs,
        samples: series.length,
        spanMs,
      },
    };
  }
}
