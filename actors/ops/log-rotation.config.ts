import { z } from 'zod';
import { ConfigError } from '../kernel/errors';
import { formatPath } from '../kernel/system-config';

const MIB = 1_048_576;
const DAY_MS = 86_400_000;

/** Settings of a {@link RotatingLog}; everything but `dir` has a default. */
export const logRotationConfigSchema = z.strictObject({
  /** Directory of the log files; created if missing. */
  dir: z.string().min(1),
  /** Base name: the live file is `<dir>/<name>.log`. */
  name: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, 'expected a file name of letters, digits, _ . -')
    .default('predator'),
  /** The live file is rotated before a write would take it past this size. 50 MiB by default. */
  maxBytes: z
    .number()
    .int()
    .min(1_024)
    .default(50 * MIB),
  /** ... and when it is this old (since it was opened or last rotated). 1 day by default. */
  maxAgeMs: z.number().int().min(1_000).default(DAY_MS),
  /** Rotated files kept at most; the oldest go first. 14 by default. */
  maxFiles: z.number().int().min(1).max(100_000).default(14),
  /** Rotated files older than this (since their rotation) are deleted. 14 days by default. */
  retainMs: z
    .number()
    .int()
    .min(1_000)
    .default(14 * DAY_MS),
  /** Lines are written in chunks of about this many bytes. 64 KiB by default. */
  bufferBytes: z
    .number()
    .int()
    .min(1)
    .max(16 * MIB)
    .default(65_536),
  /** ... or at most this long after the first line of a chunk arrived. 200 ms by default. */
  flushIntervalMs: z.number().int().min(1).max(60_000).default(200),
});

/** A validated log rotation config. */
export type LogRotationConfig = z.infer<typeof logRotationConfigSchema>;

/** What {@link parseLogRotationConfig} accepts. */
export type LogRotationConfigInput = z.input<typeof logRotationConfigSchema>;

/**
 * Validates the rotation settings, filling defaults. Throws {@link ConfigError} with one line per
 * problem, `field: what was expected`.
 *
 * @example
 * parseLogRotationConfig({ dir: 'logs', maxBytes: 10 * 1_048_576, maxFiles: 5 });
 */
export function parseLogRotationConfig(raw: unknown): LogRotationConfig {
  const parsed = logRotationConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
  throw new ConfigError(`invalid log rotation config:\n  ${issues.join('\n  ')}`, issues);
}

/**
 * The most disk a {@link RotatingLog} with this config takes: `maxFiles` rotated files and the live
 * one, each at most `maxBytes` (only a single line longer than `maxBytes` makes a file bigger).
 *
 * @example
 * maxDiskBytes(parseLogRotationConfig({ dir: 'logs' })); // 15 × 50 MiB
 */
export function maxDiskBytes(config: Pick<LogRotationConfig, 'maxBytes' | 'maxFiles'>): number {
  return (config.maxFiles + 1) * config.maxBytes;
}
