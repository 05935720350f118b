import { assign, emit, enqueueActions, setup } from 'xstate';
import type { BookLevel, OrderBook } from '../actors/trading/types';

/** Topic a market-data machine publishes on: `market.<symbol>`. */
export function marketTopic(symbol: string): string {
  return `market.${symbol}`;
}

/** Input of a market-data machine: one venue and symbol. */
export interface MarketDataInput {
  readonly venue: string;
  readonly symbol: string;
  /** A live book with no valid update for this long (clock time) is stale. */
  readonly staleAfterMs: number;
  /**
   * At most one incident per this many ms; rejections in between are counted and reported with
   * the next incident. 0 = an incident for every bad book. Default 60 000.
   */
  readonly incidentEveryMs?: number;
}

/** Deadlines the host re-arms (`{ [eventType]: clockTime }`, see `actors/kernel/component.ts`). */
export type MarketDataDeadlines = Partial<Record<'book.overdue', number>>;

/** Context: the last good book and the counts an operator asks about. */
export interface MarketDataContext {
  venue: string;
  symbol: string;
  staleAfterMs: number;
  incidentEveryMs: number;
  /** The last book that passed every check; a bad book never replaces it. */
  book: OrderBook | null;
  /** Clock time the last good book arrived; staleness counts from here. */
  receivedAt: number | null;
  /** Clock time the book went stale; null unless stale. */
  staleSince: number | null;
  accepted: number;
  rejected: number;
  /** Re-deliveries of the last book (same `seq` and `t`): ignored, not an error. */
  duplicates: number;
  lastRejection: string | null;
  lastIncidentAt: number | null;
  /** Rejections not yet reported in an incident. */
  unreported: number;
  deadlines: MarketDataDeadlines;
}

/** Events: a book from the venue adapter, and the staleness deadline. `t` is the clock time. */
export type MarketDataEvent =
  { type: 'book.updated'; book: OrderBook; t: number } | { type: 'book.overdue'; t: number };

/** Published on {@link marketTopic} for every good book. */
export interface BookAccepted {
  readonly type: 'book.accepted';
  readonly venue: string;
  readonly symbol: string;
  readonly book: OrderBook;
  readonly t: number;
}

/** Published when the book becomes usable (first book, or the first after staleness). */
export interface BookLive {
  readonly type: 'book.live';
  readonly venue: string;
  readonly symbol: string;
  readonly t: number;
}

/** Published when the book goes stale: strategies stop quoting on it. */
export interface BookStale {
  readonly type: 'book.stale';
  readonly venue: string;
  readonly symbol: string;
  /** Clock time of the last good book. */
  readonly lastReceivedAt: number | null;
  readonly t: number;
}

/** An incident the machine asks its host to record. */
export interface MarketDataIncident {
  readonly kind: 'BAD_MARKET_DATA';
  readonly venue: string;
  readonly symbol: string;
  /** The first problem found in the book that triggered the incident. */
  readonly detail: string;
  /** Bad books rejected since the previous incident, this one included. */
  readonly rejected: number;
  readonly t: number;
}

/** What the machine emits; the host does the I/O. */
export type MarketDataCommand =
  | { type: 'publish'; topic: string; event: BookAccepted | BookLive | BookStale }
  | { type: 'raiseIncident'; incident: MarketDataIncident };

/**
 * The first problem with `book` at the boundary, or null if it is good: a value that is not a book,
 * another symbol, a non-finite `t`/`seq`, a NaN or non-positive price or quantity, levels not best
 * first (strictly), a crossed or locked book (best bid ≥ best ask), `t` going backwards from the
 * last good book, or `seq` going backwards at the same `t`. A side may be empty (an illiquid book
 * is still a true book).
 */
export function checkBook(book: unknown, symbol: string, previous: OrderBook | null): string | null {
  if (typeof book !== 'object' || book === null) return 'not a book';
  const b = book as Partial<Record<keyof OrderBook, unknown>>;
  if (b.symbol !== symbol) return `symbol ${JSON.stringify(b.symbol)} is not ${symbol}`;
  if (!isFiniteNumber(b.t)) return `t must be a finite number, got ${show(b.t)}`;
  if (!isFiniteNumber(b.seq)) return `seq must be a finite number, got ${show(b.seq)}`;
  const bids = checkSide(b.bids, 'bids', (a, c) => a > c);
  if (typeof bids === 'string') return bids;
  const asks = checkSide(b.asks, 'asks', (a, c) => a < c);
  if (typeof asks === 'string') return asks;
  const bid = bids[0];
  const ask = asks[0];
  if (bid !== undefined && ask !== undefined && bid.price >= ask.price) {
    return `crossed book: best bid ${bid.price} >= best ask ${ask.price}`;
  }
  if (previous !== null && b.t < previous.t) return `time went backwards: t ${b.t} < ${previous.t}`;
  // Time orders books and seq only breaks ties: a restarted source counts seq from 1 again, and
  // refusing it would leave the data stale until someone intervened.
  if (previous !== null && b.t === previous.t && b.seq < previous.seq) {
    return `seq went backwards at t ${b.t}: ${b.seq} < ${previous.seq}`;
  }
  return null;
}

function checkSide(
  levels: unknown,
  side: 'bids' | 'asks',
  inOrder: (previous: number, next: number) => boolean,
): readonly BookLevel[] | string {
  if (!Array.isArray(levels)) return `${side} must be an array`;
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i] as Partial<BookLevel> | null;
    const price: unknown = level?.price;
    const qty: unknown = level?.qty;
    if (!isFiniteNumber(price) || price <= 0) return `${side}[${i}].price must be > 0, got ${show(price)}`;
    if (!isFiniteNumber(qty) || qty <= 0) return `${side}[${i}].qty must be > 0, got ${show(qty)}`;
    const before = i > 0 ? (levels[i - 1] as BookLevel).price : undefined;
    if (before !== undefined && !inOrder(before, price)) {
      return `${side} not sorted best first at [${i}]: ${price} after ${before}`;
    }
  }
  return levels as readonly BookLevel[];
}

function show(value: unknown): string {
  return typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function isDuplicate(context: MarketDataContext, book: OrderBook): boolean {
  const last = context.book;
  return last !== null && book.seq === last.seq && book.t === last.t;
}

const NO_DEADLINES: MarketDataDeadlines = Object.freeze({});

/**
 * Market data of one venue and symbol: `waiting` (no good book yet), `live`, `stale` (no good book
 * for `staleAfterMs`, on a deadline kept in context so a restart keeps it), back to `live` on the
 * next good book. Bad books are rejected at the boundary (see {@link checkBook}): counted, reported
 * as `raiseIncident` (at most one per `incidentEveryMs`), and the last good book is kept. Every
 * good book is published as `book.accepted`, each change of usability as `book.live`/`book.stale`,
 * on {@link marketTopic}. A host maps `stale` to the component's `degraded`.
 */
export const marketDataMachine = setup({
  types: {} as {
    context: MarketDataContext;
    events: MarketDataEvent;
    input: MarketDataInput;
    emitted: MarketDataCommand;
  },
  guards: {
    isBad: ({ context, event }) =>
      event.type === 'book.updated' && checkBook(event.book, context.symbol, context.book) !== null,
    isDuplicate: ({ context, event }) => event.type === 'book.updated' && isDuplicate(context, event.book),
    // A deadline from before the last good book can still be in the mailbox behind that book.
    isOverdue: ({ context, event }) =>
      context.receivedAt !== null && event.t >= context.receivedAt + context.staleAfterMs,
  },
  actions: {
    accept: assign(({ context, event }) =>
      event.type === 'book.updated'
        ? {
            book: event.book,
            receivedAt: event.t,
            staleSince: null,
            accepted: context.accepted + 1,
            deadlines: { 'book.overdue': event.t + context.staleAfterMs },
          }
        : {},
    ),
    countDuplicate: assign({ duplicates: ({ context }) => context.duplicates + 1 }),
    // Incidents are rate-limited: a venue spewing bad books must not flood the journal and the
    // operators' alerts; the count of what was not reported travels with the next incident.
    reject: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'book.updated') return;
      const detail = checkBook(event.book, context.symbol, context.book) ?? 'rejected';
      const rejected = context.rejected + 1;
      const unreported = context.unreported + 1;
      const due =
        context.lastIncidentAt === null || event.t - context.lastIncidentAt >= context.incidentEveryMs;
      if (!due) {
        enqueue.assign({ rejected, lastRejection: detail, unreported });
        return;
      }
      enqueue.assign({ rejected, lastRejection: detail, unreported: 0, lastIncidentAt: event.t });
      enqueue.emit({
        type: 'raiseIncident',
        incident: {
          kind: 'BAD_MARKET_DATA',
          venue: context.venue,
          symbol: context.symbol,
          detail,
          rejected: unreported,
          t: event.t,
        },
      });
    }),
    markStale: assign(({ event }) => ({ staleSince: event.t, deadlines: NO_DEADLINES })),
    publishBook: emit(({ context, event }) => ({
      type: 'publish' as const,
      topic: marketTopic(context.symbol),
      event: {
        type: 'book.accepted' as const,
        venue: context.venue,
        symbol: context.symbol,
        book: context.book as OrderBook,
        t: event.t,
      },
    })),
    announceLive: emit(({ context, event }) => ({
      type: 'publish' as const,
      topic: marketTopic(context.symbol),
      event: { type: 'book.live' as const, venue: context.venue, symbol: context.symbol, t: event.t },
    })),
    announceStale: emit(({ context, event }) => ({
      type: 'publish' as const,
      topic: marketTopic(context.symbol),
      event: {
        type: 'book.stale' as const,
        venue: context.venue,
        symbol: context.symbol,
        lastReceivedAt: context.receivedAt,
        t: event.t,
      },
    })),
  },
}).createMachine({
  id: 'market-data',
  initial: 'waiting',
  context: ({ input }) => ({
    venue: input.venue,
    symbol: input.symbol,
    staleAfterMs: input.staleAfterMs,
    incidentEveryMs: input.incidentEveryMs ?? 60_000,
    book: null,
    receivedAt: null,
    staleSince: null,
    accepted: 0,
    rejected: 0,
    duplicates: 0,
    lastRejection: null,
    lastIncidentAt: null,
    unreported: 0,
    deadlines: NO_DEADLINES,
  }),
  states: {
    waiting: {
      on: {
        'book.updated': [
          { guard: 'isBad', actions: 'reject' },
          { target: 'live', actions: ['accept', 'announceLive', 'publishBook'] },
        ],
      },
    },
    live: {
      on: {
        'book.updated': [
          { guard: 'isBad', actions: 'reject' },
          { guard: 'isDuplicate', actions: 'countDuplicate' },
          { actions: ['accept', 'publishBook'] },
        ],
        'book.overdue': { guard: 'isOverdue', target: 'stale', actions: ['markStale', 'announceStale'] },
      },
    },
    stale: {
      on: {
        'book.updated': [
          { guard: 'isBad', actions: 'reject' },
          { guard: 'isDuplicate', actions: 'countDuplicate' },
          { target: 'live', actions: ['accept', 'announceLive', 'publishBook'] },
        ],
      },
    },
  },
});
