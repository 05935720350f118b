import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { core } from 'zod';
import { ConfigError } from '../kernel/errors';
import { formatPath } from '../kernel/system-config';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const POSITIVE_INTEGER = 'expected a positive integer';

/** A positive integer in [1, max]. */
function positiveInt(max: number): z.ZodNumber {
  return z
    .number({ error: POSITIVE_INTEGER })
    .int(POSITIVE_INTEGER)
    .positive(POSITIVE_INTEGER)
    .max(max, `expected at most ${max}`);
}

/** A positive integer in [1, max], `fallback` when left out. */
function positive(fallback: number, max: number): z.ZodDefault<z.ZodNumber> {
  return positiveInt(max).default(fallback);
}

const name = z
  .string({ error: 'expected a name' })
  .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'expected a name of 1-64 letters, digits, _ . : -');

const paramsSchemas = {
  /** Stops an actor abruptly, as a process crash would; its supervisor must restart it. */
  'kill-actor': z.strictObject({}).prefault({}),
  /** An actor stops answering (its mailbox stalls) for `durationMs`; the watchdog must notice. */
  'hang-actor': z.strictObject({ durationMs: positive(2 * MINUTE, HOUR) }).prefault({}),
  /** `crashes` crashes of one actor `everyMs` apart, to force the supervisor to escalate. */
  'crash-loop': z.strictObject({ crashes: positive(7, 100), everyMs: positive(SECOND, MINUTE) }).prefault({}),
  /** Every venue call takes `addMs` longer, for `durationMs`. */
  'venue-latency': z
    .strictObject({ addMs: positive(800, MINUTE), durationMs: positive(5 * MINUTE, DAY) })
    .prefault({}),
  /** The venue answers 5xx: to the next `count` calls, or to every call for `durationMs`. */
  'venue-5xx-burst': z
    .strictObject({ count: positiveInt(1_000).optional(), durationMs: positiveInt(DAY).optional() })
    .refine((p) => p.count === undefined || p.durationMs === undefined, {
      message: 'expected either count or durationMs, not both',
    })
    .transform((p): { count: number } | { durationMs: number } =>
      p.durationMs !== undefined ? { durationMs: p.durationMs } : { count: p.count ?? 5 },
    )
    .prefault({}),
  /** The venue bans the client: every call answers `status` with a `Retry-After` of `retryAfterMs`. */
  'venue-ban': z
    .strictObject({
      status: z.union([z.literal(429), z.literal(418)], { error: 'expected 429 or 418' }).default(429),
      retryAfterMs: positive(MINUTE, DAY),
    })
    .prefault({}),
  /** The next `count` submits are accepted by the venue but time out before the answer arrives. */
  'unknown-outcome': z.strictObject({ count: positive(1, 100) }).prefault({}),
  /** The next `count` queries answer "order not found" for an order the venue does hold. */
  'false-not-found': z.strictObject({ count: positive(1, 100) }).prefault({}),
  /** The market-data feed goes silent for `durationMs` without closing the connection. */
  'feed-drop': z.strictObject({ durationMs: positive(30 * SECOND, HOUR) }).prefault({}),
  /** The order book stops updating (the feed still sends heartbeats) for `durationMs`. */
  'stale-book': z.strictObject({ durationMs: positive(20 * SECOND, HOUR) }).prefault({}),
  /** Redis goes down for `downMs`, then comes back (with its data). */
  'redis-restart': z.strictObject({ downMs: positive(5 * SECOND, 10 * MINUTE) }).prefault({}),
  /**
   * For `durationMs`, the venue's clock runs `skewMs` ahead of ours (behind when negative): every
   * time the venue stamps — orders, fills, its server time — is shifted, as when an exchange's
   * clock and the host's disagree.
   */
  'clock-skew': z
    .strictObject({
      skewMs: z
        .number({ error: 'expected a non-zero integer' })
        .int('expected a non-zero integer')
        .refine((ms) => ms !== 0, 'expected a non-zero integer')
        .refine((ms) => Math.abs(ms) <= HOUR, `expected at most ${HOUR} either way`)
        .default(5 * SECOND),
      durationMs: positive(10 * MINUTE, DAY),
    })
    .prefault({}),
  /**
   * For `durationMs`, the venue fills each of our orders in pieces of at most 1/`pieces` of its
   * quantity (at least one lot): a taker order in `pieces` fills at once, a resting order one piece
   * per book update.
   */
  'partial-fill-storm': z
    .strictObject({
      durationMs: positive(10 * MINUTE, DAY),
      pieces: positiveInt(1_000).min(2, 'expected at least 2 pieces').default(10),
    })
    .prefault({}),
  /** An actor logs `linesPerSec` lines a second for `durationMs`. */
  'log-flood': z
    .strictObject({ linesPerSec: positive(2_000, 100_000), durationMs: positive(MINUTE, HOUR) })
    .prefault({}),
} as const;

/** The kinds of fault the chaos engine can inject. */
export type ChaosKind = keyof typeof paramsSchemas;

/** Every {@link ChaosKind}, in documentation order. */
export const CHAOS_KINDS: readonly ChaosKind[] = Object.freeze(Object.keys(paramsSchemas) as ChaosKind[]);

/** The validated parameters of one kind of scenario, defaults filled in. */
export type ChaosParamsOf<K extends ChaosKind> = z.output<(typeof paramsSchemas)[K]>;

/** The parameters of any kind of scenario. */
export type ChaosParams = ChaosParamsOf<ChaosKind>;

/** A kind with its own parameters, so that narrowing on `kind` narrows `params`. */
export type ChaosKindParams = {
  [K in ChaosKind]: { readonly kind: K; readonly params: ChaosParamsOf<K> };
}[ChaosKind];

/** A field of a {@link ChaosTarget}. */
export type ChaosTargetField = 'actor' | 'kind' | 'symbol' | 'engine';

/**
 * What a scenario hits. Every field given must match; an empty target leaves the choice to the
 * injector. `actor` is an exact actor id or a glob where `*` matches any run of characters;
 * `kind` is a component kind (not a chaos kind); `symbol` and `engine` are exact.
 */
export interface ChaosTarget {
  readonly actor?: string;
  readonly kind?: string;
  readonly symbol?: string;
  readonly engine?: string;
}

const ACTOR_FIELDS = ['actor', 'kind'] as const;
const MARKET_FIELDS = ['engine', 'symbol'] as const;

/** The target fields each kind of scenario understands; any other field is a config error. */
export const CHAOS_TARGET_FIELDS: Readonly<Record<ChaosKind, readonly ChaosTargetField[]>> = Object.freeze({
  'kill-actor': ACTOR_FIELDS,
  'hang-actor': ACTOR_FIELDS,
  'crash-loop': ACTOR_FIELDS,
  'venue-latency': MARKET_FIELDS,
  'venue-5xx-burst': MARKET_FIELDS,
  'venue-ban': MARKET_FIELDS,
  'unknown-outcome': MARKET_FIELDS,
  'false-not-found': MARKET_FIELDS,
  'feed-drop': MARKET_FIELDS,
  'stale-book': MARKET_FIELDS,
  // Why: there is one store; a target would name nothing.
  'redis-restart': [],
  // Why: a venue has one clock for every symbol; empty skews every venue, the market's included.
  'clock-skew': ['engine'],
  'partial-fill-storm': MARKET_FIELDS,
  'log-flood': ACTOR_FIELDS,
});

const targetValues: Record<ChaosTargetField, z.ZodOptional<z.ZodString>> = {
  actor: z
    .string({ error: 'expected an actor id or glob' })
    .regex(/^[A-Za-z0-9_.:/*-]{1,128}$/, 'expected an actor id or glob of letters, digits, _ . : / - *')
    .optional(),
  kind: name.optional(),
  symbol: z
    .string({ error: 'expected a symbol' })
    .regex(/^[A-Za-z0-9_./:-]{1,64}$/, 'expected a symbol such as BTCUSDT or BTC/USDT')
    .optional(),
  engine: name.optional(),
};

function targetSchema(kind: ChaosKind): z.ZodType<ChaosTarget> {
  const fields = CHAOS_TARGET_FIELDS[kind];
  const shape: Partial<Record<ChaosTargetField, z.ZodOptional<z.ZodString>>> = {};
  for (const field of fields) shape[field] = targetValues[field];
  const allowed = fields.length === 0 ? 'none' : fields.join(', ');
  // Why: the cast only widens the shape's type to every field; the object itself holds the allowed ones.
  return z.strictObject(shape as typeof targetValues, {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `not a target field of ${kind} (allowed: ${allowed})` : undefined,
  });
}

const rateSchema = z.strictObject({
  perHour: z
    .number({ error: 'expected a positive number' })
    .positive('expected a positive number')
    .max(3_600, 'expected at most 3600 (once a second)'),
  jitter: z
    .number({ error: 'expected a number in [0, 1]' })
    .min(0, 'expected a number in [0, 1]')
    .max(1, 'expected a number in [0, 1]')
    .default(1),
});

const offsetMs = z
  .number({ error: 'expected a non-negative integer' })
  .int('expected a non-negative integer')
  .min(0, 'expected a non-negative integer')
  .max(366 * DAY, 'expected at most a year');

/**
 * When a scenario fires, in ms from the start of chaos.
 * - `once`: one firing at `atMs`.
 * - `rate`: a Poisson process of `perHour` firings an hour; `jitter` 1 (the default) gives exponential
 *   gaps, 0 a fixed period, anything between a blend with the same mean.
 * - `window`: like `rate`, but only within [`fromMs`, `toMs`).
 */
export type ChaosScheduleSpec =
  | { readonly once: { readonly atMs: number } }
  | { readonly rate: { readonly perHour: number; readonly jitter: number } }
  | {
      readonly window: {
        readonly fromMs: number;
        readonly toMs: number;
        readonly perHour: number;
        readonly jitter: number;
      };
    };

const scheduleSchema = z
  .strictObject(
    {
      once: z.strictObject({ atMs: offsetMs }).optional(),
      rate: rateSchema.optional(),
      window: z
        .strictObject({ fromMs: offsetMs, toMs: offsetMs, ...rateSchema.shape })
        .refine((w) => w.toMs > w.fromMs, { message: 'expected toMs greater than fromMs', path: ['toMs'] })
        .optional(),
    },
    {
      error: (issue) =>
        issue.code === 'invalid_type' ? 'expected { once } | { rate } | { window }' : undefined,
    },
  )
  .refine((s) => [s.once, s.rate, s.window].filter((x) => x !== undefined).length === 1, {
    message: 'expected exactly one of once, rate, window',
  })
  .transform((s): ChaosScheduleSpec => {
    if (s.once) return { once: s.once };
    if (s.rate) return { rate: s.rate };
    return { window: s.window as NonNullable<typeof s.window> };
  });

function scenario<K extends ChaosKind>(kind: K) {
  return z.strictObject({
    id: name,
    kind: z.literal(kind),
    params: paramsSchemas[kind],
    target: targetSchema(kind).prefault({}),
    schedule: scheduleSchema,
  });
}

const scenarioSchema = z.discriminatedUnion(
  'kind',
  [
    scenario('kill-actor'),
    scenario('hang-actor'),
    scenario('crash-loop'),
    scenario('venue-latency'),
    scenario('venue-5xx-burst'),
    scenario('venue-ban'),
    scenario('unknown-outcome'),
    scenario('false-not-found'),
    scenario('feed-drop'),
    scenario('stale-book'),
    scenario('redis-restart'),
    scenario('clock-skew'),
    scenario('partial-fill-storm'),
    scenario('log-flood'),
  ],
  { error: () => `expected one of ${CHAOS_KINDS.join(', ')}` },
);

/** The zod schema of a chaos profile (input as written; output with defaults filled in). */
export const chaosProfileSchema = z.strictObject({
  name,
  allowLive: z.boolean({ error: 'expected true or false' }).default(false),
  scenarios: z.array(scenarioSchema, { error: 'expected an array of scenarios' }),
});

/** One validated scenario: what to break, how hard, where, and when. */
export type ChaosScenario = z.output<typeof scenarioSchema>;

/**
 * A validated chaos profile. `allowLive` (default false) must be true for the owner to run it while
 * any engine trades live; the schedule itself does not know the trading mode.
 */
export type ChaosProfile = z.output<typeof chaosProfileSchema>;

/** A chaos profile as written by hand (defaults may be left out). */
export type ChaosProfileInput = z.input<typeof chaosProfileSchema>;

/** A chaos profile failed validation or could not be read; nothing was scheduled. */
export class ChaosConfigError extends ConfigError {
  constructor(
    message: string,
    issues: readonly string[],
    /** The file the profile came from, or null for an in-memory profile. */
    readonly source: string | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, issues);
    if (options && 'cause' in options) this.cause = options.cause;
  }
}

/**
 * Validates a chaos profile, filling in defaults. Throws {@link ChaosConfigError} listing every
 * problem as `path: expected`, e.g. `scenarios[2].params.durationMs: expected a positive integer`.
 *
 * @example
 * parseChaosProfile({ name: 'venue', scenarios: [
 *   { id: 'slow', kind: 'venue-latency', params: { addMs: 2_000 }, schedule: { rate: { perHour: 0.5 } } },
 *   { id: 'ban', kind: 'venue-ban', target: { engine: 'maker' }, schedule: { once: { atMs: 3_600_000 } } },
 * ] });
 */
export function parseChaosProfile(json: unknown, source: string | null = null): ChaosProfile {
  const where = source === null ? '' : ` ${source}`;
  const parsed = chaosProfileSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.flatMap(describeIssue);
    throw new ChaosConfigError(`invalid chaos profile${where}:\n  ${issues.join('\n  ')}`, issues, source);
  }
  const issues: string[] = [];
  const seen = new Set<string>();
  parsed.data.scenarios.forEach((s, i) => {
    if (seen.has(s.id)) issues.push(`scenarios[${i}].id: duplicate scenario id "${s.id}"`);
    seen.add(s.id);
  });
  if (issues.length > 0)
    throw new ChaosConfigError(`invalid chaos profile${where}:\n  ${issues.join('\n  ')}`, issues, source);
  return parsed.data;
}

function describeIssue(issue: core.$ZodIssue): string[] {
  // Why: zod reports unknown keys once, on the object; a line per key names the field to fix.
  if (issue.code === 'unrecognized_keys')
    return issue.keys.map((key) => {
      const message = issue.message.startsWith('Unrecognized key') ? 'unknown field' : issue.message;
      return `${formatPath([...issue.path, key])}: ${message}`;
    });
  // Why: zod's own wording ("Invalid input: expected object, received number") reads as noise here.
  if (issue.code === 'invalid_type' && issue.message.startsWith('Invalid input'))
    return [
      `${formatPath(issue.path)}: expected ${issue.expected === 'object' ? 'an object' : issue.expected}`,
    ];
  return [`${formatPath(issue.path)}: ${issue.message}`];
}

const perDay = (n: number): { rate: { perHour: number } } => ({ rate: { perHour: n / 24 } });

/**
 * Every kind of fault at modest rates, for a 30-day simulated soak: most kinds a few times a
 * simulated day at their default parameters; crash loops, hard bans, Redis restarts and log floods
 * rarer. Never allowed against live trading.
 */
export const DEFAULT_CHAOS_PROFILE: ChaosProfile = deepFreeze(
  parseChaosProfile({
    name: 'default',
    allowLive: false,
    scenarios: [
      { id: 'kill-actor', kind: 'kill-actor', schedule: perDay(4) },
      { id: 'hang-actor', kind: 'hang-actor', schedule: perDay(2) },
      { id: 'crash-loop', kind: 'crash-loop', schedule: perDay(1) },
      { id: 'venue-latency', kind: 'venue-latency', schedule: perDay(4) },
      { id: 'venue-5xx-burst', kind: 'venue-5xx-burst', schedule: perDay(4) },
      { id: 'venue-ban-429', kind: 'venue-ban', schedule: perDay(2) },
      {
        id: 'venue-ban-418',
        kind: 'venue-ban',
        params: { status: 418, retryAfterMs: 10 * MINUTE },
        schedule: perDay(0.5),
      },
      { id: 'unknown-outcome', kind: 'unknown-outcome', schedule: perDay(3) },
      { id: 'false-not-found', kind: 'false-not-found', schedule: perDay(3) },
      { id: 'feed-drop', kind: 'feed-drop', schedule: perDay(3) },
      { id: 'stale-book', kind: 'stale-book', schedule: perDay(3) },
      { id: 'redis-restart', kind: 'redis-restart', schedule: perDay(1 / 3) },
      { id: 'clock-skew-ahead', kind: 'clock-skew', schedule: perDay(1) },
      { id: 'clock-skew-back', kind: 'clock-skew', params: { skewMs: -2 * SECOND }, schedule: perDay(1) },
      { id: 'partial-fill-storm', kind: 'partial-fill-storm', schedule: perDay(2) },
      { id: 'log-flood', kind: 'log-flood', schedule: perDay(0.5) },
    ],
  } satisfies ChaosProfileInput),
);

/** A profile with no scenarios: chaos switched off. */
export const NO_CHAOS_PROFILE: ChaosProfile = deepFreeze(parseChaosProfile({ name: 'none', scenarios: [] }));

/**
 * Resolves a chaos profile: `'default'` is {@link DEFAULT_CHAOS_PROFILE}, `'none'` is
 * {@link NO_CHAOS_PROFILE}, anything else the path of a JSON file. Rejects with
 * {@link ChaosConfigError} (carrying `source`) when the file cannot be read, is not JSON, or is not
 * a valid profile.
 *
 * @example
 * const profile = await loadChaosProfile(process.env.CHAOS ?? 'none');
 */
export async function loadChaosProfile(spec: string): Promise<ChaosProfile> {
  if (spec === 'default') return DEFAULT_CHAOS_PROFILE;
  if (spec === 'none') return NO_CHAOS_PROFILE;
  let text: string;
  try {
    text = await readFile(spec, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const issue = `(file): cannot read: ${reason}`;
    throw new ChaosConfigError(`cannot read chaos profile ${spec}: ${reason}`, [issue], spec, {
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const issue = `(file): expected JSON: ${reason}`;
    throw new ChaosConfigError(`chaos profile ${spec} is not valid JSON: ${reason}`, [issue], spec, {
      cause: error,
    });
  }
  return parseChaosProfile(json, spec);
}

/**
 * The length of time a firing of `scenario` stays in effect, in ms; 0 for an instant fault.
 * `durationMs` or `downMs` when the kind has one; a ban lasts its `retryAfterMs`; a crash loop
 * runs from its first crash to its last.
 */
export function chaosDurationMs(scenario: ChaosKindParams): number {
  const params: Record<string, unknown> = scenario.params;
  if (typeof params.durationMs === 'number') return params.durationMs;
  if (typeof params.downMs === 'number') return params.downMs;
  if (scenario.kind === 'venue-ban') return scenario.params.retryAfterMs;
  if (scenario.kind === 'crash-loop') return (scenario.params.crashes - 1) * scenario.params.everyMs;
  return 0;
}

/**
 * Whether `candidate` is hit by `target`: every field the target sets must match (`actor` as a glob,
 * the others exactly); a field the target sets but the candidate lacks does not match.
 *
 * @example
 * matchesChaosTarget({ actor: 'engine-*' }, { actor: 'engine-maker', kind: 'engine' }); // true
 */
export function matchesChaosTarget(target: ChaosTarget, candidate: ChaosTarget): boolean {
  if (
    target.actor !== undefined &&
    (candidate.actor === undefined || !globMatch(target.actor, candidate.actor))
  )
    return false;
  return (['kind', 'symbol', 'engine'] as const).every(
    (field) => target[field] === undefined || target[field] === candidate[field],
  );
}

function globMatch(pattern: string, text: string): boolean {
  if (!pattern.includes('*')) return pattern === text;
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.*')}$`).test(text);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
