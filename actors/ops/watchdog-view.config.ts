import { z } from 'zod';
import { ConfigError } from '../kernel/errors';
import { formatPath } from '../kernel/system-config';
import type { HeartbeatConfig } from '../kernel/watchdog';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

const ms = (min: number, max: number, fallback: number) =>
  z
    .number({ error: 'expected a duration in ms' })
    .int('expected a whole number of ms')
    .min(min, `expected at least ${min} ms`)
    .max(max, `expected at most ${max} ms`)
    .default(fallback);

/** Settings of the {@link WatchdogView}; every field has a default. */
export const watchdogViewConfigSchema = z.strictObject({
  /** How often it looks at the kernel watchdog and the pending asks. 1 s by default. */
  everyMs: ms(100, MINUTE, SECOND),
  /**
   * A heartbeat probe out, or an ask to a component pending, this long: the component is hung
   * (`HUNG_COMPONENT`). Must be above the heartbeat's `timeoutMs`, or every miss would be a hang.
   * The heartbeat's `intervalMs` by default (1 s with the default heartbeat of 1 s, 250 ms, 2 misses:
   * before the kernel watchdog kills at 1.25 s); whichever comes first reports it.
   */
  hungAfterMs: z
    .number({ error: 'expected a duration in ms' })
    .int('expected a whole number of ms')
    .min(1, 'expected at least 1 ms')
    .max(HOUR, `expected at most ${HOUR} ms`)
    .optional(),
  /**
   * A cycle of components each waiting on the next's answer, every ask in it pending this long, is
   * a deadlock (`DEADLOCK`): a shorter cycle can be a slow answer on its way. 1 s by default. When
   * the kernel watchdog kills a component on such a cycle it is reported then, whatever its age.
   */
  deadlockAfterMs: ms(0, HOUR, SECOND),
  /** A running component without heartbeats this long is an anomaly (`heartbeat-unwatched`). 5 s by default. */
  unwatchedAfterMs: ms(0, HOUR, 5 * SECOND),
  /** Findings recorded (incidents raised, anomalies reported) kept for the view. 50 by default. */
  keepRecorded: z
    .number({ error: 'expected a count' })
    .int('expected a whole number')
    .min(1, 'expected at least 1')
    .max(1_000, 'expected at most 1000')
    .default(50),
});

/** A validated watchdog view config. */
export type WatchdogViewConfig = Omit<z.infer<typeof watchdogViewConfigSchema>, 'hungAfterMs'> & {
  readonly hungAfterMs: number;
};

/** What {@link parseWatchdogViewConfig} accepts. */
export type WatchdogViewConfigInput = z.input<typeof watchdogViewConfigSchema>;

/**
 * Validates the view's settings, filling defaults, against the kernel's heartbeat settings when
 * given. Throws {@link ConfigError} with one line per problem, `field: what was expected`.
 *
 * @example
 * parseWatchdogViewConfig({ hungAfterMs: 200 }, { intervalMs: 1_000, timeoutMs: 250, maxMissed: 2 });
 * // ConfigError: hungAfterMs: expected more than the heartbeat timeoutMs (250), got 200
 */
export function parseWatchdogViewConfig(raw: unknown = {}, heartbeat?: HeartbeatConfig): WatchdogViewConfig {
  const parsed = watchdogViewConfigSchema.safeParse(raw);
  const issues = parsed.success ? [] : parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
  if (parsed.success) {
    const config = {
      ...parsed.data,
      hungAfterMs: parsed.data.hungAfterMs ?? heartbeat?.intervalMs ?? SECOND,
    };
    if (heartbeat && config.hungAfterMs <= heartbeat.timeoutMs)
      issues.push(
        `hungAfterMs: expected more than the heartbeat timeoutMs (${heartbeat.timeoutMs}), got ${config.hungAfterMs}`,
      );
    if (issues.length === 0) return config;
  }
  throw new ConfigError(`invalid watchdog view config:\n  ${issues.join('\n  ')}`, issues);
}
