import test from 'ava';
import { ReconciliationPlan } from '../../actors/safety/reconciliation-plan';

const plan = (): ReconciliationPlan =>
  new ReconciliationPlan({ deepEvery: 2, fullEvery: 3, fillLookbackMs: 100 });

test('orders every pass, fills every deepEvery passes, every fill on every fullEvery-th deep pass', (t) => {
  const p = plan();
  const scopes = [1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 7_000].map((now) => p.next(now, false));
  t.deepEqual(scopes, [
    { deep: true, fillsFrom: undefined },
    { deep: false, fillsFrom: undefined },
    { deep: true, fillsFrom: 2_900 },
    { deep: false, fillsFrom: undefined },
    { deep: true, fillsFrom: 4_900 },
    { deep: false, fillsFrom: undefined },
    { deep: true, fillsFrom: undefined },
  ]);
});

test('while a difference for a human stands, every deep pass is full, and lookbacks resume once one finds none', (t) => {
  const p = plan();
  t.is(p.next(0, false).fillsFrom, undefined);
  p.next(1, true);
  t.deepEqual(
    p.next(2, true),
    { deep: true, fillsFrom: undefined },
    'a lookback would not see the old finding again',
  );
  p.next(3, false);
  t.deepEqual(p.next(4, false), { deep: true, fillsFrom: -96 }, 'the plan keeps its count of deep passes');
});
