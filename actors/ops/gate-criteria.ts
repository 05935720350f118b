import type { FailingCriterion, GateCriterionId } from '../../machines/stability-gate.machine';

/** One criterion of a gate as judged now: whether it holds, the figures it was judged on, and why. */
export interface CriterionResult<TEvidence> {
  readonly met: boolean;
  /** The numbers, ids and times the verdict rests on; JSON-safe, times in clock ms. */
  readonly evidence: TEvidence;
  /** One sentence for a person: what holds, or what does not and what to do. */
  readonly detail: string;
}

/** Every criterion of the stability gate, in the order the table shows them; `signOff` last. */
export type StabilityCriterionId = GateCriterionId | 'signOff';

/** The criteria in table order, with their titles. */
export const STABILITY_CRITERIA: readonly { readonly id: StabilityCriterionId; readonly title: string }[] = [
  { id: 'continuousOperation', title: 'continuous operation' },
  { id: 'stateIntegrity', title: 'no unrecovered state corruption' },
  { id: 'balanceEvents', title: 'no unexplained balance events' },
  { id: 'postmortems', title: 'every incident has a post-mortem' },
  { id: 'signOff', title: 'operator sign-off' },
];

/** The four criteria judged from the records, keyed by id. */
export type RecordCriteria = { readonly [K in GateCriterionId]: CriterionResult<unknown> };

/** The criteria that do not hold, in table order, as the machine takes them. */
export function failingOf(criteria: RecordCriteria): FailingCriterion[] {
  const failing: FailingCriterion[] = [];
  for (const { id } of STABILITY_CRITERIA) {
    if (id === 'signOff') continue;
    const result = criteria[id];
    if (!result.met) failing.push({ id, detail: result.detail });
  }
  return failing;
}

/** Each criterion's detail, for the sign-off record: what the operator signed. */
export function detailsOf(criteria: RecordCriteria): Record<GateCriterionId, string> {
  return {
    continuousOperation: criteria.continuousOperation.detail,
    stateIntegrity: criteria.stateIntegrity.detail,
    balanceEvents: criteria.balanceEvents.detail,
    postmortems: criteria.postmortems.detail,
  };
}

/** A clock time as ISO 8601 UTC, for details. */
export function isoOf(t: number): string {
  return new Date(t).toISOString();
}

/** A duration as days with one decimal (`61.0 days`), for details. */
export function daysOf(ms: number): string {
  return `${(ms / 86_400_000).toFixed(1)} days`;
}

/** `#3, #7, #9` (the first `max`, then `… and N more`). */
export function idList(ids: readonly number[], max = 10): string {
  const shown = ids
    .slice(0, max)
    .map((id) => `#${id}`)
    .join(', ');
  return ids.length > max ? `${shown} … and ${ids.length - max} more` : shown;
}
