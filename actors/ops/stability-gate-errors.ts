import type { FailingCriterion, StabilityGateState } from '../../machines/stability-gate.machine';
import { PredatorError } from '../kernel/errors';

/** The stability gate's refusals. Each says what was wrong and changed nothing; safe to show the operator. */
export class StabilityGateError extends PredatorError {}

/** A sign-off's input failed validation: one line per field, `field: what was expected`. */
export class SignOffInputError extends StabilityGateError {
  constructor(readonly issues: readonly string[]) {
    super(`invalid sign-off: ${issues.join('; ')}`);
  }
}

/** A sign-off was refused: a criterion does not hold, or the gate is already signed. */
export class SignOffRefusedError extends StabilityGateError {
  constructor(
    readonly state: StabilityGateState,
    /** The criteria that do not hold (empty when the refusal is that it is already signed). */
    readonly failing: readonly FailingCriterion[],
    message: string,
  ) {
    super(message);
  }

  /** The refusal for a gate in `state`: already signed by `signedBy`, or what is failing. */
  static of(state: StabilityGateState, failing: readonly FailingCriterion[], signedBy?: string) {
    if (state === 'passed')
      return new SignOffRefusedError(
        state,
        [],
        `already signed off by ${signedBy ?? '?'}; the gate has passed`,
      );
    // Every criterion holds but the judgement could not be stored: the gate is not ready yet.
    const why =
      failing.length > 0
        ? `not every criterion holds (${failing.map((f) => `${f.id}: ${f.detail}`).join('; ')})`
        : "the gate's record could not be written; try again";
    return new SignOffRefusedError(state, failing, `sign-off refused: ${why}`);
  }
}
