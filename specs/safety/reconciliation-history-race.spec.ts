import test from 'ava';
import { MemoryExecutionStore } from '../../actors/trading/execution-store-memory';
import type { Fill } from '../../actors/trading/types';
import { setup } from '../venues/sim-fixture';
import { specFill, specReconciler } from './reconciler-fixture';

// Regression (found by the soak operator's 30-day soak): the span of fills judged was taken from the
// venue's first read of its bounded trade history, the comparison from its second; a trade between
// the two reads pushed the oldest fill out of the second, and our copy of it read as a fill the
// venue does not know (RECONCILIATION_MISMATCH, invariant 3).

function fill(n: number): Fill {
  return specFill({ fillId: `f${n}`, venueOrderId: `v${n}`, clientOrderId: `pd-abcdef-${n}`, t: 1_000 * n });
}

test('a fill paged out of the venue history between the two reads of a pass is not reported unknown at the venue', async (t) => {
  const { venue, clock } = setup({ latency: { baseMs: 0, jitterMeanMs: 0 } });
  let reads = 0;
  // The first read sees f1–f3; by the second, f4 came and the history (three long) dropped f1.
  venue.myTrades = () =>
    Promise.resolve(reads++ % 2 === 0 ? [fill(1), fill(2), fill(3)] : [fill(2), fill(3), fill(4)]);
  const store = new MemoryExecutionStore();
  for (const n of [1, 2, 3])
    await store.appendFill({ ...fill(n), engine: 'eng', strategy: 's', intentId: `i${n}` });
  const reconciler = specReconciler({ instance: 'race-spec', venue, store, ownsAccount: false });
  const result = await reconciler.pass(clock.now(), true);
  t.deepEqual(
    result.findings.filter((f) => !f.healed).map((f) => f.detail),
    [],
  );
});

test('a fill of ours the venue never had is still reported when the history moved on', async (t) => {
  const { venue, clock } = setup({ latency: { baseMs: 0, jitterMeanMs: 0 } });
  let reads = 0;
  venue.myTrades = () =>
    Promise.resolve(reads++ % 2 === 0 ? [fill(1), fill(2), fill(4)] : [fill(2), fill(4), fill(5)]);
  const store = new MemoryExecutionStore();
  for (const n of [1, 2, 3, 4])
    await store.appendFill({ ...fill(n), engine: 'eng', strategy: 's', intentId: `i${n}` });
  const reconciler = specReconciler({ instance: 'race-spec', venue, store, ownsAccount: false });
  const unsettled = async (): Promise<string[]> =>
    (await reconciler.pass(clock.now(), true)).findings.filter((f) => !f.healed).map((f) => f.kind);
  t.deepEqual(await unsettled(), [], 'one "no such order" for it is not proof yet');
  await clock.advance(90_000);
  t.deepEqual(await unsettled(), ['fill-unknown-at-venue'], 'denied for the absence window: it counts');
});
