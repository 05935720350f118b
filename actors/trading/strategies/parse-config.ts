import type { z } from 'zod';
import { ConfigError } from '../../kernel/errors';
import { formatPath } from '../../kernel/system-config';

/**
 * Parses a strategy config with its schema. Throws {@link ConfigError} with one line per problem,
 * `field: what was expected`, so an operator sees which field to fix.
 *
 * @example
 * parseStrategyConfig('market maker', marketMakerConfigSchema, raw);
 */
export function parseStrategyConfig<TConfig>(
  what: string,
  schema: z.ZodType<TConfig>,
  raw: unknown,
): TConfig {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
  throw new ConfigError(`invalid ${what} config:\n  ${issues.join('\n  ')}`, issues);
}
