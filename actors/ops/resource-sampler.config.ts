import { z } from 'zod';
import { ConfigError } from '../kernel/errors';
import { formatPath } from '../kernel/system-config';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Settings of the {@link ResourceSampler}; every field has a default. */
export const resourceSamplerConfigSchema = z.strictObject({
  /**
   * Time between samples, ms: 1 h by default. It must divide a day, so samples fall on the hour
   * grid and one falls exactly on every week boundary.
   */
  intervalMs: z
    .number()
    .int()
    .min(1_000)
    .max(DAY_MS)
    .refine((ms) => DAY_MS % ms === 0, { error: 'must divide a day (86400000 ms), e.g. 3600000' })
    .default(HOUR_MS),
  /**
   * ISO weeks of samples kept, the current one included: 18 by default, a little over 24 × 120
   * hourly samples. Each week is one store value (168 samples at the default interval, ~35 KB),
   * rewritten whole at every sample: keep the interval at 15 min or more in production.
   */
  keepWeeks: z.number().int().min(2).max(260).default(18),
});

/** A validated sampler config. */
export type ResourceSamplerConfig = z.infer<typeof resourceSamplerConfigSchema>;

/** What {@link parseResourceSamplerConfig} accepts. */
export type ResourceSamplerConfigInput = z.input<typeof resourceSamplerConfigSchema>;

/**
 * Validates the sampler's settings, filling defaults. Throws {@link ConfigError} with one line per
 * problem, `field: what was expected`.
 *
 * @example
 * parseResourceSamplerConfig({ intervalMs: 900_000 }); // { intervalMs: 900000, keepWeeks: 18 }
 */
export function parseResourceSamplerConfig(raw: unknown = {}): ResourceSamplerConfig {
  const parsed = resourceSamplerConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
  throw new ConfigError(`invalid resource sampler config:\n  ${issues.join('\n  ')}`, issues);
}
