import type {
  Balances,
  BookLevel,
  Fill,
  Instrument,
  OrderBook,
  OrderRequest,
  Side,
  VenueOrder,
} from '../trading/types';
import { fromLots, fromTicks } from '../trading/units';
import { MatchingBook } from './matching-book';
import type { MarketSource } from './market-source';
import { SimAccount, fromAtoms, rateUnits, scaleOf, toAtoms } from './sim-venue-balances';
import type { InstrumentScale } from './sim-venue-balances';
import type { SimVenueConfig } from './sim-venue.config';
import { OrderNotFoundError, OrderRejectedError } from './sim-venue-errors';
import type { OrderRef, OrderRejectReason, VenueOp } from './sim-venue-errors';
import { OutsideLiquidity, mergeLevels, pieceLots } from './sim-venue-liquidity';
import { reserveFunds, settleFill } from './sim-venue-settlement';
import { SimVenueHistory } from './sim-venue-history';
import { isOpen, viewOrder } from './sim-venue-orders';
import type {
  HistoryCounts,
  LedgerOrder,
  LedgerRejection,
  OrderRecord,
  VenueLedger,
} from './sim-venue-orders';
import { checkOrder, checkRef } from './sim-venue-validate';

/** How a {@link SimVenueEngine} is built. */
export interface SimVenueEngineOptions {
  /** Other participants' books: the outside liquidity. */
  readonly market: MarketSource;
  readonly config: SimVenueConfig;
  /** The venue's time (the injected clock's `now`, shifted by any clock skew in force). */
  readonly now: () => number;
  /**
   * Into how many pieces, at least, fills of an order are split now (a partial-fill storm); 1, or
   * left out, fills whole.
   */
  readonly fillPieces?: (symbol: string, clientOrderId: string) => number;
}

interface SymbolState {
  readonly scale: InstrumentScale;
  readonly outside: OutsideLiquidity;
  readonly own: MatchingBook<OrderRecord>;
  /** Increases with every change of the book as shown (outside snapshot or own orders). */
  seq: number;
}

const opposite = (side: Side): Side => (side === 'buy' ? 'sell' : 'buy');

/** Most trades one `trades` answer holds (the newest). */
export const TRADE_HISTORY = 1_000;

/**
 * The matching engine and account of one simulated venue, synchronous and exact: no latency and no
 * faults (the {@link SimVenue} adds those), so a shadow fill model can use it directly.
 *
 * Liquidity: the market source's book is everyone else's; our own resting orders sit in a
 * per-symbol {@link MatchingBook} with price-time priority. An incoming order takes from the outside
 * book as taker (level by level, up to its limit); a limit order's rest then rests. Each new
 * snapshot fills resting orders the market has moved through, as maker at their own price, best
 * price and oldest first, up to the outside quantity that crosses them. An incoming order that
 * would meet one of our own resting orders expires that resting order instead (Binance's default
 * self-trade prevention, `EXPIRE_MAKER`).
 *
 * Balances: a limit order locks its cost (quote for a buy at its limit, base for a sell); a fill
 * pays from the lock, credits what was bought net of the fee (fees are charged in the asset
 * received, as on Binance spot without BNB); cancel unlocks the rest. All in integer atoms.
 *
 * Idempotency: a submit whose `clientOrderId` belongs to an order that is still open is refused as
 * `DUPLICATE_CLIENT_ORDER_ID`. Once that order is filled or cancelled, Binance accepts a new order
 * with the same `clientOrderId`, and so does this venue: a blind resend after an unknown outcome can
 * create a second order. Queries by `clientOrderId` answer with the newest order of that id.
 *
 * History: every open order is kept, and of the rest the newest up to the config's `history` caps
 * ({@link SimVenueHistory}); an older order is unknown to queries and cancels, as an archived one.
 */
export class SimVenueEngine {
  private readonly symbols = new Map<string, SymbolState>();
  private readonly scales = new Map<string, InstrumentScale>();
  private readonly account: SimAccount;
  private readonly history: SimVenueHistory;
  private readonly fees: { readonly maker: bigint; readonly taker: bigint };
  private readonly unsubscribe: () => void;
  private nextOrderId = 1;
  private nextFillId = 1;

  constructor(private readonly options: SimVenueEngineOptions) {
    const assets = new Set<string>();
    for (const instrument of options.market.instruments()) {
      const scale = scaleOf(instrument);
      this.scales.set(instrument.symbol, scale);
      const state: SymbolState = {
        scale,
        outside: new OutsideLiquidity(scale),
        own: new MatchingBook<OrderRecord>(),
        seq: 0,
      };
      this.symbols.set(instrument.symbol, state);
      const book = options.market.book(instrument.symbol);
      if (book !== undefined) state.outside.load(book);
      assets.add(instrument.base).add(instrument.quote);
    }
    this.account = new SimAccount(options.config.balances, assets);
    this.history = new SimVenueHistory(options.config.history);
    this.fees = { maker: rateUnits(options.config.fees.maker), taker: rateUnits(options.config.fees.taker) };
    this.unsubscribe = options.market.subscribe((book) => this.onBook(book));
  }

  /** Instruments traded here. */
  instruments(): Instrument[] {
    return [...this.scales.values()].map((s) => s.instrument);
  }

  /**
   * Places an order: validates it, locks its funds, matches it against the outside book and rests
   * what remains of a limit order. Returns the order as it stands; throws {@link OrderRejectedError}
   * (and changes nothing but the ledger's rejection list) when refused.
   */
  submit(request: OrderRequest): VenueOrder {
    const checked = checkOrder(request, this.scales);
    if (!checked.ok) this.refuse(request, checked.reason, checked.detail);
    const o = checked.value;
    const { instrument } = o.scale;
    const state = this.state(instrument.symbol);
    const prior = this.history.byClient(o.clientOrderId);
    if (prior !== undefined && isOpen(prior))
      this.refuse(request, 'DUPLICATE_CLIENT_ORDER_ID', `clientOrderId: ${o.clientOrderId} is still open`);
    const reserved = reserveFunds(this.account, o, state.outside);
    if (!reserved.ok) this.refuse(request, reserved.reason, reserved.detail);
    const lockAtoms = reserved.value;
    const now = this.options.now();
    const record: OrderRecord = {
      id: `${this.options.config.idPrefix}${this.nextOrderId++}`,
      clientOrderId: o.clientOrderId,
      scale: o.scale,
      side: o.side,
      type: o.type,
      priceTicks: o.priceTicks ?? 0,
      lots: o.lots,
      remainingLots: o.lots,
      filledLots: 0,
      sumTickLots: 0n,
      lockedAtoms: lockAtoms,
      status: 'open',
      createdAt: now,
      updatedAt: now,
    };
    this.history.addOrder(record);
    this.takeLiquidity(record, state);
    if (record.remainingLots > 0) {
      if (record.type === 'limit') state.own.add(record);
      else this.end(record, state, 'market-exhausted');
    }
    state.seq++;
    return viewOrder(record);
  }

  /** Cancels an open order and unlocks what it held; throws when unknown or no longer open. */
  cancel(ref: OrderRef): VenueOrder {
    const record = this.resolve('cancel', ref);
    if (record === undefined) throw new OrderNotFoundError('cancel', ref);
    if (!isOpen(record))
      throw new OrderRejectedError(
        'cancel',
        'ORDER_NOT_OPEN',
        `order is ${record.status}`,
        record.clientOrderId,
      );
    this.end(record, this.state(record.scale.instrument.symbol), 'client');
    return viewOrder(record);
  }

  /** The order `ref` names, or `undefined`; throws {@link OrderRejectedError} for a malformed ref. */
  find(ref: OrderRef, op: VenueOp = 'query'): VenueOrder | undefined {
    const record = this.resolve(op, ref);
    return record === undefined ? undefined : viewOrder(record);
  }

  /** The order `ref` names; throws {@link OrderNotFoundError} when there is none. */
  order(ref: OrderRef): VenueOrder {
    const found = this.find(ref);
    if (found === undefined) throw new OrderNotFoundError('query', ref);
    return found;
  }

  /** Open and partially filled orders, oldest first, of one symbol or all. */
  openOrders(symbol?: string): VenueOrder[] {
    if (symbol !== undefined) this.known('openOrders', symbol);
    // An order is open exactly while it rests in its symbol's book: reading the books keeps this
    // answer's cost to the open orders, not to every order the venue ever took.
    const open: OrderRecord[] = [];
    for (const [name, state] of this.symbols)
      if (symbol === undefined || name === symbol) open.push(...state.own.all());
    return open.sort((a, b) => Number(a.id) - Number(b.id)).map(viewOrder);
  }

  /** Our fills, oldest first, of one symbol or all. */
  trades(symbol?: string): Fill[] {
    if (symbol !== undefined) this.known('myTrades', symbol);
    // The most recent only, oldest first, as a real venue pages its trade history (Binance: 500).
    return this.history.recentFills(TRADE_HISTORY, (f) => symbol === undefined || f.symbol === symbol);
  }

  /**
   * Credits free funds from outside trading (a deposit or a venue's correction): an event the
   * account's owner did not cause, which reconciliation must notice. A simulation and test hook;
   * there is no way to take funds out.
   */
  externalCredit(asset: string, amount: number): void {
    if (!Number.isFinite(amount) || amount <= 0)
      throw new RangeError(`externalCredit: amount must be positive, got ${amount}`);
    this.account.credit(asset, toAtoms(amount));
  }

  /** Free and locked balance of every asset. */
  balances(): Balances {
    return this.account.snapshot();
  }

  /**
   * The book as the venue shows it: outside liquidity still available plus our own resting orders,
   * aggregated by price, best first, at most `depth` levels a side.
   */
  book(symbol: string, depth = Number.POSITIVE_INFINITY): OrderBook {
    const state = this.known('book', symbol);
    const { instrument } = state.scale;
    const side = (s: Side): BookLevel[] =>
      mergeLevels(state.outside.shown(s), state.own.levels(s), s)
        .slice(0, depth)
        .map((l) => ({ price: fromTicks(instrument, l.priceTicks), qty: fromLots(instrument, l.lots) }));
    return {
      symbol,
      t: Math.max(state.outside.t, 0),
      seq: state.seq,
      bids: side('buy'),
      asks: side('sell'),
    };
  }

  /**
   * The orders, fills and refused submits this venue keeps: every open order and the newest of the
   * rest, up to the config's `history` caps ({@link historyCounts} counts all ever taken).
   */
  ledger(): VenueLedger {
    return this.history.ledger();
  }

  /** The client order id of every order the venue keeps (see {@link ledger}), without building views. */
  keptClientOrderIds(): string[] {
    return this.history.clientOrderIds();
  }

  /** How many orders, fills and refusals the venue keeps now (within its caps) and has ever taken. */
  historyCounts(): HistoryCounts {
    return this.history.counts();
  }

  /**
   * Records a refused submit in the ledger and throws it as {@link OrderRejectedError}; the
   * {@link SimVenue} also calls it for a `reject` fault, so the ledger sees every refusal.
   */
  refuse(request: OrderRequest, reason: OrderRejectReason, detail: string): never {
    const r = (request ?? {}) as Partial<Record<keyof OrderRequest, unknown>>;
    const clientOrderId = typeof r.clientOrderId === 'string' ? r.clientOrderId : undefined;
    this.history.addRejection({
      t: this.options.now(),
      clientOrderId,
      symbol: typeof r.symbol === 'string' ? r.symbol : undefined,
      reason,
      detail,
    });
    throw new OrderRejectedError('submit', reason, detail, clientOrderId);
  }

  /** Stops following the market source. */
  close(): void {
    this.unsubscribe();
  }

  private onBook(book: OrderBook): void {
    const state = this.symbols.get(book.symbol);
    if (state === undefined || !state.outside.load(book)) return;
    state.seq++;
    for (const side of ['buy', 'sell'] as const) {
      for (const record of state.own.inPriority(side)) {
        const crosses = (p: number): boolean =>
          side === 'buy' ? p <= record.priceTicks : p >= record.priceTicks;
        // A storm lets a resting order take one piece per book update.
        let budget = this.pieceLots(record);
        for (const level of state.outside.against(side)) {
          if (!crosses(level.priceTicks) || record.remainingLots === 0 || budget === 0) break;
          const lots = Math.min(record.remainingLots, level.lots, budget);
          budget -= lots;
          state.outside.take(side, level.priceTicks, lots);
          this.fill(record, record.priceTicks, lots, 'maker');
        }
        if (record.remainingLots === 0) state.own.remove(record.id);
      }
    }
  }

  /** Incoming `record` takes outside liquidity up to its limit, expiring our own makers it meets. */
  private takeLiquidity(record: OrderRecord, state: SymbolState): void {
    const side = record.side;
    const better = (a: number, b: number): boolean => (side === 'buy' ? a <= b : a >= b);
    const crosses = (p: number): boolean => record.type === 'market' || better(p, record.priceTicks);
    while (record.remainingLots > 0) {
      const outside = state.outside.against(side)[0];
      const own = state.own.best(opposite(side));
      if (own !== undefined && crosses(own) && (outside === undefined || better(own, outside.priceTicks))) {
        for (const maker of state.own.at(opposite(side), own))
          this.end(maker, state, 'self-trade-prevention');
        continue;
      }
      if (outside === undefined || !crosses(outside.priceTicks)) return;
      // A storm splits the taker's sweep into pieces, each its own fill with its own fee.
      const lots = Math.min(record.remainingLots, outside.lots, this.pieceLots(record));
      state.outside.take(side, outside.priceTicks, lots);
      this.fill(record, outside.priceTicks, lots, 'taker');
    }
  }

  /** The most lots one fill of `record` may take now. */
  private pieceLots(record: OrderRecord): number {
    const pieces = this.options.fillPieces?.(record.scale.instrument.symbol, record.clientOrderId) ?? 1;
    return pieceLots(record.lots, pieces);
  }

  private fill(record: OrderRecord, priceTicks: number, lots: number, liquidity: 'maker' | 'taker'): void {
    const { instrument } = record.scale;
    const { fee, feeAsset } = settleFill(this.account, record, priceTicks, lots, this.fees[liquidity]);
    const now = this.options.now();
    record.remainingLots -= lots;
    record.filledLots += lots;
    record.sumTickLots += BigInt(priceTicks) * BigInt(lots);
    record.status = record.remainingLots === 0 ? 'filled' : 'partially_filled';
    record.updatedAt = now;
    this.history.addFill({
      fillId: `${this.options.config.idPrefix}${this.nextFillId++}`,
      venueOrderId: record.id,
      clientOrderId: record.clientOrderId,
      symbol: instrument.symbol,
      side: record.side,
      price: fromTicks(instrument, priceTicks),
      qty: fromLots(instrument, lots),
      fee: fromAtoms(fee),
      feeAsset,
      liquidity,
      t: now,
    });
    if (record.status === 'filled') this.history.orderEnded(record);
  }

  /** Ends an open order as cancelled: out of the book, its lock released. */
  private end(record: OrderRecord, state: SymbolState, by: NonNullable<OrderRecord['endedBy']>): void {
    state.own.remove(record.id);
    const { instrument } = record.scale;
    if (record.lockedAtoms > 0n)
      this.account.unlock(record.side === 'buy' ? instrument.quote : instrument.base, record.lockedAtoms);
    record.lockedAtoms = 0n;
    record.status = 'cancelled';
    record.endedBy = by;
    record.updatedAt = this.options.now();
    state.seq++;
    this.history.orderEnded(record);
  }

  private resolve(op: VenueOp, ref: OrderRef): OrderRecord | undefined {
    const checked = checkRef(ref);
    if (!checked.ok) throw new OrderRejectedError(op, checked.reason, checked.detail);
    const record =
      ref.venueOrderId !== undefined
        ? this.history.byId(ref.venueOrderId)
        : this.history.byClient(ref.clientOrderId as string);
    if (record === undefined) return undefined;
    if (ref.clientOrderId !== undefined && record.clientOrderId !== ref.clientOrderId) return undefined;
    if (ref.symbol !== undefined && record.scale.instrument.symbol !== ref.symbol) return undefined;
    return record;
  }

  private known(op: VenueOp, symbol: string): SymbolState {
    const state = this.symbols.get(symbol);
    if (state === undefined)
      throw new OrderRejectedError(
        op,
        'UNKNOWN_SYMBOL',
        `symbol: expected one of ${[...this.symbols.keys()].join(', ')}, got ${JSON.stringify(symbol)}`,
      );
    return state;
  }

  private state(symbol: string): SymbolState {
    return this.symbols.get(symbol) as SymbolState;
  }
}

export type { HistoryCounts, LedgerOrder, LedgerRejection, VenueLedger };
