import { z } from 'zod';
import { DEFAULT_RECURRENCE_WINDOW_MS } from '../../machines/incident.machine';
import { ConfigError } from '../kernel/errors';
import { formatPath } from '../kernel/system-config';

const MINUTE = 60_000;
const DAY = 86_400_000;

const integer = (min: number, max: number) => {
  const expected = `expected an integer from ${min} to ${max}`;
  return z.number({ error: expected }).int(expected).min(min, expected).max(max, expected);
};

const windowFields = {
  beforeMs: integer(0, DAY),
  afterMs: integer(0, DAY),
  maxEntries: integer(1, 1_000_000),
  maxTimelineRows: integer(10, 5_000),
};

/** How much journal a post-mortem draft reads and shows; every field has a default. */
export const postmortemWindowSchema = z.strictObject({
  /** Journal read before the incident was raised: where its causes are. 15 minutes by default. */
  beforeMs: windowFields.beforeMs.default(15 * MINUTE),
  /** Journal read after it: the reactions and the recovery. 15 minutes by default. */
  afterMs: windowFields.afterMs.default(15 * MINUTE),
  /** Entries read at most; past it the draft says it is truncated. 50 000 by default. */
  maxEntries: windowFields.maxEntries.default(50_000),
  /** Rows the timeline keeps; the least telling rows farthest from the incident go first. 200 by default. */
  maxTimelineRows: windowFields.maxTimelineRows.default(200),
});

/** One draft's changes to the book's window: any subset of its fields, no defaults filled in. */
export const postmortemWindowOverrideSchema = z.strictObject(windowFields).partial();

/** A validated post-mortem window. */
export type PostmortemWindowConfig = z.infer<typeof postmortemWindowSchema>;

/** Settings of the {@link IncidentBook}; every field has a default. */
export const incidentBookConfigSchema = z.strictObject({
  /**
   * Incidents kept (a ring of store slots: incident `id` lives in slot `id mod capacity`, so the
   * newest `capacity` are kept whatever their state). Fixed when the book is first written; a later
   * book on the same store keeps the stored value. 1 000 by default.
   */
  capacity: integer(1, 100_000).default(1_000),
  /** See `DEFAULT_RECURRENCE_WINDOW_MS` in `machines/incident.machine.ts`: 1 hour by default. */
  recurrenceWindowMs: integer(0, 30 * DAY).default(DEFAULT_RECURRENCE_WINDOW_MS),
  /** The default window of post-mortem drafts (one draft may ask for another). */
  postmortem: postmortemWindowSchema.default(() => postmortemWindowSchema.parse({})),
});

/** A validated incident book config. */
export type IncidentBookConfig = z.infer<typeof incidentBookConfigSchema>;

/** What {@link parseIncidentBookConfig} accepts. */
export type IncidentBookConfigInput = z.input<typeof incidentBookConfigSchema>;

/**
 * Validates the book's settings, filling defaults. Throws {@link ConfigError} with one line per
 * problem, `field: what was expected`.
 *
 * @example
 * parseIncidentBookConfig({ postmortem: { beforeMs: 600_000 } }).postmortem.afterMs; // 900000
 */
export function parseIncidentBookConfig(raw: unknown = {}): IncidentBookConfig {
  const parsed = incidentBookConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
  throw new ConfigError(`invalid incident book config:\n  ${issues.join('\n  ')}`, issues);
}
