import type { SystemConfigInput } from '../kernel/system-config';

/**
 * The sample tree: `root` (one_for_one) over `market` (rest_for_one: when the feed restarts, its
 * consumer restarts too) and `ops` (one_for_one). The volatility estimator runs in its own process
 * unless `placement` forces everything in-memory (simulation).
 */
export function sampleConfig(
  options: { placement?: 'memory' | 'forked'; seed?: number } = {},
): SystemConfigInput {
  return {
    instance: 'default',
    seed: options.seed ?? 1,
    heartbeat: { intervalMs: 1_000, timeoutMs: 250, maxMissed: 2 },
    root: {
      type: 'supervisor',
      id: 'root',
      strategy: 'one_for_one',
      intensity: 3,
      periodMs: 600_000,
      children: [
        {
          type: 'supervisor',
          id: 'market',
          strategy: 'rest_for_one',
          intensity: 5,
          periodMs: 30_000,
          children: [
            {
              type: 'component',
              id: 'feed',
              kind: 'market-feed',
              config: { symbol: 'BTCUSDT', tickMs: 2_000 },
            },
            {
              type: 'component',
              id: 'ma',
              kind: 'moving-average',
              subscribe: ['prices'],
              config: { window: 20 },
            },
          ],
        },
        {
          type: 'supervisor',
          id: 'ops',
          strategy: 'one_for_one',
          intensity: 5,
          periodMs: 30_000,
          children: [
            {
              type: 'component',
              id: 'worker',
              kind: 'volatility',
              placement: options.placement ?? 'forked',
              subscribe: ['prices'],
              shutdown: 2_000,
            },
            { type: 'component', id: 'monitor', kind: 'crossing-monitor', subscribe: ['signals'] },
          ],
        },
      ],
    },
  };
}
