import { assign, emit, setup } from 'xstate';
import { z } from 'zod';

/** How alarmed a circuit breaker is, calmest first. */
export type BreakerState = 'GREEN' | 'YELLOW' | 'RED';

/** Topic a circuit breaker publishes `breaker.changed` on, for trading-state guards and views. */
export const BREAKER_TOPIC = 'breakers';

const nonBlank = (field: string) => z.string().regex(/\S/, `expected a non-blank ${field}`);

/**
 * Settings of one circuit breaker, validated at the boundary. Thresholds must be finite and ordered
 * for the direction: with `above` a breaker trips when the value rises to a threshold, so `yellowAt`
 * must lie below `redAt`; with `below` it trips when the value falls to one, so `yellowAt` must lie
 * above `redAt`.
 *
 * @example
 * circuitBreakerConfigSchema.parse({
 *   name: 'ack-rate', metric: 'venue.ack.success', scope: 'mm-1',
 *   yellowAt: 0.98, redAt: 0.9, direction: 'below', confirm: 3, cooldownMs: 60_000,
 * });
 */
export const circuitBreakerConfigSchema = z
  .strictObject({
    name: nonBlank('name'),
    /** The metric whose readings the breaker judges. */
    metric: nonBlank('metric'),
    /** `global`, an engine id or a strategy id. */
    scope: nonBlank('scope'),
    yellowAt: z.number(),
    redAt: z.number(),
    /** `above`: trips when a reading is >= a threshold; `below`: when it is <= one. */
    direction: z.enum(['above', 'below']),
    /** Consecutive readings at a level needed before the breaker moves to it. */
    confirm: z.number().int().min(1).max(100),
    /** How long readings must stay under the yellow level before YELLOW returns to GREEN, in ms. */
    cooldownMs: z.number().int().min(0),
  })
  .superRefine((config, ctx) => {
    const ordered =
      config.direction === 'above' ? config.yellowAt < config.redAt : config.yellowAt > config.redAt;
    if (!ordered) {
      const relation = config.direction === 'above' ? 'below' : 'above';
      ctx.addIssue({
        code: 'custom',
        path: ['yellowAt'],
        message: `yellowAt (${config.yellowAt}) must be ${relation} redAt (${config.redAt}) when direction is '${config.direction}'`,
      });
    }
  });

/** Validated settings of one circuit breaker. */
export type CircuitBreakerConfig = z.infer<typeof circuitBreakerConfigSchema>;

/**
 * Input of a circuit-breaker machine. The machine trusts it: parse it with
 * {@link circuitBreakerConfigSchema} first.
 */
export interface CircuitBreakerInput {
  readonly name: string;
  readonly metric: string;
  readonly scope: string;
  readonly yellowAt: number;
  readonly redAt: number;
  readonly direction: 'above' | 'below';
  /** N: consecutive readings at a level needed before the breaker moves to it. */
  readonly confirm: number;
  readonly cooldownMs: number;
}

/** Events of a circuit-breaker machine. `t` is the clock time of the reading or command. */
export type CircuitBreakerEvent =
  /** One reading of the metric. Ignored (only counted) unless `value` and `t` are finite. */
  | { type: 'breaker.reading'; value: number; t: number }
  /** An operator lifts RED back to GREEN. Refused unless `operator` names someone; ignored elsewhere. */
  | { type: 'breaker.reset'; operator: string; t: number };

/** Context: the settings, the last reading, the confirming streaks and the story of the latest trip. */
export interface CircuitBreakerContext {
  readonly settings: CircuitBreakerInput;
  /** The last valid reading; null before the first. */
  last: number | null;
  /** Clock time of the last valid reading; null before the first. */
  lastT: number | null;
  /** Consecutive readings at the red level (frozen while RED). */
  redStreak: number;
  /** Consecutive readings at the yellow level or worse (frozen while RED). */
  yellowStreak: number;
  /** While YELLOW, time of the first of the unbroken run of readings under the yellow level; else null. */
  calmSince: number | null;
  /** Clock time of the last change of state; null before the first change. */
  since: number | null;
  /** The reading that last latched RED; null before the first trip. */
  trippedValue: number | null;
  /** The operator who last reset RED; null before the first reset and while RED. */
  resetBy: string | null;
  /** Readings ignored because their value or time was not a finite number. */
  invalidReadings: number;
}

/** What the machine publishes after every change of state. */
export interface BreakerChanged {
  readonly type: 'breaker.changed';
  readonly name: string;
  readonly metric: string;
  readonly scope: string;
  readonly from: BreakerState;
  readonly to: BreakerState;
  /** The reading that caused the change; null for an operator reset. */
  readonly value: number | null;
  /** The operator who reset, or `breaker` when a reading caused the change. */
  readonly by: string;
  readonly t: number;
}

type Level = 'green' | 'yellow' | 'red';

function levelOf(settings: CircuitBreakerInput, value: number): Level {
  const reaches = (threshold: number) =>
    settings.direction === 'above' ? value >= threshold : value <= threshold;
  if (reaches(settings.redAt)) return 'red';
  return reaches(settings.yellowAt) ? 'yellow' : 'green';
}

function isValidReading(event: CircuitBreakerEvent): boolean {
  return event.type === 'breaker.reading' && Number.isFinite(event.value) && Number.isFinite(event.t);
}

/** The streaks after a valid reading; red readings count towards yellow too. */
function streaksAfter(context: CircuitBreakerContext, value: number) {
  const level = levelOf(context.settings, value);
  return {
    redStreak: level === 'red' ? context.redStreak + 1 : 0,
    yellowStreak: level === 'green' ? 0 : context.yellowStreak + 1,
  };
}

function named(who: string): boolean {
  return who.trim().length > 0;
}

/** A reading that moves the breaker: observed, counted, entered, published. */
function move(guard: 'confirmsRed' | 'confirmsYellow' | 'cooledDown', from: BreakerState, to: BreakerState) {
  return {
    guard,
    target: to,
    actions: [
      'observe',
      'countStreaks',
      { type: 'enter', params: { to } },
      { type: 'publishChange', params: { from, to } },
    ],
  } as const;
}

/**
 * A circuit breaker on one metric of one scope: `GREEN`, `YELLOW` (warning) or `RED` (tripped).
 * It moves up only after `confirm` consecutive readings at the new level, so one spike trips
 * nothing. YELLOW cools back to GREEN once readings have stayed under the yellow level for
 * `cooldownMs`, judged by the readings' own times rather than a timer, so the machine stays
 * deterministic and a restored snapshot keeps its cooldown. RED latches: only `breaker.reset` from
 * a named operator lifts it, straight to GREEN. Every change publishes {@link BreakerChanged} on
 * {@link BREAKER_TOPIC}.
 *
 * Use `snapshot.can(event)` to tell an operator beforehand whether a reset would be refused.
 *
 * @example
 * const actor = createActor(circuitBreakerMachine, {
 *   input: { name: 'drawdown', metric: 'equity.drawdown', scope: 'mm-1',
 *            yellowAt: 0.05, redAt: 0.1, direction: 'above', confirm: 3, cooldownMs: 60_000 },
 * }).start();
 * actor.on('publish', ({ topic, event }) => bus.publish(topic, event));
 * actor.send({ type: 'breaker.reading', value: 0.12, t: clock.now() });
 */
export const circuitBreakerMachine = setup({
  types: {} as {
    context: CircuitBreakerContext;
    events: CircuitBreakerEvent;
    input: CircuitBreakerInput;
    emitted: { type: 'publish'; topic: string; event: BreakerChanged };
  },
  guards: {
    invalidReading: ({ event }) => event.type === 'breaker.reading' && !isValidReading(event),
    confirmsRed: ({ context, event }) =>
      event.type === 'breaker.reading' &&
      streaksAfter(context, event.value).redStreak >= context.settings.confirm,
    confirmsYellow: ({ context, event }) =>
      event.type === 'breaker.reading' &&
      streaksAfter(context, event.value).yellowStreak >= context.settings.confirm,
    cooledDown: ({ context, event }) =>
      event.type === 'breaker.reading' &&
      levelOf(context.settings, event.value) === 'green' &&
      event.t - (context.calmSince ?? event.t) >= context.settings.cooldownMs,
    operatorNamed: ({ event }) => event.type === 'breaker.reset' && named(event.operator),
  },
  actions: {
    countInvalid: assign({ invalidReadings: ({ context }) => context.invalidReadings + 1 }),
    observe: assign(({ event }) =>
      event.type === 'breaker.reading' ? { last: event.value, lastT: event.t } : {},
    ),
    countStreaks: assign(({ context, event }) =>
      event.type === 'breaker.reading' ? streaksAfter(context, event.value) : {},
    ),
    // A yellow or red reading breaks the calm, so the cooldown starts over at the next calm one.
    trackCalm: assign(({ context, event }) => {
      if (event.type !== 'breaker.reading') return {};
      const calm = levelOf(context.settings, event.value) === 'green';
      return { calmSince: calm ? (context.calmSince ?? event.t) : null };
    }),
    enter: assign(({ event }, params: { to: BreakerState }) => {
      if (event.type === 'breaker.reset') {
        return {
          since: event.t,
          calmSince: null,
          redStreak: 0,
          yellowStreak: 0,
          resetBy: event.operator,
        };
      }
      return params.to === 'RED'
        ? { since: event.t, calmSince: null, trippedValue: event.value, resetBy: null }
        : { since: event.t, calmSince: null };
    }),
    publishChange: emit(({ context, event }, params: { from: BreakerState; to: BreakerState }) => ({
      type: 'publish' as const,
      topic: BREAKER_TOPIC,
      event: {
        type: 'breaker.changed' as const,
        name: context.settings.name,
        metric: context.settings.metric,
        scope: context.settings.scope,
        from: params.from,
        to: params.to,
        value: event.type === 'breaker.reading' ? event.value : null,
        by: event.type === 'breaker.reset' ? event.operator : 'breaker',
        t: event.t,
      },
    })),
  },
}).createMachine({
  id: 'circuit-breaker',
  initial: 'GREEN',
  context: ({ input }) => ({
    settings: { ...input },
    last: null,
    lastT: null,
    redStreak: 0,
    yellowStreak: 0,
    calmSince: null,
    since: null,
    trippedValue: null,
    resetBy: null,
    invalidReadings: 0,
  }),
  states: {
    GREEN: {
      on: {
        'breaker.reading': [
          { guard: 'invalidReading', actions: 'countInvalid' },
          // Red before yellow: a red reading counts towards both streaks, and RED must win a tie.
          move('confirmsRed', 'GREEN', 'RED'),
          move('confirmsYellow', 'GREEN', 'YELLOW'),
          { actions: ['observe', 'countStreaks'] },
        ],
      },
    },
    YELLOW: {
      on: {
        'breaker.reading': [
          { guard: 'invalidReading', actions: 'countInvalid' },
          move('confirmsRed', 'YELLOW', 'RED'),
          move('cooledDown', 'YELLOW', 'GREEN'),
          { actions: ['observe', 'countStreaks', 'trackCalm'] },
        ],
      },
    },
    RED: {
      on: {
        'breaker.reading': [{ guard: 'invalidReading', actions: 'countInvalid' }, { actions: 'observe' }],
        'breaker.reset': {
          guard: 'operatorNamed',
          target: 'GREEN',
          actions: [
            { type: 'enter', params: { to: 'GREEN' } },
            { type: 'publishChange', params: { from: 'RED', to: 'GREEN' } },
          ],
        },
      },
    },
  },
});
