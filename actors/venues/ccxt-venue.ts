import type { Exchange } from 'ccxt';
import type { Clock } from '../kernel/clock';
import { ConfigError } from '../kernel/errors';
import type { Balances, Fill, Instrument, OrderBook, OrderRequest, VenueOrder } from '../trading/types';
import { parseCcxtVenueConfig } from './ccxt-venue.config';
import type { CcxtVenueConfigInput } from './ccxt-venue.config';
import { createCcxtClient } from './ccxt-venue-client';
import { toVenueError } from './ccxt-venue-error-map';
import type { FailureContext, ResponseMeta } from './ccxt-venue-error-map';
import { VenueDataError } from './ccxt-venue-errors';
import {
  toBalances,
  toFill,
  toInstrument,
  toOrderBook,
  toTime,
  toVenueOrder,
  tradeOrderId,
} from './ccxt-venue-parse';
import type { SymbolOf } from './ccxt-venue-parse';
import { scaleOf } from './sim-venue-balances';
import type { InstrumentScale } from './sim-venue-balances';
import { OrderNotFoundError, OrderRejectedError, VenueTimeoutError } from './sim-venue-errors';
import type { OrderRef, VenueOp } from './sim-venue-errors';
import { checkOrder, checkRef } from './sim-venue-validate';
import type { Venue } from './venue';

/** How a {@link CcxtVenue} is built: its validated config plus the clock. */
export interface CcxtVenueOptions extends CcxtVenueConfigInput {
  /** Our deadline on every call, and the time of books the venue does not timestamp. */
  readonly clock: Clock;
}

/** Added to ccxt's own timeout for our deadline: ccxt's throttle queue is outside its timeout. */
const DEADLINE_SLACK_MS = 5_000;

/** The markets we trade, both ways. */
interface MarketIndex {
  readonly scales: ReadonlyMap<string, InstrumentScale>;
  /** Our symbol → ccxt's unified symbol. */
  readonly unified: ReadonlyMap<string, string>;
  readonly symbolOf: SymbolOf;
}

/**
 * A real exchange through ccxt, as a {@link Venue}: any ccxt exchange id, spot markets, REST only
 * (the book is polled with `fetchOrderBook`). Orders carry our `clientOrderId` (ccxt's unified
 * `clientOrderId` param), so a retry cannot create a second order; after a timeout or a 5xx on a
 * submit or cancel the error says `outcomeUnknown` — query by `clientOrderId`, never resend.
 *
 * Every answer is checked at the boundary (`ccxt-venue-parse.ts`): a missing field, a NaN or a
 * negative number, an unknown status is a {@link VenueDataError} naming the field. ccxt's errors
 * become the venue family (`ccxt-venue-error-map.ts`).
 *
 * The ccxt instance and the credentials live in private (`#`) fields and only the {@link Venue}
 * methods are exposed: no withdrawal, transfer, deposit or key method is reachable from here.
 *
 * @example
 * const venue = new CcxtVenue({ exchangeId: 'binance', apiKey, secret, clock: new RealClock() });
 * await venue.submit({ clientOrderId: 'p1-i42', symbol: 'BTCUSDT', side: 'buy', type: 'limit', qty: 0.01, price: 50_000 });
 * await venue.order({ clientOrderId: 'p1-i42' });
 */
export class CcxtVenue implements Venue {
  /** The ccxt exchange id, for logs. */
  readonly exchangeId: string;
  readonly #exchange: Exchange;
  readonly #metaOf: (error: unknown) => ResponseMeta | undefined;
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #wanted: ReadonlySet<string> | undefined;
  #markets: Promise<MarketIndex> | undefined;
  /** `c:<clientOrderId>` / `v:<venueOrderId>` → our symbol: venues that need one per query. */
  readonly #symbolOfOrder = new Map<string, string>();
  /** `<symbol> <venueOrderId>` → clientOrderId: trades do not carry it. */
  readonly #clientIdOf = new Map<string, string>();
  #bookSeq = 0;

  constructor(options: CcxtVenueOptions) {
    const { clock, ...input } = options;
    const config = parseCcxtVenueConfig(input);
    const client = createCcxtClient(config);
    this.exchangeId = config.exchangeId;
    this.#exchange = client.exchange;
    this.#metaOf = client.metaOf;
    this.#clock = clock;
    this.#timeoutMs = config.timeoutMs;
    this.#wanted = config.symbols === undefined ? undefined : new Set(config.symbols);
  }

  /** Places an order with our `clientOrderId`; resolves with it after immediate matching. */
  async submit(request: OrderRequest): Promise<VenueOrder> {
    const op = 'submit';
    const markets = await this.#index();
    const checked = checkOrder(request, markets.scales);
    if (!checked.ok) {
      throw new OrderRejectedError(op, checked.reason, checked.detail, stringOr(request?.clientOrderId));
    }
    const { clientOrderId, symbol, side, type, qty, price } = request;
    const unified = markets.unified.get(symbol) as string;
    // Before sending: a lost answer must still let `order({ clientOrderId })` find the symbol.
    this.#symbolOfOrder.set(`c:${clientOrderId}`, symbol);
    const raw = await this.#call({ op, clientOrderId, ref: { symbol, clientOrderId } }, (ex) =>
      ex.createOrder(unified, type, side, qty, type === 'limit' ? price : undefined, { clientOrderId }),
    );
    const order = this.#remember(toVenueOrder(op, raw, markets.symbolOf));
    if (order.clientOrderId !== clientOrderId) {
      throw new VenueDataError(op, 'order.clientOrderId', JSON.stringify(clientOrderId), order.clientOrderId);
    }
    return order;
  }

  /** Cancels an open order by venue or client id; resolves with the cancelled order. */
  async cancel(ref: OrderRef): Promise<VenueOrder> {
    const op = 'cancel';
    const checked = this.#checkRef(op, ref);
    const markets = await this.#index();
    const symbol = checked.symbol ?? this.#knownSymbol(checked) ?? (await this.order(checked)).symbol;
    const unified = this.#unified(op, markets, symbol);
    const raw = await this.#call({ op, ref: checked, clientOrderId: checked.clientOrderId }, (ex) =>
      ex.cancelOrder(checked.venueOrderId ?? '', unified, idParams(checked)),
    );
    return this.#remember(toVenueOrder(op, raw, markets.symbolOf));
  }

  /**
   * One order by venue or client id. Without a symbol it asks in the symbol the order was sent
   * in, else in each traded symbol in turn (venues such as Binance query per symbol).
   */
  async order(ref: OrderRef): Promise<VenueOrder> {
    const op = 'query';
    const checked = this.#checkRef(op, ref);
    const markets = await this.#index();
    const known = checked.symbol ?? this.#knownSymbol(checked);
    const candidates = known === undefined ? [...markets.unified.keys()] : [known];
    for (const symbol of candidates) {
      const unified = this.#unified(op, markets, symbol);
      try {
        const raw = await this.#call({ op, ref: checked }, (ex) =>
          ex.fetchOrder(checked.venueOrderId ?? '', unified, idParams(checked)),
        );
        return this.#remember(toVenueOrder(op, raw, markets.symbolOf));
      } catch (error) {
        if (!(error instanceof OrderNotFoundError)) throw error;
      }
    }
    throw new OrderNotFoundError(op, checked);
  }

  /** Open and partially filled orders, of one symbol or all traded ones. */
  async openOrders(symbol?: string): Promise<VenueOrder[]> {
    const op = 'openOrders';
    const markets = await this.#index();
    const unified = symbol === undefined ? undefined : this.#unified(op, markets, symbol);
    const raw = await this.#call({ op }, (ex) => ex.fetchOpenOrders(unified));
    return asArray(op, 'openOrders', raw)
      .filter((o) => symbol !== undefined || markets.symbolOf(String(recordOf(o)['symbol'])) !== undefined)
      .map((o) => this.#remember(toVenueOrder(op, o, markets.symbolOf)));
  }

  /** Our fills, oldest first, of one symbol or all traded ones (the venue's latest page of each). */
  async myTrades(symbol?: string): Promise<Fill[]> {
    const op = 'myTrades';
    const markets = await this.#index();
    const symbols = symbol === undefined ? [...markets.unified.keys()] : [symbol];
    const fills: Fill[] = [];
    for (const s of symbols) {
      const unified = this.#unified(op, markets, s);
      const raw = await this.#call({ op }, (ex) => ex.fetchMyTrades(unified));
      for (const trade of asArray(op, 'myTrades', raw)) {
        const clientOrderId = await this.#clientIdFor(s, tradeOrderId(op, trade));
        fills.push(toFill(op, trade, markets.symbolOf, clientOrderId));
      }
    }
    return fills.sort((a, b) => a.t - b.t);
  }

  /** Free and locked balance of every asset. */
  async balances(): Promise<Balances> {
    const raw = await this.#call({ op: 'balances' }, (ex) => ex.fetchBalance());
    return toBalances('balances', raw);
  }

  /** The book by REST (`fetchOrderBook`), `depth` levels a side. */
  async book(symbol: string, depth?: number): Promise<OrderBook> {
    const op = 'book';
    const unified = this.#unified(op, await this.#index(), symbol);
    const raw = await this.#call({ op }, (ex) => ex.fetchOrderBook(unified, depth));
    const book = toOrderBook(op, raw, symbol, { t: this.#clock.now(), seq: ++this.#bookSeq });
    return depth === undefined
      ? book
      : { ...book, bids: book.bids.slice(0, depth), asks: book.asks.slice(0, depth) };
  }

  /** Spot instruments traded here (those in `symbols` when configured). */
  async instruments(): Promise<Instrument[]> {
    return [...(await this.#index()).scales.values()].map((s) => s.instrument);
  }

  /** The venue's clock (`fetchTime`), or ours when the venue has no time endpoint. */
  async time(): Promise<number> {
    if (this.#exchange.has['fetchTime'] !== true) return this.#clock.now();
    return toTime('time', await this.#call({ op: 'time' }, (ex) => ex.fetchTime()));
  }

  /** Closes ccxt's connections. */
  async close(): Promise<void> {
    await this.#exchange.close();
  }

  /** Runs one ccxt call under our deadline and turns its failure into a venue error. */
  async #call<T>(
    ctx: Omit<FailureContext, 'timeoutMs' | 'meta'>,
    run: (ex: Exchange) => Promise<T>,
  ): Promise<T> {
    const clock = this.#clock;
    const deadline = this.#timeoutMs + DEADLINE_SLACK_MS;
    let timer: ReturnType<Clock['setTimeout']> | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = clock.setTimeout(() => reject(new VenueTimeoutError(ctx.op, deadline)), deadline);
    });
    try {
      return await Promise.race([run(this.#exchange), expired]);
    } catch (error) {
      const meta = this.#metaOf(error);
      throw toVenueError(error, {
        ...ctx,
        timeoutMs: this.#timeoutMs,
        ...(meta === undefined ? {} : { meta }),
      });
    } finally {
      clock.clearTimeout(timer);
    }
  }

  #index(): Promise<MarketIndex> {
    this.#markets ??= this.#load().catch((error: unknown) => {
      // A failed load is retried by the next call, not cached.
      this.#markets = undefined;
      throw error;
    });
    return this.#markets;
  }

  async #load(): Promise<MarketIndex> {
    const markets = await this.#call({ op: 'instruments' }, (ex) => ex.loadMarkets());
    const scales = new Map<string, InstrumentScale>();
    const unified = new Map<string, string>();
    const ours = new Map<string, string>();
    for (const market of Object.values(markets)) {
      if (market === undefined) continue;
      const instrument = toInstrument(market, this.#exchange.precisionMode ?? 0);
      if (instrument === undefined || scales.has(instrument.symbol)) continue;
      if (this.#wanted !== undefined && !this.#wanted.has(instrument.symbol)) continue;
      const scale = tryScale(instrument);
      // Increments finer than our 1e-8 atom cannot be traded exactly, so they are not traded.
      if (scale === undefined) continue;
      scales.set(instrument.symbol, scale);
      unified.set(instrument.symbol, market.symbol);
      ours.set(market.symbol, instrument.symbol);
    }
    const missing = [...(this.#wanted ?? [])].filter((s) => !scales.has(s));
    if (missing.length > 0) {
      throw new ConfigError(
        `${this.exchangeId} has no tradable spot market for ${missing.join(', ')}`,
        missing.map((s) => `symbols: ${s} is not traded on ${this.exchangeId}`),
      );
    }
    return { scales, unified, symbolOf: (s) => ours.get(s) };
  }

  #unified(op: VenueOp, markets: MarketIndex, symbol: string): string {
    const unified = markets.unified.get(symbol);
    if (unified === undefined) {
      throw new OrderRejectedError(
        op,
        'UNKNOWN_SYMBOL',
        `symbol: expected one of ${[...markets.unified.keys()].join(', ')}, got ${JSON.stringify(symbol)}`,
      );
    }
    return unified;
  }

  #checkRef(op: VenueOp, ref: OrderRef): OrderRef {
    const checked = checkRef(ref);
    if (!checked.ok) throw new OrderRejectedError(op, checked.reason, checked.detail);
    return checked.value;
  }

  #knownSymbol(ref: OrderRef): string | undefined {
    return (
      (ref.venueOrderId === undefined ? undefined : this.#symbolOfOrder.get(`v:${ref.venueOrderId}`)) ??
      (ref.clientOrderId === undefined ? undefined : this.#symbolOfOrder.get(`c:${ref.clientOrderId}`))
    );
  }

  #remember(order: VenueOrder): VenueOrder {
    this.#symbolOfOrder.set(`v:${order.venueOrderId}`, order.symbol);
    this.#symbolOfOrder.set(`c:${order.clientOrderId}`, order.symbol);
    this.#clientIdOf.set(`${order.symbol} ${order.venueOrderId}`, order.clientOrderId);
    return order;
  }

  async #clientIdFor(symbol: string, venueOrderId: string): Promise<string> {
    const known = this.#clientIdOf.get(`${symbol} ${venueOrderId}`);
    return known ?? (await this.order({ symbol, venueOrderId })).clientOrderId;
  }
}

/** ccxt's params naming an order by client id (Binance reads it as `origClientOrderId`). */
function idParams(ref: OrderRef): Record<string, string> {
  return ref.venueOrderId === undefined && ref.clientOrderId !== undefined
    ? { clientOrderId: ref.clientOrderId }
    : {};
}

function tryScale(instrument: Instrument): InstrumentScale | undefined {
  try {
    return scaleOf(instrument);
  } catch {
    return undefined;
  }
}

function asArray(op: VenueOp, field: string, raw: unknown): unknown[] {
  if (!Array.isArray(raw)) throw new VenueDataError(op, field, 'an array', typeof raw);
  return raw;
}

function recordOf(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
