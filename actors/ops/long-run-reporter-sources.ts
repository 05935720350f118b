import type { Store } from '../kernel/store';
import type { ReportAnomaly, ReportIncident, ReportInputs } from './report-inputs';
import type { UptimeCounters } from './uptime-counters';
import { COUNTERS_KEY } from './uptime-counters';
import type { UptimeSnapshot } from './uptime-snapshot';

/** The uptime watcher's records a report reads: boots, halts and per-actor counts. */
export type UptimeRecords = Pick<ReportInputs, 'boots' | 'halts' | 'actors'>;

/**
 * Where the {@link LongRunReporter} reads what it does not sample. Each is read when a report is
 * made, so a report is as fresh as its sources.
 */
export interface LongRunReporterSources {
  /** Boot and halt records and per-actor counts; {@link uptimeRecordsOf} reads them from the watcher. */
  uptime(): UptimeRecords | Promise<UptimeRecords>;
  /** The incident book's incidents (`book.list()`); none when absent. */
  incidents?(): readonly ReportIncident[];
  /** The anomaly tracker's records (`tracker.list({ limit: 10_000 })`); none when absent. */
  anomalies?(): readonly ReportAnomaly[];
}

/**
 * The uptime records of a running watcher: boots and per-actor counts from its snapshot, halts
 * from the counters it writes to the store (`kv:uptime:counters`; the snapshot carries only the
 * last halt). The stored counters lag the watcher by at most a heartbeat, and a halt or resume is
 * written at once.
 *
 * @example
 * const sources = { uptime: uptimeRecordsOf(uptime, store), incidents: () => book.list() };
 */
export function uptimeRecordsOf(
  watcher: { snapshot(): Pick<UptimeSnapshot, 'boots' | 'actors'> },
  store: Pick<Store, 'getValue'>,
): () => Promise<UptimeRecords> {
  return async () => {
    const snapshot = watcher.snapshot();
    const counters = await store.getValue<UptimeCounters>(COUNTERS_KEY).catch(() => undefined);
    return { boots: snapshot.boots, halts: counters?.halts ?? [], actors: snapshot.actors };
  };
}
