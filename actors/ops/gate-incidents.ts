import type { IncidentState } from '../../machines/incident.machine';
import type { CriterionResult } from './gate-criteria';
import { idList, isoOf } from './gate-criteria';
import type { IncidentView } from './incident-view';
import type { StabilityGateConfig } from './stability-gate.config';

/** One unexplained balance event: an incident of a balance kind seen within the gate's period. */
export interface BalanceEvent {
  readonly id: number;
  readonly kind: string;
  readonly actor: string;
  readonly raisedAt: number;
  /** The last time it was raised (a recurrence counts in the same incident). */
  readonly lastSeenAt: number;
  readonly occurrences: number;
  readonly state: IncidentState;
}

/** The figures behind the balance verdict. */
export interface BalanceEvidence {
  readonly count: number;
  readonly events: readonly BalanceEvent[];
  readonly balanceKinds: readonly string[];
  /** Null: everything the incident book holds. */
  readonly periodStart: number | null;
  /** Incidents the book holds (its newest 1 000 by default), the window this was counted in. */
  readonly incidentsKept: number;
}

/** One incident still without a signed post-mortem. */
export interface MissingPostmortem {
  readonly id: number;
  readonly kind: string;
  readonly state: IncidentState;
  readonly raisedAt: number;
}

/** The figures behind the post-mortem verdict. */
export interface PostmortemEvidence {
  readonly incidents: number;
  readonly signed: number;
  readonly without: readonly MissingPostmortem[];
}

/**
 * No unexplained balance events: not one incident of a balance kind (`UNEXPLAINED_BALANCE_CHANGE`)
 * raised or recurring within the gate's period, whatever its state — resolving it does not explain
 * it away; the period has to start after it. Counted from the incident book, which is durable.
 */
export function judgeBalance(
  incidents: readonly IncidentView[],
  config: Pick<StabilityGateConfig, 'balanceKinds' | 'periodStart'>,
): CriterionResult<BalanceEvidence> {
  const kinds = new Set(config.balanceKinds);
  const from = config.periodStart ?? -Infinity;
  const events = incidents
    .filter((i) => kinds.has(i.kind) && i.lastSeenAt >= from)
    .map((i) => ({
      id: i.id,
      kind: i.kind,
      actor: i.actor,
      raisedAt: i.raisedAt,
      lastSeenAt: i.lastSeenAt,
      occurrences: i.occurrences,
      state: i.state,
    }));
  const evidence: BalanceEvidence = {
    count: events.length,
    events,
    balanceKinds: [...config.balanceKinds],
    periodStart: config.periodStart,
    incidentsKept: incidents.length,
  };
  const period = config.periodStart === null ? 'on record' : `since ${isoOf(config.periodStart)}`;
  if (events.length === 0)
    return {
      met: true,
      evidence,
      detail: `0 unexplained balance events ${period} (${incidents.length} incidents kept)`,
    };
  const last = events.reduce((a, b) => (b.lastSeenAt > a.lastSeenAt ? b : a));
  return {
    met: false,
    evidence,
    detail: `${events.length} unexplained balance event(s) ${period}: ${idList(events.map((e) => e.id))}, the last at ${isoOf(last.lastSeenAt)}`,
  };
}

/**
 * Every incident has a post-mortem: the book's `withoutPostmortem()` is empty — every incident it
 * holds is `postmortem_written` (resolved, post-mortem complete and signed).
 */
export function judgePostmortems(
  all: number,
  without: readonly IncidentView[],
): CriterionResult<PostmortemEvidence> {
  const evidence: PostmortemEvidence = {
    incidents: all,
    signed: all - without.length,
    without: without.map((i) => ({ id: i.id, kind: i.kind, state: i.state, raisedAt: i.raisedAt })),
  };
  if (without.length === 0)
    return { met: true, evidence, detail: `${all} incident(s), every one with a signed post-mortem` };
  return {
    met: false,
    evidence,
    detail: `${without.length} of ${all} incident(s) without a signed post-mortem: ${idList(without.map((i) => i.id))}`,
  };
}
