import { parseArgs } from 'node:util';
import { PredatorError } from '../actors/kernel/errors';

/** A bad command line: the message says what was wrong; exit code 2. */
export class UsageError extends PredatorError {}

type OptionSpec = Record<string, { type: 'string' | 'boolean' }>;

/** Parses flags strictly: an unknown flag or a missing value is a {@link UsageError}. */
export function parseFlags<T extends OptionSpec>(
  argv: readonly string[],
  options: T,
): { [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : string } {
  try {
    const { values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
    return values as { [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : string };
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/**
 * An integer within bounds, or a {@link UsageError} naming where it came from (`--port`, `PORT`).
 * Empty input counts as absent.
 */
export function intFlag(name: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`${name}: expected an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}
