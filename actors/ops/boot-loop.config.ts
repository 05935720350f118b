import { z } from 'zod';
import { ConfigError } from '../kernel/errors';
import { formatPath } from '../kernel/system-config';

/**
 * When a run of crash-restarts is a boot loop: `maxStarts` process starts within `withinMs`, each
 * after a run that crashed. Defaults: 5 starts within 10 minutes. pm2 (`ecosystem.config.js`) only
 * gives up on ten exits in a row that each came within a minute of starting; a process that trades
 * for two minutes and then crashes, again and again, it restarts for ever. This catches that loop
 * at its fifth start, and one that dies at once earlier than pm2 would.
 */
export const bootLoopConfigSchema = z.strictObject({
  /** Starts in the chain, this one included, that make a loop. At least 2. */
  maxStarts: z.number().int().min(2).max(1_000).default(5),
  /** The window the starts must fall in, ms (start times strictly within it). At most a week. */
  withinMs: z
    .number()
    .int()
    .positive()
    .max(7 * 86_400_000)
    .default(600_000),
});

/** A validated boot-loop policy. */
export type BootLoopConfig = z.infer<typeof bootLoopConfigSchema>;

/** What {@link parseBootLoopConfig} accepts. */
export type BootLoopConfigInput = z.input<typeof bootLoopConfigSchema>;

/**
 * Validates a boot-loop policy, filling defaults. Throws {@link ConfigError} with one line per
 * problem, `field: what was expected`.
 *
 * @example
 * parseBootLoopConfig({});                                   // { maxStarts: 5, withinMs: 600000 }
 * parseBootLoopConfig({ maxStarts: 3, withinMs: 120_000 });
 */
export function parseBootLoopConfig(raw: unknown = {}): BootLoopConfig {
  const parsed = bootLoopConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
  throw new ConfigError(`invalid boot loop config:\n  ${issues.join('\n  ')}`, issues);
}
