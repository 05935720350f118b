import type { Instrument, OrderBook } from '../trading/types';

/** Called with every new book snapshot, one call per symbol per update. */
export type BookListener = (book: OrderBook) => void;

/**
 * Where a venue's outside liquidity comes from: the books of every other participant. The
 * {@link MarketSim} is one; {@link ManualMarket} (scripted books) is another, for specs and for a
 * shadow fill model fed with real books.
 */
export interface MarketSource {
  /** Instruments this source quotes. */
  instruments(): readonly Instrument[];
  /** Latest snapshot of `symbol`, or `undefined` before the first one or for an unknown symbol. */
  book(symbol: string): OrderBook | undefined;
  /** Registers a listener for new snapshots; returns the function that removes it. */
  subscribe(listener: BookListener): () => void;
}

/** Fans snapshots out to listeners; a listener that unsubscribes during a call is respected. */
export class BookListeners {
  private readonly listeners = new Set<BookListener>();

  /** Adds a listener; returns its remover. */
  add(listener: BookListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls every listener with `book`. */
  emit(book: OrderBook): void {
    for (const listener of [...this.listeners]) listener(book);
  }
}

/**
 * A {@link MarketSource} whose books are set by hand: each {@link ManualMarket.set} is one update.
 *
 * @example
 * const market = new ManualMarket([btc]);
 * market.set('BTCUSDT', { bids: [{ price: 99, qty: 1 }], asks: [{ price: 101, qty: 1 }] }, clock.now());
 */
export class ManualMarket implements MarketSource {
  private readonly books = new Map<string, OrderBook>();
  private readonly listeners = new BookListeners();
  private readonly bySymbol: ReadonlyMap<string, Instrument>;

  constructor(private readonly list: readonly Instrument[]) {
    this.bySymbol = new Map(list.map((i) => [i.symbol, i]));
  }

  instruments(): readonly Instrument[] {
    return this.list;
  }

  book(symbol: string): OrderBook | undefined {
    return this.books.get(symbol);
  }

  subscribe(listener: BookListener): () => void {
    return this.listeners.add(listener);
  }

  /** Publishes a new snapshot of `symbol` at time `t`; returns it. Levels must be best first. */
  set(symbol: string, levels: Pick<OrderBook, 'bids' | 'asks'>, t: number): OrderBook {
    if (!this.bySymbol.has(symbol)) throw new RangeError(`ManualMarket: unknown symbol ${symbol}`);
    const seq = (this.books.get(symbol)?.seq ?? 0) + 1;
    const book: OrderBook = { symbol, t, seq, bids: [...levels.bids], asks: [...levels.asks] };
    this.books.set(symbol, book);
    this.listeners.emit(book);
    return book;
  }
}
