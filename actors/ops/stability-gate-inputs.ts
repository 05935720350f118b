import { z } from 'zod';
import { formatPath } from '../kernel/system-config';
import { SignOffInputError } from './stability-gate-errors';

const MAX_NAME = 100;
const MAX_NOTE = 2_000;

/** A sign-off: who signs (required, an operator's name) and an optional note. */
export const signOffSchema = z.strictObject({
  by: z
    .string({ error: 'expected the name of the operator who signs' })
    .max(MAX_NAME, `expected at most ${MAX_NAME} characters`)
    .regex(/\S/, 'expected a non-blank name (who signs off)'),
  note: z
    .string({ error: 'expected text' })
    .max(MAX_NOTE, `expected at most ${MAX_NOTE} characters`)
    .default(''),
});

/** A validated sign-off. */
export type SignOffInput = z.output<typeof signOffSchema>;

/**
 * Parses a sign-off or throws {@link SignOffInputError} naming every bad field, before anything is
 * touched.
 *
 * @example
 * parseSignOff({ by: ' ' }); // throws: invalid sign-off: by: expected a non-blank name (who signs off)
 */
export function parseSignOff(raw: unknown): SignOffInput {
  const parsed = signOffSchema.safeParse(raw);
  if (parsed.success) return { by: parsed.data.by.trim(), note: parsed.data.note.trim() };
  throw new SignOffInputError(parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`));
}
