import test from 'ava';
import { Rng } from '../../../actors/kernel/rng';
import { marketMaker } from '../../../actors/trading/strategies/market-maker';
import { parseMarketMakerConfig } from '../../../actors/trading/strategies/market-maker.config';
import type { Strategy } from '../../../actors/trading/strategies/strategy';
import { initialSlot, intentIds, stepStrategy } from '../../../actors/trading/strategies/strategy';
import { trendFollower } from '../../../actors/trading/strategies/trend-follower';
import { parseTrendFollowerConfig } from '../../../actors/trading/strategies/trend-follower.config';
import type { OrderBook } from '../../../actors/trading/types';
import { INSTRUMENT, book, runHost } from './fixtures';

/** A seeded random walk of books, 100 ms apart, spread 0.2–0.6. */
function walk(seed: number, count: number): OrderBook[] {
  const rng = new Rng(seed);
  const books: OrderBook[] = [];
  let mid = 1_000;
  for (let i = 0; i < count; i++) {
    mid = Math.max(10, Math.round((mid + rng.normal() * 0.8) * 10) / 10);
    const half = rng.int(1, 3) / 10;
    books.push(book(Number((mid - half).toFixed(1)), Number((mid + half).toFixed(1)), i * 100, i + 1));
  }
  return books;
}

const mm = () =>
  marketMaker(parseMarketMakerConfig({ halfSpreadBps: 2, quoteSize: 0.05, maxInventory: 0.2, skewBps: 1 }));
const tf = () => trendFollower(parseTrendFollowerConfig({ fastPeriod: 5, slowPeriod: 20, size: 0.1 }));

test('intent ids continue a counter, so two books in the same millisecond never share an id', (t) => {
  const first = intentIds('mm', 5_000, 0);
  t.deepEqual([first.next(), first.next(), first.seq], ['mm-5000-0', 'mm-5000-1', 2]);
  const second = intentIds('mm', 5_000, first.seq);
  t.is(second.next(), 'mm-5000-2');
});

test('stepStrategy hands the strategy ids from the slot and stores the advanced counter', (t) => {
  const strategy = mm();
  const step = stepStrategy(strategy, { ...initialSlot(strategy), intentSeq: 41 }, book(999.9, 1_000.1, 7), {
    engine: 'e1',
    strategy: 'mm-btc',
    instrument: INSTRUMENT,
    t: 7,
    position: 0,
    openOrders: [],
    stale: false,
  });
  t.deepEqual(
    step.intents.map((i) => i.intentId),
    ['mm-btc-7-41', 'mm-btc-7-42'],
  );
  t.is(step.slot.intentSeq, 43);
  t.is(step.slot.state, step.state);
});

function determinismSpecs<TState>(name: string, make: () => Strategy<TState>): void {
  test(`the ${name} gives identical intents, ids included, for the same sequence of books`, (t) => {
    const books = walk(7, 400);
    const a = runHost(make(), books);
    const b = runHost(make(), books);
    t.deepEqual(a.steps, b.steps);
    t.deepEqual(a.slot, b.slot);
    const ids = a.steps.flatMap((s) => s.intents.map((i) => i.intentId));
    t.true(ids.length > 5, `only ${ids.length} intents: the walk should make the strategy trade`);
    t.is(new Set(ids).size, ids.length);
  });

  test(`the ${name} decides the same after its slot goes through JSON at every book`, (t) => {
    const books = walk(11, 300);
    t.deepEqual(runHost(make(), books, { persist: true }).steps, runHost(make(), books).steps);
  });
}

determinismSpecs('market maker', mm);
determinismSpecs('trend follower', tf);

test('the market maker keeps its inventory within the max over a long walk', (t) => {
  const books = walk(3, 2_000);
  const positions = runHost(mm(), books).steps.map((s) => Math.abs(s.position));
  t.is(Math.max(...positions), 0.2, 'the walk should take the maker to its max');
});
