import test from 'ava';
import { judgeOrder } from '../../actors/safety/reconciliation-rules';
import type { JudgeContext } from '../../actors/safety/reconciliation-rules';
import { clientOrderId, isOwnClientOrderId } from '../../actors/trading/client-order-id';
import type { VenueOrder } from '../../actors/trading/types';
import { setup } from '../venues/sim-fixture';
import { specReconciler } from './reconciler-fixture';

// Regression: reconciliation aged venue stamps on our clock, so a venue clock running behind ours
// made a fresh orphan look old (and one running ahead kept every order "too young" for the skew).

const INSTANCE = 'skew-spec';
const GHOST = clientOrderId(INSTANCE, 'ghost');
const NOW = 10_000_000;

function ctx(overrides: Partial<JudgeContext> = {}): JudgeContext {
  return {
    now: NOW,
    minAgeMs: 10_000,
    absentAfterMs: 90_000,
    ours: (id) => isOwnClientOrderId(INSTANCE, id),
    ...overrides,
  };
}

/** An orphan of ours the venue stamped at `at` on its own clock. */
function orphan(at: number): VenueOrder {
  return {
    venueOrderId: '1',
    clientOrderId: GHOST,
    symbol: 'BTCUSDT',
    side: 'buy',
    type: 'limit',
    price: 100,
    qty: 1,
    filledQty: 0,
    avgFillPrice: null,
    status: 'open',
    createdAt: at,
    updatedAt: at,
  };
}

test('a venue order placed a second ago is too young on a venue whose clock runs a minute behind', (t) => {
  const venueNow = NOW - 60_000;
  const judged = judgeOrder(undefined, orphan(venueNow - 1_000), ctx({ venueNow }));
  t.like(judged, { by: 'too-young', outcome: { kind: 'wait', retryAt: NOW + 9_000 } });
});

test('a venue order placed a minute ago is judged on a venue whose clock runs an hour ahead', (t) => {
  const venueNow = NOW + 3_600_000;
  const judged = judgeOrder(undefined, orphan(venueNow - 60_000), ctx({ venueNow }));
  t.like(judged, { by: 'rule', outcome: { kind: 'heal', action: 'cancel-orphan' } });
});

test('without the venue clock, stamps are aged on ours as before', (t) => {
  t.like(judgeOrder(undefined, orphan(NOW - 1_000), ctx()), { by: 'too-young' });
  t.like(judgeOrder(undefined, orphan(NOW - 20_000), ctx()), { by: 'rule' });
});

test('reconciliation does not count a fresh orphan on a venue running behind until it is old on our clock', async (t) => {
  const { venue, clock } = setup({ latency: { baseMs: 0, jitterMeanMs: 0 } });
  venue.faults.set({ kind: 'clockSkew', ms: -60_000 });
  const reconciler = specReconciler({ instance: INSTANCE, venue, since: clock.now() });
  venue.engine.submit({
    clientOrderId: GHOST,
    symbol: 'BTCUSDT',
    side: 'buy',
    type: 'limit',
    qty: 0.01,
    price: 50_000,
  });
  const status = () => venue.engine.order({ clientOrderId: GHOST }).status;
  await reconciler.pass(clock.now(), false);
  // Seen 30 s after it was placed: its first sighting (were it counted at placement, this would confirm it).
  await clock.advance(30_000);
  t.deepEqual((await reconciler.pass(clock.now(), false)).findings, []);
  t.is(status(), 'open');
  await clock.advance(30_000);
  const confirmed = await reconciler.pass(clock.now(), false);
  t.deepEqual(
    confirmed.findings.map((f) => f.key),
    [`orphan|${GHOST}`],
  );
  t.is(status(), 'cancelled');
});
