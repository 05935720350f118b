import test from 'ava';
import { MemoryExecutionStore } from '../../actors/trading/execution-store-memory';
import type { ExecutionStore } from '../../actors/trading/execution-store';
import type { Fill } from '../../actors/trading/types';
import { setup } from '../venues/sim-fixture';
import { specFill, specReconciler } from './reconciler-fixture';

// Regression (found by the busy 120-day long-run benchmark): the execution store's caps are shared
// by every engine, reconciliation judges one. A busy engine pushed a quiet one's old fills out of the
// store while the venue's trade history of the quiet one still reached back to them, and they read
// as fills we lack that belong to no order of ours (RECONCILIATION_MISMATCH after ~5 weeks).

function fill(n: number, engine: string): Fill & { engine: string } {
  return {
    engine,
    ...specFill({
      fillId: `${engine}-f${n}`,
      venueOrderId: `${engine}-v${n}`,
      clientOrderId: `pd-${engine}-${n}`,
      t: 1_000 * n,
    }),
  };
}

/** What two passes 90 s apart leave for a human (a phantom fill counts once denied that long). */
async function unsettled(store: ExecutionStore, quietTrades: Fill[]): Promise<string[]> {
  const { venue, clock } = setup({ latency: { baseMs: 0, jitterMeanMs: 0 } });
  venue.myTrades = () => Promise.resolve(quietTrades);
  const reconciler = specReconciler({ instance: 'retention-spec', engine: 'quiet', venue, store });
  await reconciler.pass(clock.now(), true);
  await clock.advance(90_000);
  const result = await reconciler.pass(clock.now(), true);
  return result.findings.filter((f) => !f.healed).map((f) => `${f.kind} ${f.key}`);
}

test('fills of a quiet engine a busy one pushed out of the shared store are not judged; the span kept still is', async (t) => {
  const store = new MemoryExecutionStore({ fillsCap: 5 });
  // The quiet engine fills at t = 1 s and 2 s, then the busy one fills five times: the cap of five
  // drops both quiet fills.
  for (const n of [1, 2]) await store.appendFill({ ...fill(n, 'quiet'), strategy: 's', intentId: `q${n}` });
  for (const n of [3, 4, 5, 6, 7])
    await store.appendFill({ ...fill(n, 'busy'), strategy: 's', intentId: `b${n}` });
  t.is(await store.forgottenBefore(), 2_000);
  // The quiet engine fills again at 8 s, which the store keeps (it drops busy-f3).
  await store.appendFill({ ...fill(8, 'quiet'), strategy: 's', intentId: 'q8' });
  t.is(await store.forgottenBefore(), 3_000);

  // The venue still lists all three quiet fills: the two forgotten ones are not findings.
  t.deepEqual(await unsettled(store, [fill(1, 'quiet'), fill(2, 'quiet'), fill(8, 'quiet')]), []);

  // Past the horizon, a difference is still one: our kept fill the venue does not know.
  t.deepEqual(await unsettled(store, [fill(1, 'quiet'), fill(2, 'quiet')]), [
    'fill-unknown-at-venue fill|quiet-f8',
  ]);
});

test('the horizon covers dropped terminal orders too, and is -Infinity while nothing was dropped', async (t) => {
  const store = new MemoryExecutionStore({ terminalOrdersCap: 1 });
  t.is(await store.forgottenBefore(), Number.NEGATIVE_INFINITY);
  const order = (n: number) => ({
    clientOrderId: `pd-o-${n}`,
    intentId: `o${n}`,
    engine: 'quiet',
    terminal: true,
    t: 10_000 * n,
  });
  await store.saveOrder(order(1) as never);
  t.is(await store.forgottenBefore(), Number.NEGATIVE_INFINITY);
  await store.saveOrder(order(2) as never);
  t.is(await store.forgottenBefore(), 10_000);
});
