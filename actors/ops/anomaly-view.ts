import { z } from 'zod';
import { ConfigError } from '../kernel/errors';
import { formatPath } from '../kernel/system-config';
import type { AnomalyRecord, AnomalySeverity } from './anomaly-record';
import { ANOMALY_KINDS, ANOMALY_SEVERITIES, severityRank } from './anomaly-record';

/** One anomaly as the API serves it: the record, and whether it is still going on. */
export interface AnomalyView extends Readonly<AnomalyRecord> {
  /** Seen within the de-duplication window: a new observation would still fold into it. */
  readonly active: boolean;
}

/** A detector as the snapshot shows it. */
export interface DetectorView {
  readonly name: string;
  /** How it is fed: every `everyMs` of the clock, or from the journal. */
  readonly feed: 'sampled' | 'journal';
  readonly everyMs: number | null;
  /** Clock time of its last sample; null before the first (and for journal-fed ones). */
  readonly lastSampleAt: number | null;
}

/** `GET /api/ops/anomalies`. */
export interface AnomalySnapshot {
  readonly instance: string;
  /** Whether the records survive a restart (a Redis store). */
  readonly durable: boolean;
  readonly now: number;
  readonly dedupWindowMs: number;
  /** Of the active records: how many, and how many at each severity. */
  readonly active: { readonly total: number } & Readonly<Record<AnomalySeverity, number>>;
  /** Records retained in all. */
  readonly retained: number;
  readonly detectors: readonly DetectorView[];
  /** What the query selected, last seen first. */
  readonly anomalies: readonly AnomalyView[];
}

/**
 * The filter of a listing, as query-string values (`?kind=heap-growth&severity=warning&active=true
 * &limit=20`): `severity` is the least severity shown; `active` keeps only (or drops) the records
 * still going on; `limit` 100 by default.
 */
export const anomalyQuerySchema = z.strictObject({
  kind: z.enum(ANOMALY_KINDS).optional(),
  severity: z.enum(ANOMALY_SEVERITIES).optional(),
  active: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .or(z.boolean())
    .optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(100),
});

/** A validated listing filter. */
export type AnomalyQuery = z.infer<typeof anomalyQuerySchema>;

/** What {@link parseAnomalyQuery} accepts. */
export type AnomalyQueryInput = z.input<typeof anomalyQuerySchema>;

/**
 * Validates a listing filter (e.g. a request's query). Throws {@link ConfigError} with one line per
 * problem, `field: what was expected`, which the gateway can show as it is.
 *
 * @example
 * parseAnomalyQuery({ severity: 'warning', active: 'true' }); // { severity: 'warning', active: true, limit: 100 }
 */
export function parseAnomalyQuery(raw: unknown = {}): AnomalyQuery {
  const parsed = anomalyQuerySchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
  throw new ConfigError(`invalid anomaly query:\n  ${issues.join('\n  ')}`, issues);
}

/** The records `query` selects, as views (copies), last seen first. */
export function selectAnomalies(
  records: readonly AnomalyRecord[],
  query: AnomalyQuery,
  now: number,
  dedupWindowMs: number,
): AnomalyView[] {
  const least = query.severity === undefined ? 0 : severityRank(query.severity);
  const out: AnomalyView[] = [];
  for (const record of records) {
    const active = now - record.lastSeen <= dedupWindowMs;
    if (query.kind !== undefined && record.kind !== query.kind) continue;
    if (severityRank(record.severity) < least) continue;
    if (query.active !== undefined && active !== query.active) continue;
    out.push({ ...structuredClone(record), active });
  }
  out.sort((a, b) => b.lastSeen - a.lastSeen || b.id - a.id);
  return out.slice(0, query.limit);
}

/** Counts of the active records, by severity. */
export function activeCounts(
  records: readonly AnomalyRecord[],
  now: number,
  dedupWindowMs: number,
): AnomalySnapshot['active'] {
  const counts = { total: 0, info: 0, warning: 0, critical: 0 };
  for (const record of records) {
    if (now - record.lastSeen > dedupWindowMs) continue;
    counts.total++;
    counts[record.severity]++;
  }
  return counts;
}
