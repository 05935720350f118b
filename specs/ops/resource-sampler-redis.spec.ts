import test from 'ava';
import { VirtualClock } from '../../actors/kernel/clock-virtual';
import { silentLogger } from '../../actors/kernel/logger';
import { RedisStore } from '../../actors/kernel/store-redis';
import { weekRange } from '../../actors/ops/iso-week';
import { ResourceSampler } from '../../actors/ops/resource-sampler';
import { realResourceSources } from '../../actors/ops/resource-sources';
import { startRedisServer } from '../helpers/redis-server';

test('on a Redis store the real sources read used_memory and the journal, and the week survives a restart', async (t) => {
  const redis = await startRedisServer({ appendfsync: 'everysec' });
  t.teardown(() => redis.dispose());
  const clock = new VirtualClock();
  const store = new RedisStore({ url: redis.url, instance: 'report-spec', clock });
  await store.connect();
  t.teardown(() => store.close());
  await store.appendJournal([
    { seq: 1, t: clock.now(), actor: 'feed', machine: 'm', from: '', event: 'go', to: 'a' },
  ]);
  const sampler = await ResourceSampler.open({
    store,
    clock,
    logger: silentLogger(),
    sources: realResourceSources({ store }),
  });
  sampler.start();
  await clock.advance(2 * 3_600_000);
  await sampler.stop();
  const samples = await sampler.samples(weekRange('2026-W01'));
  t.is(samples.length, 3, 'at the start and at each of two hours');
  for (const sample of samples) {
    t.true((sample.redisUsedMemoryBytes ?? 0) > 100_000, `used_memory ${sample.redisUsedMemoryBytes}`);
    t.is(sample.journalSeq, 1);
    t.true((sample.heapUsedBytes ?? 0) > 0);
  }
  const reopened = await ResourceSampler.open({ store, clock, logger: silentLogger(), sources: {} });
  t.deepEqual(await reopened.samples(weekRange('2026-W01')), samples);
});
