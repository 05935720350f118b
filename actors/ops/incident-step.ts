import { createActor } from 'xstate';
import type { IncidentEvent, IncidentInput, IncidentState } from '../../machines/incident.machine';
import { incidentMachine } from '../../machines/incident.machine';
import type { IncidentRecord } from './incident-records';

/** A fresh incident machine's persisted snapshot and state. */
export function startIncident(input: IncidentInput): { state: IncidentState; snapshot: unknown } {
  const actor = createActor(incidentMachine, { input });
  actor.start();
  const state = actor.getSnapshot().value as IncidentState;
  const snapshot = actor.getPersistedSnapshot();
  actor.stop();
  return { state, snapshot };
}

/** What one event did to a stored incident. */
export type IncidentStep =
  | { readonly accepted: false; readonly state: IncidentState }
  | {
      readonly accepted: true;
      readonly from: IncidentState;
      readonly to: IncidentState;
      readonly snapshot: unknown;
    };

/**
 * Runs one event through the incident's machine, restored from its stored snapshot: the machine
 * decides (its guards refuse what is not allowed), the book stores and journals. Nothing is kept
 * between steps, so the store is the only copy that matters.
 */
export function stepIncident(record: IncidentRecord, event: IncidentEvent): IncidentStep {
  const actor = createActor(incidentMachine, {
    snapshot: record.snapshot as never,
    input: { id: record.id, kind: record.kind, actor: record.actor, raisedAt: record.raisedAt },
  });
  actor.start();
  try {
    const before = actor.getSnapshot();
    if (!before.can(event)) return { accepted: false, state: before.value as IncidentState };
    actor.send(event);
    return {
      accepted: true,
      from: before.value as IncidentState,
      to: actor.getSnapshot().value as IncidentState,
      snapshot: actor.getPersistedSnapshot(),
    };
  } finally {
    actor.stop();
  }
}
