/**
 * The kernel's error family. Each class sets `name` and carries its context as readonly fields;
 * errors that steer supervision say so by class.
 */

/** Base class of every Predator error. */
export class PredatorError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A configuration or spec file failed validation; nothing was started. */
export class ConfigError extends PredatorError {
  constructor(
    message: string,
    /** One line per problem: `path: what was expected`. */
    readonly issues: readonly string[],
  ) {
    super(message);
  }
}

/** The store could not be reached when it was needed (at start, this stops the boot). */
export class StoreUnavailableError extends PredatorError {
  constructor(
    message: string,
    readonly url: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An `ask` got no reply before its deadline on the clock. */
export class AskTimeoutError extends PredatorError {
  constructor(
    readonly actor: string,
    readonly topic: string,
    readonly timeoutMs: number,
  ) {
    super(`ask ${topic} to ${actor} timed out after ${timeoutMs} ms`);
  }
}

/** A message was addressed to an actor that does not exist or has stopped. */
export class ActorNotFoundError extends PredatorError {
  constructor(readonly actor: string) {
    super(`no running actor ${actor}`);
  }
}
