import type { RiskRule } from './risk-engine.config';
import type { OrderDenied, RecentOrder, RiskContext } from './risk-decision';
import { denied } from './risk-decision';
import type { Instrument, Intent } from './types';
import { fromLots, toLots } from './units';

/**
 * The pre-trade rules, one pure function each, taking an intent already validated by
 * `validateIntent`. Limits are inclusive: an order exactly at a limit is admitted, one just past it
 * is denied. Float comparisons allow a relative 1e-9 so that `0.1 * 3` sits at, not past, 0.3.
 */

type Rule<K extends RiskRule['kind']> = Extract<RiskRule, { kind: K }>;

const TOLERANCE = 1e-9;

function exceeds(value: number, limit: number): boolean {
  return value > limit + Math.abs(limit) * TOLERANCE;
}

/** Whether a rule with an optional `symbols` list applies to `symbol`. */
export function appliesTo(rule: RiskRule, symbol: string): boolean {
  return !('symbols' in rule) || rule.symbols === undefined || rule.symbols.includes(symbol);
}

/**
 * The intent's effect on the position, in integer lots. `before` is the position once the working
 * orders on the intent's side have all filled (the worst case the intent adds to); `after` adds the
 * intent. Null when the context holds a non-finite position or open quantity.
 */
export interface Exposure {
  readonly position: number;
  readonly before: number;
  readonly after: number;
}

/** See {@link Exposure}. */
export function exposureOf(intent: Intent, context: RiskContext, instrument: Instrument): Exposure | null {
  const rawPosition = context.positions[intent.symbol] ?? 0;
  const open = context.openOrders?.[intent.symbol];
  const rawOpen = intent.side === 'buy' ? (open?.buy ?? 0) : (open?.sell ?? 0);
  if (!Number.isFinite(rawPosition) || !Number.isFinite(rawOpen) || rawOpen < 0) return null;
  const position = toLots(instrument, rawPosition);
  const direction = intent.side === 'buy' ? 1 : -1;
  const before = position + direction * toLots(instrument, rawOpen);
  return { position, before, after: before + direction * toLots(instrument, intent.qty) };
}

/**
 * REDUCING admits an order only if it moves a non-flat position towards zero and cannot carry it
 * through zero, even if every working order on the same side fills first.
 */
export function checkReducing(
  intent: Intent,
  exposure: Exposure,
  instrument: Instrument,
): OrderDenied | null {
  const { position, after } = exposure;
  const opposes = (position > 0 && intent.side === 'sell') || (position < 0 && intent.side === 'buy');
  if (opposes && Math.sign(after) !== -Math.sign(position)) return null;
  const held = fromLots(instrument, position);
  const detail = !opposes
    ? `trading is REDUCING and a ${intent.side} of ${intent.qty} ${intent.symbol} does not reduce the position ${held}`
    : `trading is REDUCING and a ${intent.side} of ${intent.qty} ${intent.symbol} would carry the position ${held} through zero (to ${fromLots(instrument, after)} with working orders)`;
  return denied('REDUCING_INCREASES_EXPOSURE', detail);
}

/** A limit price at most `bps` basis points from mid. */
export function checkPriceBand(rule: Rule<'priceBand'>, intent: Intent, mid: number): OrderDenied | null {
  if (intent.type !== 'limit' || intent.price === undefined) return null;
  const deviation = Math.abs(intent.price - mid);
  if (!exceeds(deviation * 10_000, rule.bps * mid)) return null;
  const bps = (deviation / mid) * 10_000;
  return denied(
    'PRICE_OUTSIDE_BAND',
    `price ${intent.price} is ${bps.toFixed(2)} bps from mid ${mid}, band is ${rule.bps} bps`,
    rule.name,
  );
}

/** The order's value (at `price`) at most `max`. */
export function checkMaxOrderNotional(
  rule: Rule<'maxOrderNotional'>,
  intent: Intent,
  price: number,
): OrderDenied | null {
  const notional = price * intent.qty;
  if (!exceeds(notional, rule.max)) return null;
  return denied(
    'NOTIONAL_EXCEEDS_MAXIMUM',
    `notional ${notional} (${intent.qty} × ${price}) exceeds the maximum ${rule.max}`,
    rule.name,
  );
}

/** The order's value (at `price`) at least the instrument's `minNotional`. */
export function checkMinNotional(instrument: Instrument, intent: Intent, price: number): OrderDenied | null {
  const notional = price * intent.qty;
  if (!exceeds(instrument.minNotional, notional)) return null;
  return denied(
    'NOTIONAL_BELOW_MINIMUM',
    `notional ${notional} (${intent.qty} × ${price}) is below ${intent.symbol}'s minimum ${instrument.minNotional}`,
  );
}

/**
 * The absolute position after the order (working orders on its side included) at most `max` —
 * except that an order bringing the position closer to flat is always admitted, so a position
 * already over the limit can still be reduced.
 */
export function checkMaxPosition(
  rule: Rule<'maxPosition'>,
  intent: Intent,
  exposure: Exposure,
  instrument: Instrument,
): OrderDenied | null {
  const after = Math.abs(exposure.after);
  if (after <= Math.abs(exposure.before)) return null;
  if (!exceeds(after, rule.max / instrument.lotSize)) return null;
  return denied(
    'POSITION_EXCEEDS_MAXIMUM',
    `a ${intent.side} of ${intent.qty} ${intent.symbol} could take the position to ${fromLots(instrument, exposure.after)}, maximum is ${rule.max}`,
    rule.name,
  );
}

/**
 * At most `max` admitted orders of the intent's engine (or strategy) in the window
 * `(t - windowMs, t]`; an order exactly `windowMs` old has left it.
 */
export function checkOrderRate(
  rule: Rule<'orderRate'>,
  intent: Intent,
  recentOrders: readonly RecentOrder[],
): OrderDenied | null {
  const from = intent.t - rule.windowMs;
  let count = 0;
  for (const order of recentOrders) {
    if (order.t <= from || order.engine !== intent.engine) continue;
    if (rule.per === 'strategy' && order.strategy !== intent.strategy) continue;
    count++;
  }
  if (count < rule.max) return null;
  const who =
    rule.per === 'strategy' ? `strategy ${intent.engine}/${intent.strategy}` : `engine ${intent.engine}`;
  return denied(
    'ORDER_RATE_EXCEEDED',
    `${who} already has ${count} orders in the last ${rule.windowMs} ms, maximum is ${rule.max}`,
    rule.name,
  );
}
