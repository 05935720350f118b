import { z } from 'zod';
import { BadParameterError } from './errors';

/** Actor ids as the runtime names them: `feed`, `market`, `ops:worker.2`. */
export const ACTOR_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;

const ACTOR_EXPECTED =
  'expected a non-empty actor id of letters, digits and _ . : - (at most 128 characters)';

/** An actor id, as a query or path parameter. */
export const actorParam = z
  .string({ error: ACTOR_EXPECTED })
  .regex(ACTOR_ID_PATTERN, { error: ACTOR_EXPECTED });

/** Names of engines, strategies and symbols as filters take them: `mm`, `maker-1`, `BTCUSDT`. */
export const NAME_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;

/**
 * A name (`engine`, `strategy`, `symbol`) as a query parameter; `what` says which in the error.
 *
 * @example
 * ```ts
 * const query = new QueryParser({ engine: nameParam('an engine name').optional() });
 * // `?engine=a b` → 400 `engine: expected an engine name of letters, digits and _ . : - (1 to 128 characters)`
 * ```
 */
export function nameParam(what: string) {
  const expected = `expected ${what} of letters, digits and _ . : - (1 to 128 characters)`;
  return z.string({ error: expected }).regex(NAME_PATTERN, { error: expected });
}

/** `true` or `false`, parsed to a boolean. */
export function booleanParam() {
  return choiceParam(['true', 'false']).transform((value) => value === 'true');
}

/** What an integer parameter from `min` to `max` expects, in words. */
export function integerExpected(min: number, max: number = Number.MAX_SAFE_INTEGER): string {
  return max === Number.MAX_SAFE_INTEGER
    ? `expected an integer of ${min} or more`
    : `expected an integer from ${min} to ${max}`;
}

/**
 * A decimal integer parameter from `min` to `max`, parsed from its string form.
 *
 * @example
 * ```ts
 * const limit = integerParam(1, 1000).default(100);
 * ```
 */
export function integerParam(min: number, max: number = Number.MAX_SAFE_INTEGER) {
  const expected = integerExpected(min, max);
  return z
    .string({ error: expected })
    .regex(/^[0-9]{1,16}$/, { error: expected })
    .transform(Number)
    .refine((n) => Number.isSafeInteger(n) && n >= min && n <= max, { error: expected });
}

/** One of a fixed set of words. */
export function choiceParam<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `expected one of ${values.join(', ')}` });
}

/** A query string as Node and Koa parse it. */
export type RawQuery = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * Validates a route's query string against `shape`: every parameter at most once, no parameter the
 * route does not know, each value as its schema expects. Any problem throws a
 * {@link BadParameterError} naming the parameter.
 *
 * @example
 * ```ts
 * const journalQuery = new QueryParser({ limit: integerParam(1, 1000).default(100) });
 * const { limit } = journalQuery.parse(ctx.query); // `?limit=0` → 400 `limit: expected an integer from 1 to 1000`
 * ```
 */
export class QueryParser<TShape extends z.ZodRawShape> {
  private readonly schema: z.ZodObject<TShape, z.core.$strict>;
  private readonly known: readonly string[];

  constructor(shape: TShape) {
    this.schema = z.strictObject(shape);
    this.known = Object.keys(shape);
  }

  parse(query: RawQuery): z.output<z.ZodObject<TShape, z.core.$strict>> {
    const unknown = Object.keys(query).filter((name) => !this.known.includes(name));
    const [first] = unknown;
    if (first !== undefined) {
      const takes =
        this.known.length > 0 ? `this route takes ${this.known.join(', ')}` : 'this route takes none';
      const plural = unknown.length > 1 ? 's' : '';
      throw new BadParameterError(first, `unknown query parameter${plural} ${unknown.join(', ')}; ${takes}`);
    }
    for (const [name, value] of Object.entries(query)) {
      if (Array.isArray(value)) {
        throw new BadParameterError(name, `expected a single value, got ${value.length}`);
      }
    }
    const result = this.schema.safeParse(query);
    if (result.success) return result.data;
    const issue = result.error.issues[0];
    const name = typeof issue?.path[0] === 'string' ? issue.path[0] : 'query';
    throw new BadParameterError(name, issue?.message ?? 'invalid value');
  }
}

/**
 * Parses one value outside a query string (a path segment, a header) with `schema`, naming it
 * `name` in the error.
 */
export function parseParam<TSchema extends z.ZodType>(
  name: string,
  schema: TSchema,
  value: unknown,
): z.output<TSchema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new BadParameterError(name, result.error.issues[0]?.message ?? 'invalid value');
}
