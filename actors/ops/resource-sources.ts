import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Store } from '../kernel/store';
import { RedisStore } from '../kernel/store-redis';
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
  /** Resolution of the event-loop delay histogram, ms; 20 by default. */
  readonly loopResolutionMs?: number;
}

const NS_PER_MS = 1e6;

/**
 * The production sources of the {@link ResourceSampler}: the process's heap, its event-loop delay
 * (`perf_hooks.monitorEventLoopDelay`, a libuv timer outside the runtime's clock: it measures real
 * time by design, hence injectable), Redis `INFO memory` on a Redis store, the store's last journal
 * `seq`, and when given the portfolio and the uptime watcher. `close()` stops the histogram.
 *
 * @example
 * realResourceSources({ store, portfolio: services.portfolio, uptime });
 */
export function realResourceSources(options: RealResourceSourcesOptions): ResourceSources {
  const resolutionMs = options.loopResolutionMs ?? 20;
  const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  const { store, portfolio, uptime } = options;
  return {
    heapUsedBytes: () => process.memoryUsage().heapUsed,
    loopDelayP99Ms: () => {
      if (histogram.count === 0) return null;
      // The histogram holds the time between the timer's turns: an idle loop reads the resolution.
      const p99 = Math.max(0, histogram.percentile(99) / NS_PER_MS - resolutionMs);
      histogram.reset();
      return p99;
    },
    redisUsedMemoryBytes: () => (store instanceof RedisStore ? redisUsedMemory(store) : null),
    journalSeq: () => store.lastJournalSeq(),
    ...(portfolio ? { equity: () => portfolio.equity().equity, netPnl: () => portfolio.pnl().net } : {}),
    ...(uptime
      ? { restarts: () => uptime.snapshot().totals.restarts, crashes: () => uptime.snapshot().totals.crashes }
      : {}),
    close: () => histogram.disable(),
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
