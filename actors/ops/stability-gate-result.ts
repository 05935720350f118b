import type {
  GateRevocation,
  GateSignOff,
  StabilityGateContext,
  StabilityGateState,
} from '../../machines/stability-gate.machine';
import type { ContinuityEvidence } from './gate-continuity';
import type { CriterionResult } from './gate-criteria';
import { isoOf } from './gate-criteria';
import type { BalanceEvidence, PostmortemEvidence } from './gate-incidents';
import type { IntegrityEvidence } from './gate-integrity';

/** The figures behind the sign-off verdict. */
export interface SignOffEvidence {
  readonly state: StabilityGateState;
  /** The sign-off in force; null unless passed. */
  readonly signOff: GateSignOff | null;
  /** Sign-offs revoked ever, and the last revocation. */
  readonly revoked: number;
  readonly lastRevocation: GateRevocation | null;
}

/** The criteria judged from the records. */
export interface StabilityRecordCriteria {
  readonly continuousOperation: CriterionResult<ContinuityEvidence>;
  readonly stateIntegrity: CriterionResult<IntegrityEvidence>;
  readonly balanceEvents: CriterionResult<BalanceEvidence>;
  readonly postmortems: CriterionResult<PostmortemEvidence>;
}

/** What `GET /api/gates/stability` answers and `predator gate stability --json` prints. */
export interface StabilityGateResult {
  readonly gate: 'stability';
  readonly instance: string;
  /** Clock time of the evaluation. */
  readonly now: number;
  readonly state: StabilityGateState;
  /** `state === 'passed'`: signed while every criterion held, and none has stopped holding since. */
  readonly passed: boolean;
  /** Clock time the gate entered its state; null before its first change. */
  readonly since: number | null;
  readonly settings: { readonly minContinuousMs: number; readonly periodStart: number | null };
  /** Per criterion, `{met, evidence, detail}`; `signOff` last. */
  readonly criteria: StabilityRecordCriteria & { readonly signOff: CriterionResult<SignOffEvidence> };
  readonly signOff: GateSignOff | null;
  /** The newest revocations, oldest first. */
  readonly revocations: readonly GateRevocation[];
  /** Revocations ever. */
  readonly revoked: number;
}

/** Assembles the answer from the criteria and the machine after the evaluation. */
export function stabilityResult(input: {
  readonly instance: string;
  readonly now: number;
  readonly state: StabilityGateState;
  readonly context: StabilityGateContext;
  readonly criteria: StabilityRecordCriteria;
  readonly settings: StabilityGateResult['settings'];
}): StabilityGateResult {
  const { state, context } = input;
  const lastRevocation = context.revocations.at(-1) ?? null;
  const evidence: SignOffEvidence = {
    state,
    signOff: context.signOff,
    revoked: context.revoked,
    lastRevocation,
  };
  return {
    gate: 'stability',
    instance: input.instance,
    now: input.now,
    state,
    passed: state === 'passed',
    since: context.since,
    settings: input.settings,
    criteria: {
      ...input.criteria,
      signOff: { met: state === 'passed', evidence, detail: signOffDetail(evidence) },
    },
    signOff: context.signOff,
    revocations: context.revocations,
    revoked: context.revoked,
  };
}

function signOffDetail(evidence: SignOffEvidence): string {
  const { signOff, lastRevocation } = evidence;
  if (signOff !== null) {
    const note = signOff.note.trim() === '' ? '' : `: ${signOff.note}`;
    return `signed by ${signOff.by} at ${isoOf(signOff.t)}${note}`;
  }
  const revoked =
    lastRevocation === null
      ? ''
      : `; the sign-off by ${lastRevocation.signOff.by} was revoked at ${isoOf(lastRevocation.t)} (${lastRevocation.failing.map((f) => f.id).join(', ')} stopped holding)`;
  if (evidence.state === 'ready_for_signoff')
    return `every criterion holds: awaiting an operator's sign-off${revoked}`;
  return `not signed: refused until every criterion above holds${revoked}`;
}
