import test from 'ava';
import type { VirtualClock } from '../../actors/kernel/clock-virtual';
import { MemoryExecutionStore } from '../../actors/trading/execution-store-memory';
import type { Fill } from '../../actors/trading/types';
import { setup } from '../venues/sim-fixture';
import { specFill, specReconciler } from './reconciler-fixture';

// A lookback pass compares only the fills of its last span; a full pass, every fill both sides know.

function fill(n: number): Fill {
  return specFill({ fillId: `f${n}`, venueOrderId: `v${n}`, clientOrderId: `pd-abcdef-${n}`, t: 1_000 * n });
}

async function world(): Promise<{
  pass: (fillsFrom?: number) => Promise<string[]>;
  clock: VirtualClock;
}> {
  const { venue, clock } = setup({ latency: { baseMs: 0, jitterMeanMs: 0 } });
  // The venue knows f1–f4; we recorded f1–f4 with f2 wrong and a phantom f9 at t 1.5 s.
  venue.myTrades = () => Promise.resolve([fill(1), fill(2), fill(3), fill(4)]);
  const store = new MemoryExecutionStore();
  for (const f of [fill(1), { ...fill(2), qty: 0.25 }, fill(3), fill(4)])
    await store.appendFill({ ...f, engine: 'eng', strategy: 's', intentId: `i-${f.fillId}` });
  await store.appendFill({ ...fill(9), t: 1_500, engine: 'eng', strategy: 's', intentId: 'i-f9' });
  const reconciler = specReconciler({ instance: 'lookback-spec', venue, store, ownsAccount: false });
  return {
    clock,
    pass: async (fillsFrom) => {
      const result = await reconciler.pass(clock.now(), true, fillsFrom);
      return result.findings
        .filter((f) => !f.healed)
        .map((f) => f.key)
        .sort();
    },
  };
}

test('a full pass reports every difference in the window the venue still covers', async (t) => {
  const { pass, clock } = await world();
  t.deepEqual(await pass(), ['fill|f2'], 'the phantom f9: one "no such order" for it is not proof yet');
  await clock.advance(90_000);
  t.deepEqual(await pass(), ['fill|f2', 'fill|f9'], 'denied for the absence window, it counts');
});

test('a lookback pass judges only fills at or after its start; a suspect is asked about again whatever its time', async (t) => {
  const { pass, clock } = await world();
  t.deepEqual(await pass(3_000), [], 'f2 and the phantom f9 lie before the lookback');
  t.deepEqual(await pass(1_500), ['fill|f2'], 'from 1.5 s both are in it; f9 becomes a suspect');
  await clock.advance(90_000);
  t.deepEqual(await pass(3_000), ['fill|f9'], 'a later lookback still settles the suspect');
});

test('a fill of ours past the edge of the venue’s page is not reported when the venue has its order filled', async (t) => {
  const { venue, clock, run } = setup({ latency: { baseMs: 0, jitterMeanMs: 0 } });
  // A real order at the venue, filled at once; the venue's page then no longer lists its fill, while
  // a trade inside the page carries an earlier time (a venue clock stepped back).
  const order = await run(
    venue.submit({ clientOrderId: 'pd-abcdef-1', symbol: 'BTCUSDT', side: 'buy', type: 'market', qty: 0.01 }),
  );
  const [real] = await run(venue.myTrades('BTCUSDT'));
  if (real === undefined) throw new Error('the market order did not fill');
  const earlier = specFill({ fillId: 'later-but-earlier', clientOrderId: 'pd-other-1', t: real.t - 60_000 });
  venue.myTrades = () => Promise.resolve([earlier]);
  const store = new MemoryExecutionStore();
  await store.appendFill({ ...real, engine: 'eng', strategy: 's', intentId: 'i-1' });
  const reconciler = specReconciler({
    instance: 'lookback-spec',
    venue,
    store,
    ownsAccount: false,
    since: 0,
  });
  t.is(order.filledQty, 0.01);
  for (let i = 0; i < 2; i++) {
    const result = await reconciler.pass(clock.now(), true);
    t.deepEqual(
      result.findings.filter((f) => !f.healed && f.kind === 'fill-unknown-at-venue'),
      [],
      `pass ${i + 1}`,
    );
    await clock.advance(90_000);
  }
});
