/** How a venue answered one order submission. */
export type SubmitOutcome = 'ack' | 'reject' | 'error' | 'unknown';

interface Sample {
  readonly t: number;
  readonly outcome: SubmitOutcome;
  readonly latencyMs: number;
}

/** Figures over a window of recent submissions. */
export interface SubmitFigures {
  readonly submits: number;
  /** Errors (5xx, 429/418, network) and unknown outcomes, as a fraction of submissions (0 when none). */
  readonly errorRate: number;
  /** Venue rejections as a fraction of submissions (0 when none). */
  readonly rejectRate: number;
  /** 99th percentile of the time to the venue's answer, ms; 0 when there was none. */
  readonly ackP99Ms: number;
}

/** Samples kept per engine: enough for a few minutes at the rates engines trade at. */
const CAPACITY = 2_048;

/**
 * The venue's answers to each engine's order submissions, in a bounded ring per engine: what the
 * venue-error-rate, reject-rate and ack-latency breakers read. In memory only: a restart starts
 * from no evidence, and breakers need N fresh confirming readings anyway.
 */
export class ExecutionStats {
  private readonly rings = new Map<string, Sample[]>();

  /** Records one submission's outcome. */
  record(engine: string, t: number, outcome: SubmitOutcome, latencyMs: number): void {
    let ring = this.rings.get(engine);
    if (!ring) this.rings.set(engine, (ring = []));
    ring.push({ t, outcome, latencyMs });
    // Trimmed in chunks: dropping one sample per push would move the whole ring every time.
    if (ring.length >= 2 * CAPACITY) ring.splice(0, ring.length - CAPACITY);
  }

  /** Figures over the submissions of `engine` (all engines when undefined) since `now - windowMs`. */
  figures(engine: string | undefined, now: number, windowMs: number): SubmitFigures {
    const rings = engine === undefined ? [...this.rings.values()] : [this.rings.get(engine) ?? []];
    const from = now - windowMs;
    let submits = 0;
    let errors = 0;
    let rejects = 0;
    const latencies: number[] = [];
    for (const ring of rings) {
      // The newest `CAPACITY` only. Not stopping at the first old sample: a clock stepped back
      // (skew) records out of order.
      for (let i = Math.max(0, ring.length - CAPACITY); i < ring.length; i++) {
        const s = ring[i] as Sample;
        if (s.t < from) continue;
        submits++;
        if (s.outcome === 'error' || s.outcome === 'unknown') errors++;
        else if (s.outcome === 'reject') rejects++;
        if (s.outcome === 'ack' || s.outcome === 'reject') latencies.push(s.latencyMs);
      }
    }
    // A typed array sorts numerically in native code: a comparator sort of 2 048 numbers per breaker
    // reading was most of what the breakers cost.
    const sorted = Float64Array.from(latencies).sort();
    const p99 = sorted.length === 0 ? 0 : (sorted[Math.ceil(sorted.length * 0.99) - 1] as number);
    return {
      submits,
      errorRate: submits === 0 ? 0 : errors / submits,
      rejectRate: submits === 0 ? 0 : rejects / submits,
      ackP99Ms: p99,
    };
  }
}
