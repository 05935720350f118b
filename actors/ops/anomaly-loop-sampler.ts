import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { IntervalHistogram } from 'node:perf_hooks';

/** Event-loop delay over one sample interval, ms: how late the loop got round to a due timer. */
export interface LoopDelaySample {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
}

/**
 * Where the tracker reads event-loop delay: each `sample()` covers the time since the previous one.
 * Injectable because the delay is a real-time measure: on a virtual clock it says how busy the
 * simulation kept the loop, nothing about the system simulated, so simulations feed values instead.
 */
export interface LoopDelaySampler {
  /** The delay since the last sample; undefined when nothing was measured. */
  sample(): LoopDelaySample | undefined;
  /** Stops measuring. */
  close(): void;
}

const NS_PER_MS = 1e6;

/**
 * The process's own event-loop delay, from `perf_hooks.monitorEventLoopDelay` (a libuv timer at
 * `resolutionMs`, outside the runtime's clock: it measures real time by design). Each sample reads
 * the histogram and resets it. The histogram holds the time between the timer's turns; the
 * resolution is taken off, so an idle loop reads about 0 rather than `resolutionMs`.
 *
 * @example
 * const loop = realLoopDelaySampler();
 * loop.sample(); // { p50Ms: 0.1, p99Ms: 8.4, maxMs: 280.7, meanMs: 5.8 }
 * loop.close();
 */
export function realLoopDelaySampler(resolutionMs = 20): LoopDelaySampler {
  const histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  return {
    sample: () => {
      if (histogram.count === 0) return undefined;
      const late = (ns: number): number => Math.max(0, ns / NS_PER_MS - resolutionMs);
      const sample: LoopDelaySample = {
        p50Ms: late(histogram.percentile(50)),
        p99Ms: late(histogram.percentile(99)),
        maxMs: late(histogram.max),
        meanMs: late(histogram.mean),
      };
      histogram.reset();
      return sample;
    },
    close: () => histogram.disable(),
  };
}

/**
 * A sampler that never measures: for simulations on a virtual clock, where the real loop delay
 * says how hard the simulation drives the loop and nothing about the system simulated.
 */
export function unmeasuredLoopDelay(): LoopDelaySampler {
  return { sample: () => undefined, close: () => undefined };
}
