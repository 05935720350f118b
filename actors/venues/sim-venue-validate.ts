import type { OrderRequest, OrderType, Side } from '../trading/types';
import { isMultiple, toLots, toTicks } from '../trading/units';
import type { InstrumentScale } from './sim-venue-balances';
import { toAtoms } from './sim-venue-balances';
import type { OrderRef, OrderRejectReason } from './sim-venue-errors';

/** An order request that passed every static check, in integer units. */
export interface ValidOrder {
  readonly clientOrderId: string;
  readonly scale: InstrumentScale;
  readonly side: Side;
  readonly type: OrderType;
  readonly lots: number;
  /** Limit price in ticks; `null` for a market order. */
  readonly priceTicks: number | null;
}

/** Either the value or why it was refused. */
export type Checked<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: OrderRejectReason; readonly detail: string };

/** Binance's pattern for client order ids. */
const CLIENT_ORDER_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/;
/** Keeps lots × ticks × atoms far inside exact integer range before it reaches bigint. */
const MAX_UNITS = 1e15;

/**
 * Checks a request against the instrument's rules without touching any state: the fields' types,
 * a positive finite quantity on the lot grid, a positive finite limit price on the tick grid (and
 * none for a market order), and the limit order's minimum notional. Market orders' notional and
 * everything that depends on balances or the book is checked by the engine.
 */
export function checkOrder(
  request: OrderRequest,
  instruments: ReadonlyMap<string, InstrumentScale>,
): Checked<ValidOrder> {
  const r = (request ?? {}) as Partial<Record<keyof OrderRequest, unknown>>;
  if (typeof r.clientOrderId !== 'string' || !CLIENT_ORDER_ID.test(r.clientOrderId))
    return no(
      'INVALID_CLIENT_ORDER_ID',
      `clientOrderId: expected 1-36 of [A-Za-z0-9._:/-], got ${show(r.clientOrderId)}`,
    );
  const scale = typeof r.symbol === 'string' ? instruments.get(r.symbol) : undefined;
  if (scale === undefined)
    return no(
      'UNKNOWN_SYMBOL',
      `symbol: expected one of ${[...instruments.keys()].join(', ')}, got ${show(r.symbol)}`,
    );
  const { instrument } = scale;
  if (r.side !== 'buy' && r.side !== 'sell')
    return no('INVALID_SIDE', `side: expected "buy" or "sell", got ${show(r.side)}`);
  if (r.type !== 'limit' && r.type !== 'market')
    return no('INVALID_TYPE', `type: expected "limit" or "market", got ${show(r.type)}`);
  if (typeof r.qty !== 'number' || !Number.isFinite(r.qty) || r.qty <= 0)
    return no('INVALID_QUANTITY', `qty: expected a positive finite number, got ${show(r.qty)}`);
  if (!isMultiple(r.qty, instrument.lotSize))
    return no(
      'QUANTITY_NOT_MULTIPLE_OF_LOT',
      `qty: expected a multiple of ${instrument.lotSize}, got ${r.qty}`,
    );
  const lots = toLots(instrument, r.qty);
  if (lots > MAX_UNITS) return no('INVALID_QUANTITY', `qty: ${r.qty} is beyond any balance`);
  if (r.type === 'market') {
    if (r.price !== undefined)
      return no('PRICE_NOT_ALLOWED', `price: a market order takes no price, got ${show(r.price)}`);
    return ok({ clientOrderId: r.clientOrderId, scale, side: r.side, type: r.type, lots, priceTicks: null });
  }
  if (r.price === undefined) return no('PRICE_REQUIRED', 'price: a limit order needs a price');
  if (typeof r.price !== 'number' || !Number.isFinite(r.price) || r.price <= 0)
    return no('INVALID_PRICE', `price: expected a positive finite number, got ${show(r.price)}`);
  if (!isMultiple(r.price, instrument.tickSize))
    return no(
      'PRICE_NOT_MULTIPLE_OF_TICK',
      `price: expected a multiple of ${instrument.tickSize}, got ${r.price}`,
    );
  const priceTicks = toTicks(instrument, r.price);
  if (priceTicks > MAX_UNITS) return no('INVALID_PRICE', `price: ${r.price} is beyond any balance`);
  const notional = BigInt(priceTicks) * BigInt(lots) * scale.tickLotAtoms;
  if (notional < toAtoms(instrument.minNotional))
    return no(
      'MIN_NOTIONAL',
      `price × qty: expected at least ${instrument.minNotional} ${instrument.quote}, got ${r.price * r.qty}`,
    );
  return ok({ clientOrderId: r.clientOrderId, scale, side: r.side, type: r.type, lots, priceTicks });
}

/** Checks that `ref` names an order by at least one well-formed id. */
export function checkRef(ref: OrderRef): Checked<OrderRef> {
  const r = (ref ?? {}) as Partial<Record<keyof OrderRef, unknown>>;
  const ids = [r.venueOrderId, r.clientOrderId].filter((id) => id !== undefined);
  if (ids.length === 0 || !ids.every((id) => typeof id === 'string' && id.length > 0))
    return no('INVALID_ORDER_REF', 'expected venueOrderId or clientOrderId as a non-empty string');
  if (r.symbol !== undefined && typeof r.symbol !== 'string')
    return no('INVALID_ORDER_REF', `symbol: expected a string, got ${show(r.symbol)}`);
  return ok(ref);
}

function ok<T>(value: T): Checked<T> {
  return { ok: true, value };
}

function no<T>(reason: OrderRejectReason, detail: string): Checked<T> {
  return { ok: false, reason, detail };
}

function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
