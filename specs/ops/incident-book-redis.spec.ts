import test from 'ava';
import { VirtualClock } from '../../actors/kernel/clock-virtual';
import { RedisStore } from '../../actors/kernel/store-redis';
import { plainClient } from '../helpers/redis-inspect';
import { startRedisServer } from '../helpers/redis-server';
import { bookProcess } from './incident-fixture';

const MINUTE = 60_000;

test('incidents and a signed post-mortem survive a store reconnect on a real Redis; ids go on', async (t) => {
  const redis = await startRedisServer();
  t.teardown(() => redis.dispose());
  const clock = new VirtualClock();

  const first = new RedisStore({ url: redis.url, instance: 'ops' });
  await first.connect();
  const before = await bookProcess({ store: first, clock });
  before.incidents.raise('eng', 'ORDER_OUTCOME_UNKNOWN', 'lost submit', {
    engine: 'eng',
    clientOrderId: 'c1',
  });
  before.incidents.raise('feed', 'BAD_THING', 'still open');
  await before.settle();
  await clock.advance(MINUTE);
  await before.book.resolve(1, 'alice', 'venue back');
  await before.book.completePostmortem(1, 'alice', {
    rootCause: 'the venue dropped a submit',
    actions: 'engine REDUCING',
    followUps: ['alert on ack timeouts'],
  });
  await before.book.signPostmortem(1, 'alice');
  const markdown = await before.book.postmortemMarkdown(1);
  const views = before.book.list();
  await before.settle();
  before.detach();
  await first.close();

  const client = plainClient(t, redis.url);
  t.deepEqual((await client.keys('predator:ops:kv:incidents:*')).sort(), [
    'predator:ops:kv:incidents:meta',
    'predator:ops:kv:incidents:postmortem:1',
    'predator:ops:kv:incidents:slot:1',
    'predator:ops:kv:incidents:slot:2',
  ]);
  t.like(JSON.parse((await client.get('predator:ops:kv:incidents:meta')) ?? '{}'), {
    lastId: 2,
    capacity: 1000,
  });

  const second = new RedisStore({ url: redis.url, instance: 'ops' });
  await second.connect();
  t.teardown(() => second.close());
  const after = await bookProcess({ store: second, clock });
  t.deepEqual(after.book.list(), views);
  t.like(after.book.get(1), { state: 'postmortem_written', signature: { by: 'alice' } });
  t.is(await after.book.postmortemMarkdown(1), markdown, 'the signed post-mortem, byte for byte');
  after.incidents.raise('worker', 'BAD_THING', 'after the reconnect');
  await after.settle();
  t.like(after.book.get(3), { actor: 'worker', state: 'open' });
  t.deepEqual(
    (await after.entries()).filter((e) => e.actor.startsWith('incident/')).map((e) => `${e.actor} ${e.to}`),
    [
      'incident/1 open',
      'incident/2 open',
      'incident/1 resolved',
      'incident/1 postmortem_written',
      'incident/3 open',
    ],
    'every transition is in the stream, before and after the reconnect',
  );
});
