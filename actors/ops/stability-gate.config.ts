import { z } from 'zod';
import { ConfigError } from '../kernel/errors';
import { formatPath } from '../kernel/system-config';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** Incident kinds that mean state may be wrong until a human settles them. */
export const DEFAULT_CORRUPTION_KINDS = [
  'RECONCILIATION_MISMATCH',
  'ORDER_OUTCOME_UNKNOWN',
  'BAD_VENUE_DATA',
];

/** Incident kinds that are unexplained balance events. */
export const DEFAULT_BALANCE_KINDS = ['UNEXPLAINED_BALANCE_CHANGE'];

const kinds = (fallback: readonly string[]) =>
  z
    .array(z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'expected an incident kind such as BAD_VENUE_DATA'), {
      error: 'expected a list of incident kinds',
    })
    .min(1, 'expected at least one incident kind')
    .default([...fallback]);

/** Settings of the {@link StabilityGate}; every field has a default. */
export const stabilityGateConfigSchema = z.strictObject({
  /** Continuous operation the gate asks for. 60 days by default. */
  minContinuousMs: z
    .number({ error: 'expected a duration in ms' })
    .int('expected a whole number of ms')
    .min(MINUTE_MS, 'expected at least 60000 ms (a minute)')
    .default(60 * DAY_MS),
  /**
   * Start of the gate's period (clock ms): continuous operation is counted from it at the earliest,
   * and balance events before it do not count. Null (the default): everything the records hold.
   */
  periodStart: z
    .number({ error: 'expected a clock time in ms, or null' })
    .int('expected a whole number of ms')
    .nonnegative('expected a clock time in ms, or null')
    .nullable()
    .default(null),
  /**
   * A graceful stop followed by a start more than this later breaks continuous operation: the
   * instance was off, not restarted. 1 hour by default.
   */
  maxPlannedDowntimeMs: z
    .number({ error: 'expected a duration in ms' })
    .int('expected a whole number of ms')
    .nonnegative('expected a duration in ms')
    .default(HOUR_MS),
  /** Incident kinds that count as state corruption until resolved. */
  corruptionKinds: kinds(DEFAULT_CORRUPTION_KINDS),
  /** Incident kinds that count as unexplained balance events. */
  balanceKinds: kinds(DEFAULT_BALANCE_KINDS),
  /** A component `faulted` or supervisor `failed` this long while the system runs is stuck. 5 min by default. */
  stuckAfterMs: z
    .number({ error: 'expected a duration in ms' })
    .int('expected a whole number of ms')
    .nonnegative('expected a duration in ms')
    .default(5 * MINUTE_MS),
  /** How often the gate judges the records on its own (incidents and halts also trigger it). 1 min by default. */
  evaluateEveryMs: z
    .number({ error: 'expected a duration in ms' })
    .int('expected a whole number of ms')
    .min(1_000, 'expected at least 1000 ms')
    .max(DAY_MS, 'expected at most a day (86400000 ms)')
    .default(MINUTE_MS),
  /**
   * Revocations kept in the record (the count is kept for ever). 50 by default; fixed when the
   * record is first written, like the incident book's capacity.
   */
  keepRevocations: z.number().int().min(1).max(10_000).default(50),
});

/** A validated stability gate config. */
export type StabilityGateConfig = z.infer<typeof stabilityGateConfigSchema>;

/** What {@link parseStabilityGateConfig} accepts. */
export type StabilityGateConfigInput = z.input<typeof stabilityGateConfigSchema>;

/**
 * Validates the gate's settings, filling defaults. Throws {@link ConfigError} with one line per
 * problem, `field: what was expected`.
 *
 * @example
 * parseStabilityGateConfig({ minContinuousMs: 30 * 86_400_000 }).minContinuousMs; // 2592000000
 * parseStabilityGateConfig({ periodStart: -1 }); // throws: periodStart: expected a clock time in ms, or null
 */
export function parseStabilityGateConfig(raw: unknown = {}): StabilityGateConfig {
  const parsed = stabilityGateConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
  throw new ConfigError(`invalid stability gate config:\n  ${issues.join('\n  ')}`, issues);
}
