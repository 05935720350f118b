import type { RiskEngineConfig } from './risk-engine.config';
import type {
  CancelIntent,
  OrderAdmitted,
  OrderDenied,
  RecentOrder,
  RiskContext,
  RiskDecision,
} from './risk-decision';
import { ADMITTED, denied } from './risk-decision';
import { validateIntent } from './risk-intent';
import {
  appliesTo,
  checkMaxOrderNotional,
  checkMaxPosition,
  checkMinNotional,
  checkOrderRate,
  checkPriceBand,
  checkReducing,
  exposureOf,
} from './risk-rules';
import type { Intent } from './types';

export type {
  CancelIntent,
  OpenQuantity,
  OrderAdmitted,
  OrderDenied,
  OrderDeniedReason,
  RecentOrder,
  RiskContext,
  RiskDecision,
} from './risk-decision';
export type { RiskEngineConfig, RiskRule } from './risk-engine.config';

/** A pre-trade risk engine for one config. Pure: it keeps no state; the caller passes it in. */
export interface RiskEngine {
  readonly config: RiskEngineConfig;
  /** Admits or denies a new order; see {@link checkIntent}. */
  check(intent: Intent, context: RiskContext): RiskDecision;
  /** Always admits: see {@link checkCancel}. */
  checkCancel(cancel: CancelIntent, context: RiskContext): OrderAdmitted;
  /** The recent orders after `intent` was admitted; see {@link recordAdmitted}. */
  record(recentOrders: readonly RecentOrder[], intent: Intent): RecentOrder[];
}

/**
 * A risk engine for a validated config (see `parseRiskEngineConfig`).
 *
 * @example
 * const risk = createRiskEngine(parseRiskEngineConfig(raw));
 * const decision = risk.check(intent, context);
 * if (decision.admitted) recent = risk.record(recent, intent);
 * else publish({ type: 'order.denied', intentId: intent.intentId, ...decision });
 */
export function createRiskEngine(config: RiskEngineConfig): RiskEngine {
  return {
    config,
    check: (intent, context) => checkIntent(config, intent, context),
    checkCancel,
    record: (recentOrders, intent) => recordAdmitted(config, recentOrders, intent),
  };
}

/**
 * The pre-trade check of a new order. Checks run in a fixed order and the first denial wins:
 * the intent's fields (`INVALID_INTENT`), the effective trading state (`TRADING_HALTED`,
 * `REDUCING_INCREASES_EXPOSURE`), then per rule: price band, maximum notional, the instrument's
 * minimum notional, maximum position, order rate. Time is the intent's `t`; nothing is read from
 * a clock, so the same inputs always give the same answer.
 */
export function checkIntent(config: RiskEngineConfig, intent: Intent, context: RiskContext): RiskDecision {
  const invalid = validateIntent(intent, context.instruments);
  if (invalid !== null) return invalid;
  const instrument = context.instruments[intent.symbol];
  if (instrument === undefined)
    return denied('INVALID_INTENT', `unknown symbol "${intent.symbol}"`, null, 'symbol');

  if (context.tradingState === 'HALTED') {
    return denied(
      'TRADING_HALTED',
      `trading is HALTED: no new orders for ${intent.engine}/${intent.strategy}`,
    );
  }
  const exposure = exposureOf(intent, context, instrument);
  if (exposure === null) {
    // Without a trustworthy position neither REDUCING nor a position limit can be judged.
    return denied(
      'POSITION_UNKNOWN',
      `the position or working orders of ${intent.symbol} are not finite numbers`,
    );
  }
  if (context.tradingState === 'REDUCING') {
    const reducing = checkReducing(intent, exposure, instrument);
    if (reducing !== null) return reducing;
  }

  const mid = context.mids[intent.symbol];
  const knownMid = mid !== undefined && Number.isFinite(mid) && mid > 0 ? mid : null;
  const price = intent.type === 'limit' ? (intent.price as number) : knownMid;
  const rules = config.rules.filter((rule) => appliesTo(rule, intent.symbol));

  for (const rule of rules) {
    if (rule.kind !== 'priceBand' || intent.type !== 'limit') continue;
    if (knownMid === null) return noMid(intent, rule.name);
    const outside = checkPriceBand(rule, intent, knownMid);
    if (outside !== null) return outside;
  }
  for (const rule of rules) {
    if (rule.kind !== 'maxOrderNotional') continue;
    if (price === null) return noMid(intent, rule.name);
    const over = checkMaxOrderNotional(rule, intent, price);
    if (over !== null) return over;
  }
  // A market order without a mid skips this: the venue enforces its own minimum anyway.
  if (price !== null) {
    const under = checkMinNotional(instrument, intent, price);
    if (under !== null) return under;
  }
  for (const rule of rules) {
    if (rule.kind !== 'maxPosition') continue;
    const over = checkMaxPosition(rule, intent, exposure, instrument);
    if (over !== null) return over;
  }
  for (const rule of rules) {
    if (rule.kind !== 'orderRate') continue;
    const tooFast = checkOrderRate(rule, intent, context.recentOrders);
    if (tooFast !== null) return tooFast;
  }
  return ADMITTED;
}

/**
 * Cancels are admitted in every trading state and by every rule: a halt must never keep an exit
 * from being cancelled, nor a rate limit keep a stale quote on the book.
 */
export function checkCancel(_cancel: CancelIntent, _context?: RiskContext): OrderAdmitted {
  return ADMITTED;
}

/**
 * `recentOrders` with the admitted `intent` added and every order older than the longest
 * `orderRate` window (relative to `intent.t`) dropped, so the list stays small.
 */
export function recordAdmitted(
  config: RiskEngineConfig,
  recentOrders: readonly RecentOrder[],
  intent: Intent,
): RecentOrder[] {
  let windowMs = 0;
  for (const rule of config.rules)
    if (rule.kind === 'orderRate') windowMs = Math.max(windowMs, rule.windowMs);
  if (windowMs === 0) return [];
  const from = intent.t - windowMs;
  const kept = recentOrders.filter((order) => order.t > from);
  kept.push({ t: intent.t, engine: intent.engine, strategy: intent.strategy });
  return kept;
}

function noMid(intent: Intent, rule: string): OrderDenied {
  return denied(
    'NO_REFERENCE_PRICE',
    `rule ${rule} needs the mid of ${intent.symbol} and there is none`,
    rule,
  );
}
