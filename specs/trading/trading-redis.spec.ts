import test from 'ava';
import { VirtualClock } from '../../actors/kernel/clock-virtual';
import { RedisStore } from '../../actors/kernel/store-redis';
import { defaultTradingConfig } from '../../actors/trading/trading-config';
import { startRedisServer } from '../helpers/redis-server';
import { simulatedTrading } from '../helpers/trading';

test('on Redis, a new process resumes the portfolio from stored fills and ends the old shadow orders', async (t) => {
  const redis = await startRedisServer();
  t.teardown(() => redis.dispose());
  const config = { ...defaultTradingConfig(), instance: 'durable' };

  const clock = new VirtualClock();
  const first = await simulatedTrading(config, {
    clock,
    store: new RedisStore({ url: redis.url, instance: 'durable', clock }),
  });
  t.teardown(() => first.stop());
  await first.clock.advance(20 * 60_000);
  const positions = first.trading.readModel.positions();
  const fills = await first.trading.services.store.fills({ limit: 100_000 });
  const live = await first.trading.services.store.orders({ live: true });
  t.true(fills.length > 0, 'the first process traded');
  t.true(live.length > 0, 'it left working orders behind');
  await first.stop();

  const second = await simulatedTrading(config, {
    clock,
    store: new RedisStore({ url: redis.url, instance: 'durable', clock }),
  });
  t.teardown(() => second.stop());
  // Replayed from the stored fills before anything new happened.
  t.deepEqual(
    second.trading.readModel.positions().map((p) => [p.symbol, p.qty, p.fills]),
    positions.map((p) => [p.symbol, p.qty, p.fills]),
  );
  await second.clock.advance(1_000);
  const before = new Set(live.map((o) => o.clientOrderId));
  for (const order of await second.trading.services.store.orders({ live: true }))
    t.false(before.has(order.clientOrderId), `${order.clientOrderId} of the old fill model ended`);
  const old = await Promise.all(live.map((o) => second.trading.services.store.order(o.clientOrderId)));
  t.true(old.every((o) => o?.terminal === true));
  t.deepEqual(second.runtime.incidents(), []);
});
