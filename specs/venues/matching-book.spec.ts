import test from 'ava';
import { MatchingBook } from '../../actors/venues/matching-book';
import type { RestingOrder } from '../../actors/venues/matching-book';

const order = (id: string, side: 'buy' | 'sell', priceTicks: number, remainingLots = 1): RestingOrder => ({
  id,
  side,
  priceTicks,
  remainingLots,
});

test('bids come best (highest) first, asks lowest first, and equal prices oldest first', (t) => {
  const book = new MatchingBook<RestingOrder>();
  for (const o of [
    order('b1', 'buy', 100),
    order('b2', 'buy', 102),
    order('b3', 'buy', 100),
    order('b4', 'buy', 101),
    order('a1', 'sell', 105),
    order('a2', 'sell', 103),
    order('a3', 'sell', 105),
  ])
    book.add(o);
  t.deepEqual(
    book.inPriority('buy').map((o) => o.id),
    ['b2', 'b4', 'b1', 'b3'],
  );
  t.deepEqual(
    book.inPriority('sell').map((o) => o.id),
    ['a2', 'a1', 'a3'],
  );
  t.is(book.best('buy'), 102);
  t.is(book.best('sell'), 103);
  t.deepEqual(
    book.at('buy', 100).map((o) => o.id),
    ['b1', 'b3'],
  );
  t.is(book.size, 7);
});

test('removing an order keeps the others in priority and drops emptied levels', (t) => {
  const book = new MatchingBook<RestingOrder>();
  book.add(order('x', 'buy', 100, 3));
  book.add(order('y', 'buy', 100, 4));
  book.add(order('z', 'buy', 99, 5));
  t.is(book.remove('x')?.id, 'x');
  t.is(book.remove('x'), undefined);
  t.deepEqual(book.levels('buy'), [
    { priceTicks: 100, lots: 4 },
    { priceTicks: 99, lots: 5 },
  ]);
  book.remove('y');
  t.is(book.best('buy'), 99);
  book.remove('z');
  t.is(book.best('buy'), undefined);
  t.is(book.size, 0);
});

test('a re-added order goes to the back of its price level', (t) => {
  const book = new MatchingBook<RestingOrder>();
  const first = order('first', 'sell', 50);
  book.add(first);
  book.add(order('second', 'sell', 50));
  book.remove('first');
  book.add(first);
  t.deepEqual(
    book.inPriority('sell').map((o) => o.id),
    ['second', 'first'],
  );
  t.throws(() => book.add(first), { instanceOf: RangeError });
});
