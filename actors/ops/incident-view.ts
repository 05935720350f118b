import type { IncidentContext, Mitigation } from '../../machines/incident.machine';
import type { IncidentRecord } from './incident-records';

/** One incident as views, the API and post-mortems read it: the record with its machine's facts. */
export interface IncidentView extends Omit<IncidentRecord, 'snapshot'> {
  readonly occurrences: number;
  readonly lastSeenAt: number;
  readonly mitigation: Mitigation | null;
  readonly resolution: { readonly by: string; readonly t: number; readonly note: string } | null;
  readonly reopened: number;
  readonly signature: { readonly by: string; readonly t: number } | null;
}

/** The machine context inside a stored snapshot. */
export function contextOf(record: Pick<IncidentRecord, 'snapshot'>): IncidentContext {
  return (record.snapshot as { context: IncidentContext }).context;
}

/** The view of a stored incident. */
export function viewOf(record: IncidentRecord): IncidentView {
  const { snapshot: _snapshot, ...stored } = record;
  const c = contextOf(record);
  return {
    ...stored,
    occurrences: c.occurrences,
    lastSeenAt: c.lastSeenAt,
    mitigation: c.mitigation,
    resolution: c.resolution,
    reopened: c.reopened,
    signature: c.signature,
  };
}

/** The journal actor of the book's transitions of one incident (`incident/7`). */
export function incidentActor(id: number): string {
  return `incident/${id}`;
}
