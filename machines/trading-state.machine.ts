import { assign, emit, setup } from 'xstate';

/** How freely a scope may trade, least restrictive first (NautilusTrader's `TradingState`). */
export type TradingStateValue = 'ACTIVE' | 'REDUCING' | 'HALTED';

/** The level a trading-state machine guards; one machine type serves all three. */
export type TradingLevel = 'global' | 'engine' | 'strategy';

/** Topic the machine publishes `trading.state.changed` on, for the risk engine and views. */
export const TRADING_STATE_TOPIC = 'trading-state';

/** Events of a trading-state machine. `t` is the clock time the command was issued. */
export type TradingStateEvent =
  /** Admit only orders that reduce exposure. Ignored when already REDUCING or HALTED. */
  | { type: 'trading.reduce'; reason: string; by: string; t: number }
  /** Admit no new orders (cancels still pass). Never refused: a halt needs no permission. */
  | { type: 'trading.halt'; reason: string; by: string; t: number }
  /**
   * An operator lifts REDUCING or HALTED, to ACTIVE by default or to REDUCING (e.g. to flatten
   * after a halt). Refused unless `operator` names someone.
   */
  | { type: 'trading.resume'; operator: string; to?: 'ACTIVE' | 'REDUCING'; t: number }
  /**
   * A component (e.g. reconciliation) lifts REDUCING; it cannot lift HALTED. With `reason`, only
   * that reason is withdrawn, and the scope stays REDUCING while any other reason holds:
   * reconciliation must not lift an operator's REDUCING, nor an unknown order outcome's.
   */
  | { type: 'trading.reduce.cleared'; by: string; reason?: string; t: number };

/** Input of a trading-state machine: which scope it guards. */
export interface TradingStateInput {
  readonly level: TradingLevel;
  /** `global`, an engine id or a strategy id. */
  readonly scope: string;
}

/** Context: the scope, and why, by whom and since when it is in its current state. */
export interface TradingStateContext {
  level: TradingLevel;
  scope: string;
  /** Why the scope is REDUCING or HALTED; null when ACTIVE. */
  reason: string | null;
  /**
   * Every reason the scope is REDUCING for, oldest first (`reason` is the first): a REDUCING ends
   * only when all are withdrawn, or on an operator's resume. Absent in snapshots from before it.
   */
  reasons?: string[];
  /** Who caused the last change (an operator or a component id); null before the first change. */
  by: string | null;
  /** Clock time of the last change; null before the first change. */
  since: number | null;
}

/** What the machine publishes after every change of state. */
export interface TradingStateChanged {
  readonly type: 'trading.state.changed';
  readonly level: TradingLevel;
  readonly scope: string;
  readonly from: TradingStateValue;
  readonly to: TradingStateValue;
  readonly reason: string | null;
  readonly by: string;
  readonly t: number;
}

const RANK: Readonly<Record<TradingStateValue, number>> = { ACTIVE: 0, REDUCING: 1, HALTED: 2 };

/**
 * The trading state a component's machine state stands for: a level whose component is not
 * running (no state, or a lifecycle state) counts as HALTED — deny by default.
 */
export function tradingStateOf(state: string | undefined): TradingStateValue {
  return state === 'ACTIVE' || state === 'REDUCING' ? state : 'HALTED';
}

/** The most restrictive of the given states (ACTIVE when none is given). */
export function mostRestrictive(...states: readonly TradingStateValue[]): TradingStateValue {
  let worst: TradingStateValue = 'ACTIVE';
  for (const state of states) if (RANK[state] > RANK[worst]) worst = state;
  return worst;
}

/**
 * The state a strategy actually trades under: the most restrictive of its own, its engine's and
 * the global one. A global halt stops every strategy; a strategy's own REDUCING is not lifted by
 * an ACTIVE engine.
 *
 * @example
 * effectiveTradingState('ACTIVE', 'REDUCING', 'ACTIVE'); // 'REDUCING'
 */
export function effectiveTradingState(
  global: TradingStateValue,
  engine: TradingStateValue,
  strategy: TradingStateValue,
): TradingStateValue {
  return mostRestrictive(global, engine, strategy);
}

function named(who: string): boolean {
  return who.trim().length > 0;
}

/** The reasons a scope is REDUCING for (a snapshot from before `reasons` has only `reason`). */
export function reasonsOf(context: TradingStateContext): string[] {
  return context.reasons ?? (context.reason === null ? [] : [context.reason]);
}

function issuer(event: TradingStateEvent): string {
  return event.type === 'trading.resume' ? event.operator : event.by;
}

/**
 * The trading state of one scope (global, an engine or a strategy): `ACTIVE`, `REDUCING` (only
 * orders that reduce exposure) or `HALTED` (no new orders). Cancels are admitted in every state;
 * that is the risk engine's rule, not this machine's. Restrictions tighten on any command; they
 * loosen only explicitly: nothing leaves HALTED but `trading.resume` from a named operator, and
 * REDUCING ends only on `trading.resume` or `trading.reduce.cleared` — never on a timer. Every
 * change publishes {@link TradingStateChanged} on {@link TRADING_STATE_TOPIC}.
 *
 * Use `snapshot.can(event)` to tell an operator beforehand whether a resume would be refused.
 */
export const tradingStateMachine = setup({
  types: {} as {
    context: TradingStateContext;
    events: TradingStateEvent;
    input: TradingStateInput;
    emitted: { type: 'publish'; topic: string; event: TradingStateChanged };
  },
  guards: {
    operatorNamed: ({ event }) => event.type === 'trading.resume' && named(event.operator),
    operatorNamedToReducing: ({ event }) =>
      event.type === 'trading.resume' && named(event.operator) && event.to === 'REDUCING',
    operatorNamedToActive: ({ event }) =>
      event.type === 'trading.resume' && named(event.operator) && event.to !== 'REDUCING',
    clearerNamed: ({ context, event }) =>
      event.type === 'trading.reduce.cleared' &&
      named(event.by) &&
      (event.reason === undefined ||
        (reasonsOf(context).includes(event.reason) && reasonsOf(context).length === 1)),
    withdrawsOne: ({ context, event }) =>
      event.type === 'trading.reduce.cleared' &&
      named(event.by) &&
      event.reason !== undefined &&
      reasonsOf(context).includes(event.reason) &&
      reasonsOf(context).length > 1,
    newReason: ({ context, event }) =>
      event.type === 'trading.reduce' && !reasonsOf(context).includes(event.reason),
  },
  actions: {
    addReason: assign(({ context, event }) =>
      event.type === 'trading.reduce' ? { reasons: [...reasonsOf(context), event.reason] } : {},
    ),
    dropReason: assign(({ context, event }) => {
      if (event.type !== 'trading.reduce.cleared') return {};
      const reasons = reasonsOf(context).filter((r) => r !== event.reason);
      return { reasons, reason: reasons[0] ?? null };
    }),
    restrict: assign(({ event }) =>
      event.type === 'trading.reduce' || event.type === 'trading.halt'
        ? {
            reason: event.reason,
            reasons: event.type === 'trading.reduce' ? [event.reason] : [],
            by: event.by,
            since: event.t,
          }
        : {},
    ),
    lift: assign(({ event }) => {
      if (event.type === 'trading.resume') {
        return {
          reason: event.to === 'REDUCING' ? `resumed to REDUCING by ${event.operator}` : null,
          reasons: event.to === 'REDUCING' ? [`resumed to REDUCING by ${event.operator}`] : [],
          by: event.operator,
          since: event.t,
        };
      }
      return event.type === 'trading.reduce.cleared'
        ? { reason: null, reasons: [], by: event.by, since: event.t }
        : {};
    }),
    // Runs after `restrict`/`lift`, so `context.reason` is already the new one.
    publishChange: emit(({ context, event }, params: { from: TradingStateValue; to: TradingStateValue }) => ({
      type: 'publish' as const,
      topic: TRADING_STATE_TOPIC,
      event: {
        type: 'trading.state.changed' as const,
        level: context.level,
        scope: context.scope,
        from: params.from,
        to: params.to,
        reason: context.reason,
        by: issuer(event),
        t: event.t,
      },
    })),
  },
}).createMachine({
  id: 'trading-state',
  initial: 'ACTIVE',
  context: ({ input }) => ({ level: input.level, scope: input.scope, reason: null, by: null, since: null }),
  states: {
    ACTIVE: {
      on: {
        'trading.reduce': {
          target: 'REDUCING',
          actions: ['restrict', { type: 'publishChange', params: { from: 'ACTIVE', to: 'REDUCING' } }],
        },
        'trading.halt': {
          target: 'HALTED',
          actions: ['restrict', { type: 'publishChange', params: { from: 'ACTIVE', to: 'HALTED' } }],
        },
      },
    },
    REDUCING: {
      on: {
        'trading.halt': {
          target: 'HALTED',
          actions: ['restrict', { type: 'publishChange', params: { from: 'REDUCING', to: 'HALTED' } }],
        },
        'trading.resume': {
          guard: 'operatorNamedToActive',
          target: 'ACTIVE',
          actions: ['lift', { type: 'publishChange', params: { from: 'REDUCING', to: 'ACTIVE' } }],
        },
        // Another reason to reduce: it must be withdrawn too before the scope trades freely again.
        'trading.reduce': { guard: 'newReason', actions: 'addReason' },
        'trading.reduce.cleared': [
          {
            guard: 'clearerNamed',
            target: 'ACTIVE',
            actions: ['lift', { type: 'publishChange', params: { from: 'REDUCING', to: 'ACTIVE' } }],
          },
          { guard: 'withdrawsOne', actions: 'dropReason' },
        ],
      },
    },
    HALTED: {
      on: {
        'trading.resume': [
          {
            guard: 'operatorNamedToReducing',
            target: 'REDUCING',
            actions: ['lift', { type: 'publishChange', params: { from: 'HALTED', to: 'REDUCING' } }],
          },
          {
            guard: 'operatorNamed',
            target: 'ACTIVE',
            actions: ['lift', { type: 'publishChange', params: { from: 'HALTED', to: 'ACTIVE' } }],
          },
        ],
      },
    },
  },
});
