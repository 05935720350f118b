import * as v8 from 'node:v8';

const MB = 1_048_576;

/** Where the leak detector reads the heap in use. */
export interface HeapSampler {
  /** Whether each sample follows a full collection (a post-GC figure) or is the raw, sawtoothed one. */
  readonly postGc: boolean;
  /** Heap in use now, MB. */
  sample(): number;
}

/**
 * The process's own heap. With a `gc` function (given, or `global.gc` when node runs with
 * `--expose-gc`) each sample first runs a full collection, so what is left is what is retained: the
 * figure a leak shows in. That costs a full GC pause per sample (tens of ms on a heap of a few hundred
 * MB), hence the detector's 15 min default. Without one the raw figure is read, sawtooth and all; the
 * detector's robust slope copes with that, if less quickly. Reads `process.memoryUsage().heapUsed`,
 * else V8's `used_heap_size`.
 *
 * @example
 * realHeapSampler().sample();                 // 84.2
 * realHeapSampler({ gc: exposeGc() });        // post-GC even without --expose-gc (actors/sim/heap.ts)
 */
export function realHeapSampler(options: { gc?: () => void } = {}): HeapSampler {
  const exposed = (globalThis as { gc?: unknown }).gc;
  const gc = options.gc ?? (typeof exposed === 'function' ? (exposed as () => void) : undefined);
  return {
    postGc: gc !== undefined,
    sample: () => {
      gc?.();
      try {
        return process.memoryUsage().heapUsed / MB;
      } catch {
        // memoryUsage() also reads the RSS, which can fail (EMFILE on /proc); V8's own figure cannot.
        return v8.getHeapStatistics().used_heap_size / MB;
      }
    },
  };
}
