import { PredatorError } from '../kernel/errors';

/** What was wrong with a command's input. */
export type ControlCommandProblem =
  'MALFORMED_INPUT' | 'UNKNOWN_COMMAND' | 'MISSING_ARGUMENT' | 'EXTRA_ARGUMENT' | 'BAD_VALUE';

/**
 * A command could not be parsed. Nothing was executed; the message names the problem and what was
 * expected, and is safe to show to the operator who typed it.
 */
export class ControlCommandError extends PredatorError {
  constructor(
    readonly problem: ControlCommandProblem,
    /** The command name as given (empty when the input had none). */
    readonly command: string,
    /** What would have been accepted: a usage line or a list of values. */
    readonly expected: string,
    message: string,
  ) {
    super(message);
  }
}

const NAME = /^[A-Za-z0-9_.:-]{1,64}$/;
/** Digits of a positive safe integer, no sign, no leading zero. */
const POSITIVE_INTEGER = /^[1-9][0-9]{0,14}$/;
// Why: the command line lands in the audit log and in chat messages; a newline or escape sequence
// could forge a line there.
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_CHARS_ALL = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * The operator's words after the command name, consumed left to right; every failure throws a
 * {@link ControlCommandError} naming the command's usage. Words with control characters are refused
 * up front; empty words (a chat adapter splitting on single spaces) are dropped.
 *
 * @example
 * const words = new Words('kill_engine', 'kill_engine <engine> [step]', ['maker']);
 * words.name('engine'); // 'maker'
 * words.end();          // throws EXTRA_ARGUMENT if anything is left
 */
export class Words {
  private next = 0;
  private readonly args: readonly string[];

  constructor(
    private readonly command: string,
    private readonly usage: string,
    args: readonly string[],
  ) {
    const bad = args.find((arg) => CONTROL_CHARS.test(arg));
    if (bad !== undefined) this.fail('BAD_VALUE', `argument "${printable(bad)}" contains control characters`);
    // Why: a chat adapter that splits on single spaces turns a double space into an empty word.
    this.args = args.map((arg) => arg.trim()).filter((arg) => arg !== '');
  }

  /** The next word, which must be one of `values`. */
  oneOf<T extends string>(what: string, values: readonly T[]): T {
    const word = this.args[this.next];
    if (word === undefined) this.fail('MISSING_ARGUMENT', `missing ${what} (${values.join('|')})`);
    return this.pick(what, values, word);
  }

  /** The next word if there is one, which must then be one of `values`. */
  optionalOneOf<T extends string>(what: string, values: readonly T[]): T | null {
    const word = this.args[this.next];
    return word === undefined ? null : this.pick(what, values, word);
  }

  /** The next word, a plain identifier (letters, digits, `_ . : -`, at most 64). */
  name(what: string): string {
    const word = this.args[this.next];
    if (word === undefined) this.fail('MISSING_ARGUMENT', `missing ${what}`);
    return this.checkName(what, word);
  }

  /** The next word if there is one, which must then be a plain identifier. */
  optionalName(what: string): string | null {
    const word = this.args[this.next];
    return word === undefined ? null : this.checkName(what, word);
  }

  /** The next word, a positive integer (an incident id). */
  positiveInteger(what: string): number {
    const word = this.args[this.next];
    if (word === undefined) this.fail('MISSING_ARGUMENT', `missing ${what}`);
    if (!POSITIVE_INTEGER.test(word))
      this.fail('BAD_VALUE', `bad ${what} "${printable(word)}", expected a positive integer`);
    this.next++;
    return Number(word);
  }

  /** All remaining words, joined by single spaces; refused past `max` characters. */
  rest(what: string, max: number): string {
    const words = this.args.slice(this.next);
    this.next = this.args.length;
    const text = words.join(' ');
    if (text.length > max) this.fail('BAD_VALUE', `${what} is longer than ${max} characters`);
    return text;
  }

  /** Like {@link Words.rest}, but at least one word is required. */
  requiredRest(what: string, max: number): string {
    if (this.args[this.next] === undefined) this.fail('MISSING_ARGUMENT', `missing ${what}`);
    return this.rest(what, max);
  }

  /** Refuses any word left over. */
  end(): void {
    const extra = this.args.slice(this.next);
    if (extra.length > 0)
      this.fail('EXTRA_ARGUMENT', `unexpected argument${extra.length > 1 ? 's' : ''} "${extra.join(' ')}"`);
  }

  /** Throws the {@link ControlCommandError} for `problem`, with the command's usage. */
  fail(problem: ControlCommandProblem, what: string): never {
    throw new ControlCommandError(
      problem,
      this.command,
      this.usage,
      `${this.command}: ${what}; usage: ${this.usage}`,
    );
  }

  private pick<T extends string>(what: string, values: readonly T[], word: string): T {
    const value = values.find((v) => v === word);
    if (value === undefined)
      this.fail('BAD_VALUE', `bad ${what} "${printable(word)}", expected one of ${values.join('|')}`);
    this.next++;
    return value;
  }

  private checkName(what: string, word: string): string {
    if (!NAME.test(word))
      this.fail('BAD_VALUE', `bad ${what} "${printable(word)}", expected 1-64 letters, digits, _ . : -`);
    this.next++;
    return word;
  }
}

/** A word safe to quote back in an error message: no control characters, bounded length. */
export function printable(word: string): string {
  return bounded(scrub(word), 40);
}

/** `text` with every control character replaced by `?`. */
export function scrub(text: string): string {
  return text.replace(CONTROL_CHARS_ALL, '?');
}

/** `text` cut to `max` characters, with an ellipsis when it was longer. */
export function bounded(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
