import { assign, setup } from 'xstate';

/** Where an incident is in its life, in order. `postmortem_written` is final. */
export type IncidentState = 'open' | 'mitigated' | 'resolved' | 'postmortem_written';

/** The states in life order, for views and specs. */
export const INCIDENT_STATES: readonly IncidentState[] = [
  'open',
  'mitigated',
  'resolved',
  'postmortem_written',
];

/** How long after its resolution a recurring incident is reopened rather than opened anew: 1 hour. */
export const DEFAULT_RECURRENCE_WINDOW_MS = 3_600_000;

/** What an operator writes into a post-mortem; signing needs all three. */
export interface PostmortemFields {
  /** What caused the incident, as the operator established it. */
  readonly rootCause: string;
  /** What was done about it, automatically and by hand. */
  readonly actions: string;
  /** What must change so it does not happen again; at least one item (`none` is an answer). */
  readonly followUps: readonly string[];
}

/** Input of an incident machine. */
export interface IncidentInput {
  readonly id: number;
  readonly kind: string;
  readonly actor: string;
  /** Clock time it was raised. */
  readonly raisedAt: number;
  /** See {@link DEFAULT_RECURRENCE_WINDOW_MS}. */
  readonly recurrenceWindowMs?: number;
}

/** How an incident was contained: by the runtime's own reaction (`auto`) or by an operator. */
export interface Mitigation {
  readonly by: string;
  readonly t: number;
  readonly auto: boolean;
  /** What contained it: a journaled transition, a kill switch, or the operator's note. */
  readonly evidence: string;
}

/** Events of an incident machine. `t` is the clock time; `by` names an operator or a component. */
export type IncidentEvent =
  /** The same actor raised the same kind again. Counted; reopens a resolved incident inside the window. */
  | { type: 'incident.recurred'; t: number }
  /** The incident is contained. Refused unless `by` names someone. */
  | { type: 'incident.mitigate'; by: string; auto: boolean; evidence: string; t: number }
  /** The incident is over. Only an operator resolves; refused unless `by` names someone. */
  | { type: 'incident.resolve'; by: string; note: string; t: number }
  /** An operator reopens a resolved incident (resolved too early). Refused unless `by` and `reason` are given. */
  | { type: 'incident.reopen'; by: string; reason: string; t: number }
  /** The post-mortem is signed. Refused unless `by` names someone and every field is filled in. */
  | { type: 'incident.sign'; by: string; postmortem: PostmortemFields; t: number };

/** Context of an incident machine: the facts of its life so far. */
export interface IncidentContext {
  readonly id: number;
  readonly kind: string;
  readonly actor: string;
  readonly raisedAt: number;
  readonly recurrenceWindowMs: number;
  /** Times the actor raised this kind, the first included. */
  occurrences: number;
  lastSeenAt: number;
  /** Null while open. */
  mitigation: Mitigation | null;
  /** Null until resolved; cleared by a reopening. */
  resolution: { by: string; t: number; note: string } | null;
  /** Times a resolved incident was opened again (by a recurrence or an operator). */
  reopened: number;
  /** Who signed the post-mortem, and when; null until then. */
  signature: { by: string; t: number } | null;
}

function named(who: string): boolean {
  return who.trim().length > 0;
}

/**
 * The fields a post-mortem still lacks before it may be signed (empty when complete): a blank
 * root cause or actions, or no non-blank follow-up.
 *
 * @example
 * postmortemMissing({ rootCause: 'venue timeout', actions: '', followUps: [] }); // ['actions', 'followUps']
 */
export function postmortemMissing(fields: PostmortemFields): (keyof PostmortemFields)[] {
  const missing: (keyof PostmortemFields)[] = [];
  if (!named(fields.rootCause)) missing.push('rootCause');
  if (!named(fields.actions)) missing.push('actions');
  if (!fields.followUps.some(named)) missing.push('followUps');
  return missing;
}

/**
 * The life of one incident: `open` → `mitigated` (contained) → `resolved` (over) →
 * `postmortem_written` (final: the post-mortem is signed and immutable).
 *
 * - Mitigation may be automatic (the book saw the scope restricted, see `actors/ops/`) or an
 *   operator's; it may be skipped: an operator can resolve an open incident (a false alarm).
 * - Only an operator resolves, reopens or signs; each is refused without a named `by`.
 * - A recurrence (same actor, same kind) is counted while open or mitigated. After resolution it
 *   reopens the incident (back to `open`, mitigation and resolution cleared) if it comes within
 *   `recurrenceWindowMs` of the resolution; later, the machine refuses it and the book opens a new
 *   incident linked to this one. A signed incident never reopens.
 * - Signing needs a resolved incident and a complete post-mortem ({@link postmortemMissing}).
 *
 * Use `snapshot.can(event)` to tell an operator beforehand whether a command would be refused.
 *
 * @example
 * const actor = createActor(incidentMachine, { input: { id: 7, kind: 'BAD_VENUE_DATA', actor: 'eng', raisedAt: t } }).start();
 * actor.send({ type: 'incident.resolve', by: 'alice', note: 'venue fixed its feed', t: later });
 */
export const incidentMachine = setup({
  types: {} as { context: IncidentContext; events: IncidentEvent; input: IncidentInput },
  guards: {
    named: ({ event }) => 'by' in event && named(event.by),
    reopenable: ({ event }) => event.type === 'incident.reopen' && named(event.by) && named(event.reason),
    withinRecurrenceWindow: ({ context, event }) =>
      context.resolution !== null && event.t - context.resolution.t <= context.recurrenceWindowMs,
    signable: ({ event }) =>
      event.type === 'incident.sign' && named(event.by) && postmortemMissing(event.postmortem).length === 0,
  },
  actions: {
    count: assign(({ context, event }) => ({
      occurrences: context.occurrences + 1,
      lastSeenAt: Math.max(context.lastSeenAt, event.t),
    })),
    mitigate: assign(({ event }) =>
      event.type === 'incident.mitigate'
        ? { mitigation: { by: event.by, t: event.t, auto: event.auto, evidence: event.evidence } }
        : {},
    ),
    resolve: assign(({ event }) =>
      event.type === 'incident.resolve' ? { resolution: { by: event.by, t: event.t, note: event.note } } : {},
    ),
    reopen: assign(({ context }) => ({ mitigation: null, resolution: null, reopened: context.reopened + 1 })),
    sign: assign(({ event }) =>
      event.type === 'incident.sign' ? { signature: { by: event.by, t: event.t } } : {},
    ),
  },
}).createMachine({
  id: 'incident',
  initial: 'open',
  context: ({ input }) => ({
    id: input.id,
    kind: input.kind,
    actor: input.actor,
    raisedAt: input.raisedAt,
    recurrenceWindowMs: input.recurrenceWindowMs ?? DEFAULT_RECURRENCE_WINDOW_MS,
    occurrences: 1,
    lastSeenAt: input.raisedAt,
    mitigation: null,
    resolution: null,
    reopened: 0,
    signature: null,
  }),
  states: {
    open: {
      on: {
        'incident.recurred': { actions: 'count' },
        'incident.mitigate': { guard: 'named', target: 'mitigated', actions: 'mitigate' },
        'incident.resolve': { guard: 'named', target: 'resolved', actions: 'resolve' },
      },
    },
    mitigated: {
      on: {
        // Still contained: the recurrence is counted, the mitigation stands.
        'incident.recurred': { actions: 'count' },
        'incident.resolve': { guard: 'named', target: 'resolved', actions: 'resolve' },
      },
    },
    resolved: {
      on: {
        'incident.recurred': {
          guard: 'withinRecurrenceWindow',
          target: 'open',
          actions: ['count', 'reopen'],
        },
        'incident.reopen': { guard: 'reopenable', target: 'open', actions: 'reopen' },
        'incident.sign': { guard: 'signable', target: 'postmortem_written', actions: 'sign' },
      },
    },
    postmortem_written: { type: 'final' },
  },
});
