import test from 'ava';
import type { ExecutionContext } from 'ava';
import { VirtualClock } from '../../actors/kernel/clock-virtual';
import { silentLogger } from '../../actors/kernel/logger';
import { Runtime } from '../../actors/kernel/runtime';
import { RedisStore } from '../../actors/kernel/store-redis';
import { UptimeWatcher } from '../../actors/ops/uptime-watcher';
import { redisCli } from '../helpers/redis-inspect';
import { startRedisServer } from '../helpers/redis-server';
import { sampleTree } from '../helpers/sample-tree';

const INSTANCE = 'uptime-redis';

/** A process on Redis: its own client (a fresh connection each time), a watcher, the runtime. */
async function start(t: ExecutionContext, url: string, clock: VirtualClock) {
  const store = new RedisStore({ url, instance: INSTANCE, clock });
  const logger = silentLogger();
  const uptime = await UptimeWatcher.boot({ store, clock, logger });
  const runtime = await Runtime.start({
    config: sampleTree({ instance: INSTANCE, tickMs: 1_000 }),
    store,
    clock,
    logger,
    placement: 'memory',
  });
  t.teardown(() => runtime.stop());
  await uptime.attach(runtime.kernel.journal);
  const crash = async (actor: string) => {
    runtime.send(actor, { type: 'sys.fault.crash' });
    await clock.advance(10_000);
  };
  return { uptime, runtime, crash };
}

test('on Redis, boots and per-component counts survive a stop, a Redis restart and a new connection', async (t) => {
  const redis = await startRedisServer();
  t.teardown(() => redis.dispose());
  const clock = new VirtualClock();

  const first = await start(t, redis.url, clock);
  await clock.advance(5_000);
  await first.crash('feed');
  await first.crash('feed');
  await first.crash('worker');
  const before = first.uptime.snapshot();
  t.like(before.actors, { feed: { crashes: 2, restarts: 2 }, ma: { restarts: 2 }, worker: { crashes: 1 } });
  await first.uptime.stop();
  await first.runtime.stop(); // closes the first connection

  // The server itself goes down and comes back (AOF, fsync always): nothing acknowledged is lost.
  await redis.kill();
  await redis.restart();
  const stored = JSON.parse(
    await redisCli(redis.port, ['GET', `predator:${INSTANCE}:kv:uptime:counters`]),
  ) as {
    actors: Record<string, { crashes: number }>;
  };
  t.is(stored.actors.feed?.crashes, 2);

  await clock.advance(30_000);
  const second = await start(t, redis.url, clock);
  const after = second.uptime.snapshot();
  t.deepEqual(after.actors, before.actors);
  t.like(after.process, { boot: 'boot-2', starts: 2, previousRun: 'clean', crashes: 0 });
  await clock.advance(5_000);
  await second.crash('feed');
  t.like(second.uptime.snapshot().actors, { feed: { crashes: 3, restarts: 3 }, ma: { restarts: 3 } });
  t.like(second.uptime.snapshot().uptime, { downMs: 30_000 });
});
