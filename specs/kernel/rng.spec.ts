import test from 'ava';
import { Rng, draw } from '../../actors/kernel/rng';

const take = (rng: Rng, n: number): number[] => Array.from({ length: n }, () => rng.next());

test('the same seed and stream name give the same sequence', (t) => {
  t.deepEqual(take(new Rng(42).stream('feed'), 20), take(new Rng(42).stream('feed'), 20));
});

test('streams are independent: drawing from one or adding another does not shift a third', (t) => {
  const a = new Rng(42);
  const reference = take(a.stream('feed'), 10);
  const b = new Rng(42);
  take(b.stream('newcomer'), 1000);
  b.next();
  t.deepEqual(take(b.stream('feed'), 10), reference);
  t.notDeepEqual(take(new Rng(43).stream('feed'), 10), reference);
  t.notDeepEqual(take(new Rng(42).stream('other'), 10), reference);
});

test('draws are uniform in [0, 1) and a context-held stream matches the class', (t) => {
  const rng = new Rng(7);
  const values = take(rng, 10_000);
  t.true(values.every((v) => v >= 0 && v < 1));
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  t.true(Math.abs(mean - 0.5) < 0.02);
  const start = new Rng(9);
  const pure = draw(start.position);
  t.is(pure.value, new Rng(9).next());
});
