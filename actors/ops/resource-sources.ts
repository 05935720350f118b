import type { Store } from '../kernel/store';
import { RedisStore } from '../kernel/store-redis';
import type { LoopDelaySampler } from './anomaly-loop-sampler';
import { realLoopDelaySampler } from './anomaly-loop-sampler';
import type { ResourceSources } from './resource-sample';

/** What {@link realResourceSources} reads from; each part is optional. */
export interface RealResourceSourcesOptions {
  /** The kernel's store: journal size always, Redis memory when it is a `RedisStore`. */
  readonly store: Store;
  /** The trading portfolio (`services.portfolio`), for equity and net PnL. */
  readonly portfolio?: {
    equity(): { readonly equity: number };
    pnl(): { readonly net: number };
  };
  /** The uptime watcher, for the tree's cumulative restarts and crashes. */
  readonly uptime?: {
    snapshot(): { readonly totals: { readonly restarts: number; readonly crashes: number } };
  };
  /**
   * Where the event-loop delay is read, closed with the sources; the process's own
   * ({@link realLoopDelaySampler}) by default. Simulations pass theirs (see `ops-stack.ts`).
   */
  readonly loop?: LoopDelaySampler;
}

/**
 * The production sources of the {@link ResourceSampler}: the process's heap, its event-loop delay
 * p99 (real time by design, hence injectable), Redis `INFO memory` on a Redis store, the store's
 * last journal `seq`, and when given the portfolio and the uptime watcher. `close()` closes the
 * loop sampler.
 *
 * @example
 * realResourceSources({ store, portfolio: services.portfolio, uptime });
 */
export function realResourceSources(options: RealResourceSourcesOptions): ResourceSources {
  const loop = options.loop ?? realLoopDelaySampler();
  const { store, portfolio, uptime } = options;
  return {
    heapUsedBytes: () => process.memoryUsage().heapUsed,
    loopDelayP99Ms: () => loop.sample()?.p99Ms ?? null,
    redisUsedMemoryBytes: () => (store instanceof RedisStore ? redisUsedMemory(store) : null),
    journalSeq: () => store.lastJournalSeq(),
    ...(portfolio ? { equity: () => portfolio.equity().equity, netPnl: () => portfolio.pnl().net } : {}),
    ...(uptime
      ? { restarts: () => uptime.snapshot().totals.restarts, crashes: () => uptime.snapshot().totals.crashes }
      : {}),
    close: () => loop.close(),
  };
}

/** `used_memory` of Redis's `INFO memory`, bytes; null if the answer has none. */
export async function redisUsedMemory(store: RedisStore): Promise<number | null> {
  const info = await store.withConnection((redis) => redis.info('memory'));
  return parseUsedMemory(info);
}

/** Reads `used_memory:<bytes>` out of an `INFO` answer. */
export function parseUsedMemory(info: string): number | null {
  const match = /^used_memory:(\d+)\r?$/m.exec(info);
  return match ? Number(match[1]) : null;
}
