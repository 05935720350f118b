import test from 'ava';
import { MemoryExecutionStore } from '../../actors/trading/execution-store-memory';
import type { Fill } from '../../actors/trading/types';
import { setup } from '../venues/sim-fixture';
import { specFill, specReconciler } from './reconciler-fixture';

// A lookback pass compares only the fills of its last span; a full pass, every fill both sides know.

function fill(n: number): Fill {
  return specFill({ fillId: `f${n}`, venueOrderId: `v${n}`, clientOrderId: `pd-abcdef-${n}`, t: 1_000 * n });
}

async function world(): Promise<{ pass: (fillsFrom?: number) => Promise<string[]> }> {
  const { venue, clock } = setup({ latency: { baseMs: 0, jitterMeanMs: 0 } });
  // The venue knows f1–f4; we recorded f1–f4 with f2 wrong and a phantom f9 at t 500.
  venue.myTrades = () => Promise.resolve([fill(1), fill(2), fill(3), fill(4)]);
  const store = new MemoryExecutionStore();
  for (const f of [fill(1), { ...fill(2), qty: 0.25 }, fill(3), fill(4)])
    await store.appendFill({ ...f, engine: 'eng', strategy: 's', intentId: `i-${f.fillId}` });
  await store.appendFill({ ...fill(9), t: 1_500, engine: 'eng', strategy: 's', intentId: 'i-f9' });
  const reconciler = specReconciler({ instance: 'lookback-spec', venue, store, ownsAccount: false });
  return {
    pass: async (fillsFrom) => {
      const result = await reconciler.pass(clock.now(), true, fillsFrom);
      return result.findings.filter((f) => !f.healed).map((f) => f.key);
    },
  };
}

test('a full pass reports every difference in the window the venue still covers', async (t) => {
  const { pass } = await world();
  t.deepEqual((await pass()).sort(), ['fill|f2', 'fill|f9']);
});

test('a lookback pass judges only fills at or after its start, on both sides', async (t) => {
  const { pass } = await world();
  t.deepEqual(await pass(3_000), [], 'f2 and the phantom f9 lie before the lookback');
  t.deepEqual((await pass(1_500)).sort(), ['fill|f2', 'fill|f9'], 'from 1.5 s both are in it again');
});
