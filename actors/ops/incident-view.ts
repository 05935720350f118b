import type { IncidentContext, IncidentState, Mitigation } from '../../machines/incident.machine';
import type { IncidentRecord, IncidentScope } from './incident-records';

/** One incident as views, the API and post-mortems read it: the record with its machine's facts. */
export interface IncidentView {
  readonly id: number;
  readonly kind: string;
  readonly actor: string;
  readonly detail: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly scope: IncidentScope;
  readonly raisedAt: number;
  readonly raisedSeq: number;
  readonly relatedTo: number | null;
  readonly state: IncidentState;
  readonly occurrences: number;
  readonly lastSeenAt: number;
  readonly mitigation: Mitigation | null;
  readonly resolution: { readonly by: string; readonly t: number; readonly note: string } | null;
  readonly reopened: number;
  readonly signature: { readonly by: string; readonly t: number } | null;
  readonly updatedAt: number;
}

/** The machine context inside a stored snapshot. */
export function contextOf(record: Pick<IncidentRecord, 'snapshot'>): IncidentContext {
  return (record.snapshot as { context: IncidentContext }).context;
}

/** The view of a stored incident. */
export function viewOf(record: IncidentRecord): IncidentView {
  const c = contextOf(record);
  return {
    id: record.id,
    kind: record.kind,
    actor: record.actor,
    detail: record.detail,
    data: record.data,
    scope: record.scope,
    raisedAt: record.raisedAt,
    raisedSeq: record.raisedSeq,
    relatedTo: record.relatedTo,
    state: record.state,
    occurrences: c.occurrences,
    lastSeenAt: c.lastSeenAt,
    mitigation: c.mitigation,
    resolution: c.resolution,
    reopened: c.reopened,
    signature: c.signature,
    updatedAt: record.updatedAt,
  };
}

/** The journal actor of the book's transitions of one incident (`incident/7`). */
export function incidentActor(id: number): string {
  return `incident/${id}`;
}
