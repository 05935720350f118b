import { assign, emit, setup } from 'xstate';

/**
 * Where the stability gate stands: `collecting` (a criterion does not hold), `ready_for_signoff`
 * (every criterion holds but the operator's sign-off), `passed` (signed while every one held).
 */
export type StabilityGateState = 'collecting' | 'ready_for_signoff' | 'passed';

/** The states in order, for views and specs. */
export const STABILITY_GATE_STATES: readonly StabilityGateState[] = [
  'collecting',
  'ready_for_signoff',
  'passed',
];

/** The criteria judged from the records; the sign-off is the machine's own. */
export type GateCriterionId = 'continuousOperation' | 'stateIntegrity' | 'balanceEvents' | 'postmortems';

/** A criterion that does not hold, with the sentence that says why. */
export interface FailingCriterion {
  readonly id: GateCriterionId;
  readonly detail: string;
}

/** An operator's recorded sign-off of phase 6. */
export interface GateSignOff {
  /** Who signed: an operator's name, never blank. */
  readonly by: string;
  readonly note: string;
  /** Clock time of the signature. */
  readonly t: number;
  /** Each criterion's detail as it stood when signed: what was signed off. */
  readonly evidence: Readonly<Record<GateCriterionId, string>>;
}

/** A signed pass withdrawn because a criterion stopped holding after the signature. */
export interface GateRevocation {
  readonly t: number;
  /** The sign-off that no longer stands. */
  readonly signOff: GateSignOff;
  /** What stopped holding. */
  readonly failing: readonly FailingCriterion[];
}

/** Input of a stability-gate machine. */
export interface StabilityGateInput {
  /** Revocations kept in context (the newest); the count is kept for ever. 50 by default. */
  readonly keepRevocations?: number;
}

/** Events of a stability-gate machine. `t` is the clock time. */
export type StabilityGateEvent =
  /** The criteria were judged from the records; `failing` is empty when every one holds. */
  | { type: 'gate.evaluated'; failing: readonly FailingCriterion[]; t: number }
  /** An operator signs off. Refused unless every criterion holds (`ready_for_signoff`) and `by` names someone. */
  | {
      type: 'gate.signOff';
      by: string;
      note: string;
      evidence: Readonly<Record<GateCriterionId, string>>;
      t: number;
    };

/** Context: the sign-off in force, and the story of the ones revoked. */
export interface StabilityGateContext {
  readonly keepRevocations: number;
  /** The sign-off in force; null unless `passed`. */
  signOff: GateSignOff | null;
  /** The newest revocations, oldest first. */
  revocations: GateRevocation[];
  /** Revocations ever. */
  revoked: number;
  /** Clock time of the last change of state; null before the first. */
  since: number | null;
}

/** What the machine emits when it withdraws a signed pass, for the host to log. */
export interface GateRevoked {
  readonly type: 'gate.revoked';
  readonly revocation: GateRevocation;
}

const DEFAULT_KEEP_REVOCATIONS = 50;

function named(who: string): boolean {
  return who.trim().length > 0;
}

/**
 * The phase-6 stability gate. The host judges the criteria from the records (uptime, incidents,
 * the tree) and sends `gate.evaluated`; the machine only decides:
 *
 * - `collecting` → `ready_for_signoff` when nothing is failing;
 * - `ready_for_signoff` → `passed` on `gate.signOff` from a named operator, recorded in context;
 * - `ready_for_signoff` → `collecting` when a criterion stops holding;
 * - `passed` → `collecting` when a criterion stops holding after the signature: the sign-off is
 *   **revoked**, kept in `revocations` and emitted as {@link GateRevoked}; a new one is needed.
 *
 * A sign-off anywhere but `ready_for_signoff` is refused: use `snapshot.can(event)` to tell the
 * operator beforehand.
 *
 * @example
 * const actor = createActor(stabilityGateMachine, { input: {} }).start();
 * actor.send({ type: 'gate.evaluated', failing: [], t });           // ready_for_signoff
 * actor.send({ type: 'gate.signOff', by: 'alice', note: 'phase 6 done', evidence, t }); // passed
 */
export const stabilityGateMachine = setup({
  types: {} as {
    context: StabilityGateContext;
    events: StabilityGateEvent;
    input: StabilityGateInput;
    emitted: GateRevoked;
  },
  guards: {
    allMet: ({ event }) => event.type === 'gate.evaluated' && event.failing.length === 0,
    someFailing: ({ event }) => event.type === 'gate.evaluated' && event.failing.length > 0,
    operatorNamed: ({ event }) => event.type === 'gate.signOff' && named(event.by),
  },
  actions: {
    enter: assign({ since: ({ event }) => event.t }),
    sign: assign({
      signOff: ({ event }) =>
        event.type === 'gate.signOff'
          ? { by: event.by, note: event.note, t: event.t, evidence: { ...event.evidence } }
          : null,
    }),
    revoke: assign(({ context, event }) => {
      if (event.type !== 'gate.evaluated' || context.signOff === null) return {};
      const revocation: GateRevocation = {
        t: event.t,
        signOff: context.signOff,
        failing: [...event.failing],
      };
      const revocations = [...context.revocations, revocation];
      return {
        signOff: null,
        revoked: context.revoked + 1,
        revocations: revocations.slice(Math.max(0, revocations.length - context.keepRevocations)),
      };
    }),
    announceRevocation: emit(({ context }) => ({
      type: 'gate.revoked' as const,
      revocation: context.revocations.at(-1) as GateRevocation,
    })),
  },
}).createMachine({
  id: 'stability-gate',
  initial: 'collecting',
  context: ({ input }) => ({
    keepRevocations: input.keepRevocations ?? DEFAULT_KEEP_REVOCATIONS,
    signOff: null,
    revocations: [],
    revoked: 0,
    since: null,
  }),
  states: {
    collecting: {
      on: {
        'gate.evaluated': { guard: 'allMet', target: 'ready_for_signoff', actions: 'enter' },
      },
    },
    ready_for_signoff: {
      on: {
        'gate.evaluated': { guard: 'someFailing', target: 'collecting', actions: 'enter' },
        'gate.signOff': { guard: 'operatorNamed', target: 'passed', actions: ['enter', 'sign'] },
      },
    },
    passed: {
      on: {
        'gate.evaluated': {
          guard: 'someFailing',
          target: 'collecting',
          // Revoke before entering: the revocation must carry the sign-off it withdraws.
          actions: ['revoke', 'enter', 'announceRevocation'],
        },
      },
    },
  },
});
