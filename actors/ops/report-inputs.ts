import type { WeekRange } from './iso-week';
import type { ResourceSample } from './resource-sample';
import type { BootRecord } from './uptime-boots';
import type { HaltRecord } from './uptime-counters';

/** An incident as the report reads it; the incident book's `IncidentView` is one. */
export interface ReportIncident {
  readonly id: number;
  readonly kind: string;
  readonly actor: string;
  readonly state: string;
  readonly detail: string;
  readonly raisedAt: number;
  readonly lastSeenAt: number;
  readonly occurrences: number;
}

/**
 * A near miss as the report reads it: the anomaly tracker's `AnomalyView` is one. Kept this small
 * so the report depends on no more of the tracker than its record's identity and times.
 */
export interface ReportAnomaly {
  readonly kind: string;
  readonly severity: string;
  readonly subject: { readonly type: string; readonly id: string } | string;
  readonly firstSeen: number;
  readonly lastSeen: number;
  readonly count: number;
  readonly summary?: string;
}

/** Everything one week's report is built from; {@link buildWeeklyReport} is a pure function of it. */
export interface ReportInputs {
  readonly instance: string;
  readonly durable: boolean;
  readonly week: WeekRange;
  /** When the report is made: past `week.to` it is the weekly report, before it the week so far. */
  readonly now: number;
  /** The uptime watcher's boot records, oldest first. */
  readonly boots: readonly BootRecord[];
  /** Its GLOBAL HALT records, oldest first. */
  readonly halts: readonly HaltRecord[];
  /** Its per-actor counts (`UptimeSnapshot.actors`). */
  readonly actors: Readonly<
    Record<string, { readonly lastCrashAt: number | null; readonly lastRestartAt: number | null }>
  >;
  /** Incidents retained by the book (any week; the report picks the week's). */
  readonly incidents: readonly ReportIncident[];
  /** Anomaly records retained (any week). */
  readonly anomalies: readonly ReportAnomaly[];
  /** The week's samples, oldest first. */
  readonly samples: readonly ResourceSample[];
  /** The latest sample before the week: the baseline of cumulative figures when none fell on its start. */
  readonly before?: ResourceSample | undefined;
  /** The sample at `week.to` (the next week's first), which closes the week's cumulative figures. */
  readonly after?: ResourceSample | undefined;
  readonly intervalMs: number | null;
}

/** Whether `[from, to]` and `[a, b)` overlap. */
export function overlaps(from: number, to: number, a: number, b: number): boolean {
  return from < b && to >= a;
}
