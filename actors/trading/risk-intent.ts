import type { OrderDenied } from './risk-decision';
import { denied } from './risk-decision';
import type { Instrument, Intent } from './types';
import { isMultiple } from './units';

/**
 * Checks an intent's shape before any rule looks at it: the first bad field wins and is named.
 * Defensive at run time, not only in types: intents come from strategy code, and one NaN must
 * never reach a rule (every comparison with NaN is false, so NaN would pass any limit).
 */
export function validateIntent(
  intent: Intent,
  instruments: Readonly<Record<string, Instrument>>,
): OrderDenied | null {
  for (const field of ['intentId', 'engine', 'strategy', 'symbol'] as const) {
    const value: unknown = intent[field];
    if (typeof value !== 'string' || value.length === 0) {
      return invalid(field, `${field} must be a non-empty string, got ${show(value)}`);
    }
  }
  const instrument = Object.hasOwn(instruments, intent.symbol) ? instruments[intent.symbol] : undefined;
  if (instrument === undefined) return invalid('symbol', `unknown symbol ${show(intent.symbol)}`);
  if (intent.side !== 'buy' && intent.side !== 'sell') {
    return invalid('side', `side must be 'buy' or 'sell', got ${show(intent.side)}`);
  }
  if (intent.type !== 'limit' && intent.type !== 'market') {
    return invalid('type', `type must be 'limit' or 'market', got ${show(intent.type)}`);
  }
  if (!isPositive(intent.qty))
    return invalid('qty', `qty must be a finite number > 0, got ${show(intent.qty)}`);
  if (!isMultiple(intent.qty, instrument.lotSize)) {
    return invalid('qty', `qty ${intent.qty} is not a multiple of the lot size ${instrument.lotSize}`);
  }
  if (intent.type === 'limit' && intent.price === undefined) {
    return invalid('price', 'price is required for a limit order');
  }
  if (intent.price !== undefined) {
    if (!isPositive(intent.price)) {
      return invalid('price', `price must be a finite number > 0, got ${show(intent.price)}`);
    }
    if (intent.type === 'limit' && !isMultiple(intent.price, instrument.tickSize)) {
      return invalid(
        'price',
        `price ${intent.price} is not a multiple of the tick size ${instrument.tickSize}`,
      );
    }
  }
  if (typeof intent.t !== 'number' || !Number.isFinite(intent.t)) {
    return invalid('t', `t must be a finite clock time, got ${show(intent.t)}`);
  }
  return null;
}

function isPositive(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

function invalid(field: string, detail: string): OrderDenied {
  return denied('INVALID_INTENT', detail, null, field);
}

function show(value: unknown): string {
  return typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
}
