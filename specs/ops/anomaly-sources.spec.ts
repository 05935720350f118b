import test from 'ava';
import { summaryDecisions } from '../../actors/ops/anomaly-denials';
import { AnomalyTracker } from '../../actors/ops/anomaly-tracker';
import { silentLogger } from '../../actors/kernel/logger';
import { breakerComponentId } from '../../actors/safety/breaker-defaults';
import { clientOrderId } from '../../actors/trading/client-order-id';
import type { SimVenue } from '../../actors/venues/sim-venue';
import { componentView } from '../helpers/runtime';
import { oneEngine, simulatedTrading } from '../helpers/trading';

const MINUTE = 60_000;

test('fed from a live trading runtime: a breaker that recovers, a reconciliation heal and rate-limit denials', async (t) => {
  const sim = await simulatedTrading(
    oneEngine({
      mode: 'live',
      risk: { rules: [{ kind: 'orderRate', name: 'slow', max: 1, windowMs: MINUTE, per: 'strategy' }] },
    }),
  );
  t.teardown(() => sim.stop());
  const { runtime, clock, store } = sim;
  const tracker = await AnomalyTracker.open({
    store,
    clock,
    logger: silentLogger(),
    sources: {
      journal: runtime.kernel.journal,
      decisions: summaryDecisions(['eng'], (id) => runtime.component(id)?.view().summary),
    },
  });
  tracker.start();
  t.teardown(() => tracker.stop());
  await clock.advance(5_000);

  // Three yellow readings move the breaker; its own calm readings bring it back after the cooldown.
  const breaker = breakerComponentId('latency-eng');
  for (let i = 0; i < 3; i++)
    runtime.send(breaker, { type: 'breaker.reading', value: 3_000, t: clock.now() });
  await clock.advance(1);
  t.is(componentView(runtime, breaker).state, 'YELLOW');

  // An order of ours the venue has and we never recorded: reconciliation cancels it, a heal.
  const venue = sim.trading.services.venue('sim') as SimVenue;
  const mid = sim.trading.services.mids.BTCUSDT as number;
  const cid = clientOrderId('predator', 'ghost-intent');
  venue.engine.submit({
    clientOrderId: cid,
    symbol: 'BTCUSDT',
    side: 'buy',
    type: 'limit',
    qty: 0.01,
    price: Math.round(mid * 0.9),
  });
  await clock.advance(15 * MINUTE);
  t.is(componentView(runtime, breaker).state, 'GREEN');

  const byKind = new Map(tracker.list().map((r) => [r.kind, r]));
  t.like(byKind.get('breaker-recovered'), {
    subject: { type: 'actor', id: breaker },
    severity: 'info',
    count: 1,
  });
  const yellowMs = byKind.get('breaker-recovered')?.evidence.yellowMs as number;
  t.true(yellowMs >= 10 * MINUTE && yellowMs < 11 * MINUTE, `YELLOW for ${yellowMs} ms: the 10 min cooldown`);
  t.like(byKind.get('reconciliation-healed'), { subject: { type: 'actor', id: 'recon-eng' } });
  t.like(byKind.get('denied-near-limit'), {
    subject: { type: 'engine', id: 'eng' },
    evidence: { reason: 'ORDER_RATE_EXCEEDED' },
  });
  const journaled = (await runtime.journal({ limit: 1_000_000 })).filter((e) => e.machine === 'anomaly');
  t.deepEqual(
    journaled
      .filter((e) => e.event === 'anomaly.opened')
      .map((e) => e.actor)
      .sort(),
    [
      'anomaly/breaker-recovered/actor:breaker-latency-eng',
      'anomaly/denied-near-limit/engine:eng',
      'anomaly/reconciliation-healed/actor:recon-eng',
    ],
  );
});
