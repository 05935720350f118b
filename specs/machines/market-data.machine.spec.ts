import test from 'ava';
import { createActor } from 'xstate';
import type { MarketDataCommand, MarketDataEvent, MarketDataInput } from '../../machines/market-data.machine';
import { checkBook, marketDataMachine, marketTopic } from '../../machines/market-data.machine';
import type { OrderBook } from '../../actors/trading/types';

const GOOD = (t: number, seq: number, bid = 99, ask = 101): OrderBook => ({
  symbol: 'BTCUSDT',
  t,
  seq,
  bids: [
    { price: bid, qty: 1 },
    { price: bid - 1, qty: 2 },
  ],
  asks: [
    { price: ask, qty: 1 },
    { price: ask + 1, qty: 2 },
  ],
});

/** One market-data machine driven as its host drives it: events with `t`, deadlines from context. */
function feed(input: Partial<MarketDataInput> = {}, snapshot?: unknown) {
  const options = { input: { venue: 'sim', symbol: 'BTCUSDT', staleAfterMs: 1_000, ...input } };
  const actor = createActor(
    marketDataMachine,
    snapshot === undefined ? options : { ...options, snapshot: snapshot as never },
  ).start();
  const commands: MarketDataCommand[] = [];
  actor.on('*', (command) => commands.push(command as MarketDataCommand));
  return {
    actor,
    commands,
    book(book: unknown, t: number) {
      actor.send({ type: 'book.updated', book: book as OrderBook, t });
    },
    send(event: MarketDataEvent) {
      actor.send(event);
    },
    get state() {
      return actor.getSnapshot().value as string;
    },
    get context() {
      return actor.getSnapshot().context;
    },
    /** Fires the armed staleness deadline at its time, as the kernel host does. */
    fireDeadline(): number {
      const at = actor.getSnapshot().context.deadlines['book.overdue'];
      if (at === undefined) throw new Error('no deadline armed');
      actor.send({ type: 'book.overdue', t: at });
      return at;
    },
    published() {
      return commands.flatMap((c) => (c.type === 'publish' ? [c.event.type] : []));
    },
    incidents() {
      return commands.flatMap((c) => (c.type === 'raiseIncident' ? [c.incident] : []));
    },
  };
}

test('market data waits with no deadline until the first book', (t) => {
  const m = feed();
  t.is(m.state, 'waiting');
  t.deepEqual(m.context.deadlines, {});
});

test('the first good book makes the data live, publishes book.live then the book, and arms staleness', (t) => {
  const m = feed();
  m.book(GOOD(100, 1), 105);
  t.is(m.state, 'live');
  t.deepEqual(m.commands, [
    {
      type: 'publish',
      topic: 'market.BTCUSDT',
      event: { type: 'book.live', venue: 'sim', symbol: 'BTCUSDT', t: 105 },
    },
    {
      type: 'publish',
      topic: 'market.BTCUSDT',
      event: { type: 'book.accepted', venue: 'sim', symbol: 'BTCUSDT', book: GOOD(100, 1), t: 105 },
    },
  ]);
  t.deepEqual(m.context.deadlines, { 'book.overdue': 1_105 });
  t.is(marketTopic('BTCUSDT'), 'market.BTCUSDT');
});

test('each good book is published and pushes the staleness deadline out', (t) => {
  const m = feed();
  m.book(GOOD(0, 1), 0);
  m.book(GOOD(500, 2), 500);
  t.deepEqual(m.published(), ['book.live', 'book.accepted', 'book.accepted']);
  t.deepEqual(m.context.deadlines, { 'book.overdue': 1_500 });
  t.is(m.context.accepted, 2);
});

test('no update for staleAfterMs makes the data stale and publishes book.stale', (t) => {
  const m = feed();
  m.book(GOOD(0, 1), 0);
  t.is(m.fireDeadline(), 1_000);
  t.is(m.state, 'stale');
  t.deepEqual(m.commands.at(-1), {
    type: 'publish',
    topic: 'market.BTCUSDT',
    event: { type: 'book.stale', venue: 'sim', symbol: 'BTCUSDT', lastReceivedAt: 0, t: 1_000 },
  });
  t.deepEqual(m.context.deadlines, {});
  t.is(m.context.staleSince, 1_000);
});

test('the next good book after staleness makes the data live again', (t) => {
  const m = feed();
  m.book(GOOD(0, 1), 0);
  m.fireDeadline();
  m.book(GOOD(2_000, 2), 2_000);
  t.is(m.state, 'live');
  t.deepEqual(m.published(), ['book.live', 'book.accepted', 'book.stale', 'book.live', 'book.accepted']);
  t.is(m.context.staleSince, null);
  t.deepEqual(m.context.deadlines, { 'book.overdue': 3_000 });
});

test('a staleness deadline that fires behind a newer book changes nothing', (t) => {
  const m = feed();
  m.book(GOOD(0, 1), 0);
  m.book(GOOD(900, 2), 900);
  m.send({ type: 'book.overdue', t: 1_000 });
  t.is(m.state, 'live');
});

test('a re-delivered book (same seq and t) is counted, not published, and does not revive stale data', (t) => {
  const m = feed();
  m.book(GOOD(0, 1), 0);
  m.book(GOOD(0, 1), 10);
  t.is(m.context.duplicates, 1);
  t.deepEqual(m.context.deadlines, { 'book.overdue': 1_000 });
  m.fireDeadline();
  m.book(GOOD(0, 1), 1_500);
  t.is(m.state, 'stale');
  t.deepEqual(m.published(), ['book.live', 'book.accepted', 'book.stale']);
});

test('a restarted source whose seq starts again is accepted once its time moves on', (t) => {
  const m = feed();
  m.book(GOOD(0, 900), 0);
  m.book(GOOD(10, 1), 10);
  t.is(m.context.accepted, 2);
  t.is(m.context.rejected, 0);
});

test('a one-sided book is accepted', (t) => {
  const m = feed();
  m.book({ ...GOOD(0, 1), asks: [] }, 0);
  t.is(m.state, 'live');
});

const BAD: readonly [string, (previous: OrderBook) => unknown, RegExp][] = [
  ['a crossed book', (p) => GOOD(p.t + 1, p.seq + 1, 102, 101), /crossed book: best bid 102 >= best ask 101/],
  ['a locked book', (p) => GOOD(p.t + 1, p.seq + 1, 101, 101), /crossed book/],
  [
    'a NaN price',
    (p) => ({ ...GOOD(p.t + 1, p.seq + 1), bids: [{ price: NaN, qty: 1 }] }),
    /bids\[0\]\.price must be > 0, got NaN/,
  ],
  [
    'a negative price',
    (p) => ({ ...GOOD(p.t + 1, p.seq + 1), asks: [{ price: -101, qty: 1 }] }),
    /asks\[0\]\.price/,
  ],
  [
    'a negative quantity',
    (p) => ({ ...GOOD(p.t + 1, p.seq + 1), asks: [{ price: 101, qty: -1 }] }),
    /asks\[0\]\.qty must be > 0/,
  ],
  [
    'a NaN quantity',
    (p) => ({ ...GOOD(p.t + 1, p.seq + 1), bids: [{ price: 99, qty: NaN }] }),
    /bids\[0\]\.qty/,
  ],
  [
    'a book with unsorted bids',
    (p) => ({
      ...GOOD(p.t + 1, p.seq + 1),
      bids: [
        { price: 98, qty: 1 },
        { price: 99, qty: 1 },
      ],
    }),
    /bids not sorted best first at \[1\]/,
  ],
  [
    'a book with unsorted asks',
    (p) => ({
      ...GOOD(p.t + 1, p.seq + 1),
      asks: [
        { price: 102, qty: 1 },
        { price: 101, qty: 1 },
      ],
    }),
    /asks not sorted/,
  ],
  [
    'another symbol',
    (p) => ({ ...GOOD(p.t + 1, p.seq + 1), symbol: 'ETHUSDT' }),
    /symbol "ETHUSDT" is not BTCUSDT/,
  ],
  ['time going backwards', (p) => GOOD(p.t - 1, p.seq + 1), /time went backwards/],
  ['seq going backwards at the same time', (p) => GOOD(p.t, p.seq - 1), /seq went backwards at t 100: 4 < 5/],
  [
    'a book with no asks array',
    (p) => ({ ...GOOD(p.t + 1, p.seq + 1), asks: undefined }),
    /asks must be an array/,
  ],
  ['no book at all', () => null, /not a book/],
];

for (const [name, make, detail] of BAD) {
  test(`${name} is rejected with an incident, and the last good book stays`, (t) => {
    const m = feed();
    const good = GOOD(100, 5);
    m.book(good, 100);
    m.book(make(good), 200);
    t.is(m.state, 'live');
    t.is(m.context.book, good);
    t.is(m.context.rejected, 1);
    t.is(m.context.accepted, 1);
    t.deepEqual(m.context.deadlines, { 'book.overdue': 1_100 }, 'a bad book does not keep the data live');
    t.deepEqual(m.published(), ['book.live', 'book.accepted']);
    const [incident, ...more] = m.incidents();
    t.deepEqual(more, []);
    t.like(incident, { kind: 'BAD_MARKET_DATA', venue: 'sim', symbol: 'BTCUSDT', rejected: 1, t: 200 });
    t.regex(incident?.detail ?? '', detail);
  });
}

test('a bad first book leaves the data waiting', (t) => {
  const m = feed();
  m.book(GOOD(0, 1, 102, 101), 0);
  t.is(m.state, 'waiting');
  t.is(m.context.book, null);
  t.is(m.incidents().length, 1);
});

test('a bad book while stale leaves the data stale', (t) => {
  const m = feed();
  m.book(GOOD(0, 1), 0);
  m.fireDeadline();
  m.book(GOOD(1_500, 2, 102, 101), 1_500);
  t.is(m.state, 'stale');
});

test('incidents are rate-limited and the next one carries the count of those not reported', (t) => {
  const m = feed({ incidentEveryMs: 1_000 });
  m.book(GOOD(0, 1), 0);
  for (const at of [100, 200, 300]) m.book(GOOD(at, 1 + at, 102, 101), at);
  t.is(m.incidents().length, 1);
  t.is(m.context.rejected, 3);
  m.book(GOOD(1_100, 2_000, 102, 101), 1_100);
  t.deepEqual(
    m.incidents().map((i) => i.rejected),
    [1, 3],
  );
});

test('with incidentEveryMs 0 every bad book raises an incident', (t) => {
  const m = feed({ incidentEveryMs: 0 });
  m.book(GOOD(0, 1), 0);
  m.book(GOOD(1, 2, 102, 101), 1);
  m.book(GOOD(1, 2, 102, 101), 1);
  t.is(m.incidents().length, 2);
});

test('a restored machine keeps its staleness deadline and goes stale when it passes', (t) => {
  const first = feed();
  first.book(GOOD(0, 1), 0);
  const persisted = JSON.parse(JSON.stringify(first.actor.getPersistedSnapshot())) as unknown;
  first.actor.stop();
  const restored = feed({}, persisted);
  t.is(restored.state, 'live');
  t.deepEqual(restored.context.deadlines, { 'book.overdue': 1_000 });
  restored.fireDeadline();
  t.is(restored.state, 'stale');
  t.deepEqual(restored.published(), ['book.stale']);
});

test('checkBook accepts a good book and names the first problem of a bad one', (t) => {
  t.is(checkBook(GOOD(0, 1), 'BTCUSDT', null), null);
  t.is(checkBook({ ...GOOD(0, 1), t: Infinity }, 'BTCUSDT', null), 't must be a finite number, got Infinity');
  t.is(checkBook({ ...GOOD(0, 1), seq: '3' }, 'BTCUSDT', null), 'seq must be a finite number, got "3"');
});
