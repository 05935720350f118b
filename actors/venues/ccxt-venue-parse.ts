import type {
  Balance,
  Balances,
  BookLevel,
  Fill,
  Instrument,
  OrderBook,
  OrderType,
  Side,
  VenueOrder,
  VenueOrderStatus,
} from '../trading/types';
import { VenueDataError } from './ccxt-venue-errors';
import type { VenueOp } from './sim-venue-errors';

/**
 * The boundary between ccxt's unified structures and ours. Every field the contract needs is
 * checked — present, of the right type, finite, not negative, a known status — and a violation is
 * a {@link VenueDataError} naming the field: a corrupt `VenueOrder` never gets past here.
 */

/** ccxt's unified symbol (`BTC/USDT`) → ours (`BTCUSDT`); undefined for a market we do not trade. */
export type SymbolOf = (ccxtSymbol: string) => string | undefined;

type Record_ = Readonly<Record<string, unknown>>;

/** ccxt's `precisionMode` values (`ccxt/js/src/base/functions/number.js`). */
const DECIMAL_PLACES = 2;
const TICK_SIZE = 4;

/** ccxt's order statuses → ours; `open` is refined by the filled amount. */
const STATUSES: Readonly<Record<string, VenueOrderStatus>> = {
  open: 'open',
  closed: 'filled',
  canceled: 'cancelled',
  cancelled: 'cancelled',
  // Binance's EXPIRED: the venue ended it (IOC remainder, market exhausted), as a cancel.
  expired: 'cancelled',
  rejected: 'rejected',
};

/**
 * A ccxt spot market → an {@link Instrument}, or undefined when it cannot be traded by us: inactive,
 * or without a usable price/amount precision (ccxt gives a step under `TICK_SIZE` and a number of
 * decimals under `DECIMAL_PLACES`; significant-digit venues are not supported).
 */
export function toInstrument(market: unknown, precisionMode: number): Instrument | undefined {
  const m = asRecord(market);
  if (m === undefined || m['spot'] !== true || m['active'] === false) return undefined;
  const precision = asRecord(m['precision']);
  const tickSize = step(precision?.['price'], precisionMode);
  const lotSize = step(precision?.['amount'], precisionMode);
  const base = m['base'];
  const quote = m['quote'];
  if (tickSize === undefined || lotSize === undefined) return undefined;
  if (typeof base !== 'string' || typeof quote !== 'string') return undefined;
  const minCost = asRecord(asRecord(m['limits'])?.['cost'])?.['min'];
  const minNotional = typeof minCost === 'number' && Number.isFinite(minCost) && minCost > 0 ? minCost : 0;
  return { symbol: `${base}${quote}`, base, quote, tickSize, lotSize, minNotional };
}

function step(value: unknown, precisionMode: number): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return undefined;
  if (precisionMode === TICK_SIZE) return value > 0 ? value : undefined;
  if (precisionMode === DECIMAL_PLACES) return Number.isInteger(value) ? Number(`1e-${value}`) : undefined;
  return undefined;
}

const UPDATED_AT = 'lastUpdateTimestamp';
const TRADED_AT = 'lastTradeTimestamp';

/** A ccxt order → a {@link VenueOrder}. */
export function toVenueOrder(op: VenueOp, raw: unknown, symbolOf: SymbolOf): VenueOrder {
  const o = record(op, 'order', raw);
  const field = new Fields(op, 'order', o);
  const type = field.oneOf<OrderType>('type', ['limit', 'market']);
  const qty = field.number('amount', 'positive');
  const filledQty = field.number('filled', 'nonNegative');
  if (filledQty > qty * (1 + 1e-9)) {
    throw new VenueDataError(op, 'order.filled', `at most amount ${qty}`, String(filledQty));
  }
  const rawStatus = field.text('status');
  const mapped = STATUSES[rawStatus];
  if (mapped === undefined) {
    throw new VenueDataError(op, 'order.status', `one of ${Object.keys(STATUSES).join(', ')}`, rawStatus);
  }
  const createdAt = field.number('timestamp', 'nonNegative');
  const updatedField = [UPDATED_AT, TRADED_AT].find((k) => o[k] !== undefined && o[k] !== null);
  return {
    venueOrderId: field.text('id'),
    clientOrderId: field.text('clientOrderId'),
    symbol: field.symbol(symbolOf),
    side: field.oneOf<Side>('side', ['buy', 'sell']),
    type,
    price: type === 'limit' ? field.number('price', 'positive') : null,
    qty,
    filledQty,
    avgFillPrice: filledQty > 0 ? field.number('average', 'positive') : null,
    status: mapped === 'open' && filledQty > 0 ? 'partially_filled' : mapped,
    createdAt,
    updatedAt: updatedField === undefined ? createdAt : field.number(updatedField, 'nonNegative'),
  };
}

/** A ccxt trade → a {@link Fill}; the client id comes from the order (trades do not carry it). */
export function toFill(op: VenueOp, raw: unknown, symbolOf: SymbolOf, clientOrderId: string): Fill {
  const field = new Fields(op, 'trade', record(op, 'trade', raw));
  const fee = new Fields(op, 'trade.fee', record(op, 'trade.fee', field.value('fee')));
  return {
    fillId: field.text('id'),
    venueOrderId: field.text('order'),
    clientOrderId,
    symbol: field.symbol(symbolOf),
    side: field.oneOf<Side>('side', ['buy', 'sell']),
    price: field.number('price', 'positive'),
    qty: field.number('amount', 'positive'),
    fee: fee.number('cost', 'nonNegative'),
    feeAsset: fee.text('currency'),
    liquidity: field.oneOf('takerOrMaker', ['maker', 'taker']),
    t: field.number('timestamp', 'nonNegative'),
  };
}

/** The order id a ccxt trade belongs to, checked. */
export function tradeOrderId(op: VenueOp, raw: unknown): string {
  return new Fields(op, 'trade', record(op, 'trade', raw)).text('order');
}

/**
 * A ccxt order book → an {@link OrderBook}: levels positive and finite, bids strictly falling and
 * asks strictly rising. `t` and `seq` are the venue's when it sends them (`timestamp`, `nonce`).
 */
export function toOrderBook(
  op: VenueOp,
  raw: unknown,
  symbol: string,
  fallback: { readonly t: number; readonly seq: number },
): OrderBook {
  const b = record(op, 'book', raw);
  const t = b['timestamp'];
  const seq = b['nonce'];
  return {
    symbol,
    t: typeof t === 'number' && Number.isFinite(t) ? t : fallback.t,
    seq: typeof seq === 'number' && Number.isFinite(seq) ? seq : fallback.seq,
    bids: levels(op, 'book.bids', b['bids'], -1),
    asks: levels(op, 'book.asks', b['asks'], 1),
  };
}

function levels(op: VenueOp, name: string, raw: unknown, direction: 1 | -1): BookLevel[] {
  if (!Array.isArray(raw)) throw new VenueDataError(op, name, 'an array of [price, qty]', render(raw));
  return raw.map((level: unknown, i) => {
    const [price, qty] = Array.isArray(level) ? (level as unknown[]) : [];
    const at = `${name}[${i}]`;
    const p = checkNumber(op, `${at}.price`, price, 'positive');
    const q = checkNumber(op, `${at}.qty`, qty, 'positive');
    const previous = raw[i - 1] as unknown[] | undefined;
    if (previous !== undefined && (p - Number(previous[0])) * direction <= 0) {
      throw new VenueDataError(
        op,
        `${at}.price`,
        direction > 0 ? 'above the level before' : 'below the level before',
        String(p),
      );
    }
    return { price: p, qty: q };
  });
}

/** ccxt's balance structure → {@link Balances} (free and `used`, which is our `locked`). */
export function toBalances(op: VenueOp, raw: unknown): Balances {
  const b = record(op, 'balance', raw);
  const out: Record<string, Balance> = {};
  for (const [asset, entry] of Object.entries(b)) {
    if (NOT_ASSETS.has(asset)) continue;
    const field = new Fields(op, `balance.${asset}`, record(op, `balance.${asset}`, entry));
    out[asset] = { free: field.number('free', 'nonNegative'), locked: field.number('used', 'nonNegative') };
  }
  return out;
}

/** Keys of ccxt's balance structure that are not assets. */
const NOT_ASSETS = new Set(['info', 'free', 'used', 'total', 'debt', 'timestamp', 'datetime']);

/** The venue's time from ccxt's `fetchTime`. */
export function toTime(op: VenueOp, raw: unknown): number {
  return checkNumber(op, 'time', raw, 'nonNegative');
}

/** Reads checked fields of one object, naming them `prefix.name` in errors. */
class Fields {
  constructor(
    private readonly op: VenueOp,
    private readonly prefix: string,
    private readonly raw: Record_,
  ) {}

  value(name: string): unknown {
    return this.raw[name];
  }

  text(name: string): string {
    const v = this.raw[name];
    if (typeof v !== 'string' || v === '') {
      throw new VenueDataError(this.op, `${this.prefix}.${name}`, 'a non-empty string', render(v));
    }
    return v;
  }

  number(name: string, sign: Sign): number {
    return checkNumber(this.op, `${this.prefix}.${name}`, this.raw[name], sign);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T {
    const v = this.raw[name];
    if (!allowed.includes(v as T)) {
      throw new VenueDataError(this.op, `${this.prefix}.${name}`, `one of ${allowed.join(', ')}`, render(v));
    }
    return v as T;
  }

  symbol(symbolOf: SymbolOf): string {
    const unified = this.text('symbol');
    const ours = symbolOf(unified);
    if (ours === undefined) {
      throw new VenueDataError(this.op, `${this.prefix}.symbol`, 'a market this venue trades', unified);
    }
    return ours;
  }
}

type Sign = 'positive' | 'nonNegative';

function checkNumber(op: VenueOp, field: string, v: unknown, sign: Sign): number {
  const ok = typeof v === 'number' && Number.isFinite(v) && (sign === 'positive' ? v > 0 : v >= 0);
  if (!ok) {
    const expected = sign === 'positive' ? 'a finite number > 0' : 'a finite number >= 0';
    throw new VenueDataError(op, field, expected, render(v));
  }
  return v;
}

function record(op: VenueOp, field: string, v: unknown): Record_ {
  const r = asRecord(v);
  if (r === undefined) throw new VenueDataError(op, field, 'an object', render(v));
  return r;
}

function asRecord(v: unknown): Record_ | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record_) : undefined;
}

function render(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.slice(0, 40));
  if (typeof v === 'number' || typeof v === 'boolean' || v === undefined || v === null) return String(v);
  return Array.isArray(v) ? 'an array' : typeof v;
}
