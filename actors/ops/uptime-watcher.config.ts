import { z } from 'zod';
import { ConfigError } from '../kernel/errors';
import { formatPath } from '../kernel/system-config';

const DAY_MS = 86_400_000;

/** Settings of the {@link UptimeWatcher}; every field has a default. */
export const uptimeWatcherConfigSchema = z.strictObject({
  /** Boot records kept in `uptime:boots` (the totals are kept for ever). 50 by default. */
  keepBoots: z.number().int().min(2).max(10_000).default(50),
  /** Halt records kept in `uptime:counters`. 50 by default. */
  keepHalts: z.number().int().min(1).max(10_000).default(50),
  /**
   * How often the run marker (proof of life) and the counters are written. A crashed run's end is
   * known to within this; the next process re-reads at most this much journal. 10 s by default.
   */
  heartbeatMs: z.number().int().min(100).max(DAY_MS).default(10_000),
  /** Window of the uptime ratio in snapshots, unless a snapshot asks for another. 7 days by default. */
  windowMs: z
    .number()
    .int()
    .positive()
    .default(7 * DAY_MS),
});

/** A validated uptime watcher config. */
export type UptimeWatcherConfig = z.infer<typeof uptimeWatcherConfigSchema>;

/** What {@link parseUptimeWatcherConfig} accepts. */
export type UptimeWatcherConfigInput = z.input<typeof uptimeWatcherConfigSchema>;

/**
 * Validates the watcher's settings, filling defaults. Throws {@link ConfigError} with one line per
 * problem, `field: what was expected`.
 *
 * @example
 * parseUptimeWatcherConfig({ heartbeatMs: 5_000 }); // { keepBoots: 50, keepHalts: 50, heartbeatMs: 5000, windowMs: 604800000 }
 */
export function parseUptimeWatcherConfig(raw: unknown = {}): UptimeWatcherConfig {
  const parsed = uptimeWatcherConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
  throw new ConfigError(`invalid uptime watcher config:\n  ${issues.join('\n  ')}`, issues);
}
