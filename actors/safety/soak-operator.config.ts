import { z } from 'zod';
import { ConfigError } from '../kernel/errors';
import { formatPath } from '../kernel/system-config';

const MINUTE = 60_000;

/**
 * Settings of the simulated on-call operator of the soak ({@link SoakOperator}). Everything has a
 * default: a look every 15 simulated minutes, an answer 30 minutes after a restriction was first
 * seen, at most 6 resumes of one scope a simulated day.
 */
export const soakOperatorConfigSchema = z.strictObject({
  /** How often the operator looks at the system, in simulated ms. 15 min by default. */
  everyMs: z
    .number()
    .int()
    .min(1_000)
    .max(86_400_000)
    .default(15 * MINUTE),
  /** How long a restriction stands, from when the operator first saw it, before they act. 30 min by default. */
  respondAfterMs: z
    .number()
    .int()
    .min(0)
    .max(7 * 86_400_000)
    .default(30 * MINUTE),
  /**
   * Resumes of one scope (an engine, or the whole instance) per simulated day at most: a strategy
   * that keeps losing trips its breaker again, and is then left alone until the next day. 6 by default.
   */
  maxResumesPerDay: z.number().int().min(0).max(1_000).default(6),
});

/** A validated soak operator config. */
export type SoakOperatorConfig = z.infer<typeof soakOperatorConfigSchema>;

/** What {@link parseSoakOperatorConfig} accepts. */
export type SoakOperatorConfigInput = z.input<typeof soakOperatorConfigSchema>;

/**
 * Validates the soak operator settings, filling defaults. Throws {@link ConfigError} with one line
 * per problem, `field: what was expected`.
 *
 * @example
 * parseSoakOperatorConfig({ respondAfterMs: 3_600_000 });
 */
export function parseSoakOperatorConfig(raw: unknown): SoakOperatorConfig {
  const parsed = soakOperatorConfigSchema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
  throw new ConfigError(`invalid soak operator config:\n  ${issues.join('\n  ')}`, issues);
}
