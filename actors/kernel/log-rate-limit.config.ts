import { z } from 'zod';
import { ConfigError } from './errors';
import { formatPath } from './system-config';

/**
 * Settings of a {@link LogRateLimiter}: a token bucket per source (the `actor` a line names or its
 * logger is bound to) for routine lines, and a second one for warnings and errors. Everything has a
 * default.
 */
export const logRateLimitConfigSchema = z.strictObject({
  /** Sustained routine lines (`trace`, `debug`, `info`) a second, per source. 100 by default. */
  ratePerSec: z.number().positive().max(1_000_000).default(100),
  /** Routine lines a source may write at once after a quiet spell. 1 000 by default. */
  burst: z.number().int().min(1).max(10_000_000).default(1_000),
  /**
   * Sustained `warn` and `error` lines a second, per source, from a bucket of their own: a chatty
   * source never spends its warnings' budget. 200 by default. `fatal` lines are never limited.
   */
  warnRatePerSec: z.number().positive().max(1_000_000).default(200),
  /** `warn` and `error` lines a source may write at once. 2 000 by default. */
  warnBurst: z.number().int().min(1).max(10_000_000).default(2_000),
  /** At most one `N lines from <source> suppressed` line per source per window. 60 s by default. */
  windowMs: z.number().int().min(1_000).max(86_400_000).default(60_000),
  /** Sources with a bucket of their own; later ones share one bucket, `(other)`. 1 000 by default. */
  maxSources: z.number().int().min(1).max(100_000).default(1_000),
});

/** A validated log rate limit config. */
export type LogRateLimitConfig = z.infer<typeof logRateLimitConfigSchema>;

/** What {@link parseLogRateLimitConfig} accepts. */
export type LogRateLimitConfigInput = z.input<typeof logRateLimitConfigSchema>;

/**
 * Validates the rate limit settings, filling defaults. Throws {@link ConfigError} with one line per
 * problem, `field: what was expected`.
 *
 * @example
 * parseLogRateLimitConfig({ ratePerSec: 50, burst: 500 });
 */
export function parseLogRateLimitConfig(raw: unknown): LogRateLimitConfig {
  const parsed = logRateLimitConfigSchema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
  throw new ConfigError(`invalid log rate limit config:\n  ${issues.join('\n  ')}`, issues);
}
