import { z } from 'zod';
import { formatPath } from '../kernel/system-config';
import { postmortemWindowOverrideSchema } from './incident-book.config';
import { IncidentInputError } from './incident-errors';

const MAX_NAME = 100;
const MAX_NOTE = 2_000;
const MAX_TEXT = 10_000;

const name = z
  .string({ error: 'expected a name' })
  .max(MAX_NAME, `expected at most ${MAX_NAME} characters`)
  .regex(/\S/, 'expected a non-blank name (who is acting)');
const note = z.string({ error: 'expected text' }).max(MAX_NOTE, `expected at most ${MAX_NOTE} characters`);
const required = (what: string) => note.regex(/\S/, `expected a non-blank ${what}`);

/** An incident id: a positive integer. */
export const incidentIdSchema = z
  .number({ error: 'expected a positive integer' })
  .int('expected a positive integer')
  .positive('expected a positive integer');

/** `mitigate`: who, and what contained the incident. */
export const mitigateSchema = z.strictObject({
  id: incidentIdSchema,
  by: name,
  note: required('note (what contained it)'),
});
/** `resolve`: who, and optionally how it ended. */
export const resolveSchema = z.strictObject({ id: incidentIdSchema, by: name, note: note.default('') });
/** `reopen`: who, and why it is not over. */
export const reopenSchema = z.strictObject({ id: incidentIdSchema, by: name, reason: required('reason') });
/** `sign`: who signs. */
export const signSchema = z.strictObject({ id: incidentIdSchema, by: name });
/** `draft`: optionally another window than the book's. */
export const draftSchema = z.strictObject({
  id: incidentIdSchema,
  window: postmortemWindowOverrideSchema.default({}),
});

/** The operator's fields of a post-mortem; any subset, at least one. */
export const postmortemFieldsSchema = z
  .strictObject({
    rootCause: z.string({ error: 'expected text' }).max(MAX_TEXT, `expected at most ${MAX_TEXT} characters`),
    actions: z.string({ error: 'expected text' }).max(MAX_TEXT, `expected at most ${MAX_TEXT} characters`),
    followUps: z
      .array(z.string({ error: 'expected text' }).max(500, 'expected at most 500 characters'), {
        error: 'expected a list of follow-ups',
      })
      .max(50, 'expected at most 50 follow-ups'),
  })
  .partial()
  .refine((f) => Object.keys(f).length > 0, 'expected at least one of rootCause, actions, followUps');

/** `complete`: who writes, and what. */
export const completeSchema = z.strictObject({
  id: incidentIdSchema,
  by: name,
  fields: postmortemFieldsSchema,
});

/**
 * Parses an operator's input or throws {@link IncidentInputError} naming every bad field, before
 * anything is touched.
 *
 * @example
 * parseInput(resolveSchema, { id: 7, by: ' ' }, 'resolve'); // throws: invalid resolve: by: expected a non-blank name (who is acting)
 */
export function parseInput<TSchema extends z.ZodType>(
  schema: TSchema,
  raw: unknown,
  action: string,
): z.output<TSchema> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new IncidentInputError(
    action,
    parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`),
  );
}
