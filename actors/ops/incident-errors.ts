import { PredatorError } from '../kernel/errors';
import type { IncidentState } from '../../machines/incident.machine';

/**
 * The incident book's refusals. Each names what was wrong and changed nothing; the message is safe
 * to show to the operator who asked.
 */
export class IncidentBookError extends PredatorError {}

/** No incident with this id is held (never opened, or past the book's retention). */
export class IncidentNotFoundError extends IncidentBookError {
  constructor(readonly id: number) {
    super(`no incident #${id} (never opened, or older than the book keeps)`);
  }
}

/** An operator's input failed validation: one line per field, `field: what was expected`. */
export class IncidentInputError extends IncidentBookError {
  constructor(
    /** What was asked (`resolve`, `sign`, …). */
    readonly action: string,
    readonly issues: readonly string[],
  ) {
    super(`invalid ${action}: ${issues.join('; ')}`);
  }
}

/** The incident's machine refused the command in its current state. */
export class IncidentTransitionError extends IncidentBookError {
  constructor(
    readonly id: number,
    readonly action: string,
    readonly state: IncidentState,
    reason: string,
  ) {
    super(`cannot ${action} incident #${id}: it is ${state}; ${reason}`);
  }
}

/** Why a post-mortem command was refused. */
export type PostmortemProblem = 'not_drafted' | 'incomplete' | 'signed';

/** A post-mortem command was refused: none drafted yet, fields missing for a signature, or already signed. */
export class PostmortemError extends IncidentBookError {
  constructor(
    readonly id: number,
    readonly problem: PostmortemProblem,
    /** For `incomplete`: the fields still to fill in. */
    readonly missing: readonly string[],
    message: string,
  ) {
    super(message);
  }
}
