import { z } from 'zod';
import { ConfigError } from '../kernel/errors';
import { formatPath } from '../kernel/system-config';

/** Settings of the {@link LongRunReporter}; every field has a default. */
export const longRunReporterConfigSchema = z.strictObject({
  /**
   * Weekly reports kept in the store: 52 by default, a year. Fixed when the store is first written
   * (a ring of slots); a different value later is logged and ignored.
   */
  keepReports: z.number().int().min(1).max(520).default(52),
});

/** A validated reporter config. */
export type LongRunReporterConfig = z.infer<typeof longRunReporterConfigSchema>;

/** What {@link parseLongRunReporterConfig} accepts. */
export type LongRunReporterConfigInput = z.input<typeof longRunReporterConfigSchema>;

/**
 * Validates the reporter's settings, filling defaults. Throws {@link ConfigError} with one line per
 * problem, `field: what was expected`.
 *
 * @example
 * parseLongRunReporterConfig({ keepReports: 104 }); // { keepReports: 104 }
 */
export function parseLongRunReporterConfig(raw: unknown = {}): LongRunReporterConfig {
  const parsed = longRunReporterConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
  throw new ConfigError(`invalid long-run reporter config:\n  ${issues.join('\n  ')}`, issues);
}
