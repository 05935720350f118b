import test from 'ava';
import type { ExecutionContext } from 'ava';
import { RealClock } from '../../actors/kernel/clock';
import type { JournalEntry } from '../../actors/kernel/journal-entry';
import { silentLogger } from '../../actors/kernel/logger';
import { Runtime } from '../../actors/kernel/runtime';
import { RedisStore, redisKeys } from '../../actors/kernel/store-redis';
import type { MarketFeedContext } from '../../machines/sample/market-feed.machine';
import type { MovingAverageContext } from '../../machines/sample/moving-average.machine';
import {
  numberingProblems,
  plainClient,
  redisCli,
  storedActor,
  storedJournal,
  storedLastSeq,
} from '../helpers/redis-inspect';
import { pollUntil, startRedisServer } from '../helpers/redis-server';
import type { RedisServer } from '../helpers/redis-server';
import { SAMPLE_COMPONENTS, lifecycles, sampleTree } from '../helpers/sample-tree';

/**
 * Integration: the runtime on a real `redis-server` and the real clock. Every test starts its own
 * server (own port, own dir) and its own runtime; nothing is shared between concurrent tests.
 */

const TICK_MS = 50;
/** Generous bounds for real-time waits: polls every 25 ms, so 400 attempts is 10 s. */
const WAIT = { attempts: 400, intervalMs: 25 } as const;

interface Subject {
  readonly redis: RedisServer;
  readonly runtime: Runtime;
  readonly instance: string;
  /** Every entry the runtime recorded after `Runtime.start` returned, in order. */
  readonly recorded: JournalEntry[];
  /** Unhandled rejections seen while the test ran. */
  readonly rejections: unknown[];
}

async function startSubject(t: ExecutionContext, instance: string): Promise<Subject> {
  const redis = await startRedisServer();
  t.teardown(() => redis.dispose());
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown): void => void rejections.push(reason);
  process.on('unhandledRejection', onRejection);
  t.teardown(() => void process.off('unhandledRejection', onRejection));
  const store = new RedisStore({ url: redis.url, instance });
  const runtime = await Runtime.start({
    config: sampleTree({ instance, tickMs: TICK_MS }),
    store,
    clock: new RealClock(),
    logger: silentLogger(),
    placement: 'memory',
    // Context-only changes (every tick) are saved this often; short so a spec sees them land.
    snapshotIntervalMs: 100,
  });
  t.teardown(() => runtime.stop());
  const recorded: JournalEntry[] = [];
  runtime.onTransition((entry) => recorded.push(entry));
  return { redis, runtime, instance, recorded, rejections };
}

/** Resolves once the journal has drained, or rejects naming what was still pending. */
async function drained(runtime: Runtime, ms = 10_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(`journal not drained after ${ms} ms: ${runtime.kernel.journal.unacknowledged} pending`),
        ),
      ms,
    );
  });
  try {
    await Promise.race([runtime.kernel.journal.drained(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

const allIn = (runtime: Runtime, lifecycle: string): boolean =>
  Object.values(lifecycles(runtime.tree())).every((state) => state === lifecycle);

/** Sends the moving average a price far above, then far below its mean: at least one crossing. */
async function forceCrossings(runtime: Runtime): Promise<string[]> {
  const states: string[] = [];
  for (const price of [1e9, 1, 1e9]) {
    const reply = await runtime.ask('ma', { type: 'price.ticked', symbol: 'BTCUSDT', price, t: 0 });
    states.push(reply.state);
  }
  return states;
}

test('runtime on Redis journals every transition to the stream and keeps actor hashes readable with redis-cli', async (t) => {
  const { redis, runtime, instance, recorded } = await startSubject(t, 'redis-runtime-up');
  const keys = redisKeys(instance);
  const client = plainClient(t, redis.url);

  t.is(runtime.state, 'running');
  t.deepEqual(runtime.tree().store, { kind: 'redis', durable: true, up: true });
  // The window (20 ticks of 50 ms) fills, so the moving average leaves `warming` on its own.
  await pollUntil(
    'the moving average to fill its window',
    () => runtime.component('ma')?.view().state !== 'warming',
    WAIT,
  );
  await forceCrossings(runtime);
  await drained(runtime);
  const last = runtime.kernel.journal.lastSeq;

  const stored = await storedJournal(client, instance);
  t.deepEqual(numberingProblems(stored), [], 'the stream holds seq 1..N, each once, in order');
  t.true(stored.length >= last, `stream top ${stored.length} is at least the drained seq ${last}`);
  const first = recorded[0]?.seq ?? Number.POSITIVE_INFINITY;
  t.deepEqual(
    stored.filter((e) => e.seq >= first),
    recorded.filter((e) => e.seq <= stored.length),
    'each entry in Redis is the one the runtime recorded, field for field',
  );
  for (const id of SAMPLE_COMPONENTS) {
    t.true(
      stored.some((e) => e.actor === id && e.machine === 'lifecycle' && e.to === 'running'),
      `${id} journaled its start`,
    );
  }
  t.true(
    stored.some((e) => e.actor === 'ma' && e.machine === 'moving-average' && e.from.startsWith('tracking')),
  );

  // What an operator types: redis-cli --scan, XLEN, XRANGE, HGETALL.
  const scanned = (await redisCli(redis.port, ['--scan', '--pattern', `predator:${instance}:*`])).split('\n');
  for (const id of SAMPLE_COMPONENTS) t.true(scanned.includes(keys.actor(id)), `${keys.actor(id)} is listed`);
  t.true(scanned.includes(keys.journal));
  t.true(Number(await redisCli(redis.port, ['XLEN', keys.journal])) >= last);
  const firstEntry = await redisCli(redis.port, ['XRANGE', keys.journal, '-', '+', 'COUNT', '1']);
  t.regex(firstEntry, /^1-0\n/);
  t.regex(firstEntry, /\nseq\n1\n/);
  t.deepEqual(
    (await redisCli(redis.port, ['SMEMBERS', keys.actors])).trim().split('\n').sort(),
    [...SAMPLE_COMPONENTS].sort(),
  );
  const hash = (await redisCli(redis.port, ['HGETALL', keys.actor('feed')])).trim().split('\n');
  const record = Object.fromEntries(hash.flatMap((v, i) => (i % 2 === 0 ? [[v, hash[i + 1]]] : [])));
  t.deepEqual(Object.keys(record).sort(), ['savedAt', 'snapshot', 'state']);
  t.like(JSON.parse(String(record.snapshot)), { status: 'active', value: record.state });

  await pollUntil(
    'the feed snapshot to record ticks',
    async () =>
      ((await storedActor<MarketFeedContext>(client, instance, 'feed'))?.snapshot.context.ticks ?? 0) >= 2,
    WAIT,
  );
  const feed = await storedActor<MarketFeedContext>(client, instance, 'feed');
  t.true(feed?.state === 'calm' || feed?.state === 'volatile');
  t.is(feed?.snapshot.context.symbol, 'BTCUSDT');
  const ma = await storedActor<MovingAverageContext>(client, instance, 'ma');
  t.is(ma?.snapshot.context.size, 20);
});

test('killing redis-server mid-run degrades components, loses no journal entry, and they recover when it restarts', async (t) => {
  const { redis, runtime, instance, recorded, rejections } = await startSubject(t, 'redis-runtime-kill');
  const client = plainClient(t, redis.url);
  const journal = runtime.kernel.journal;

  await pollUntil(
    'the moving average to fill its window',
    () => runtime.component('ma')?.view().state !== 'warming',
    WAIT,
  );
  await forceCrossings(runtime);
  await drained(runtime);
  const ackedBeforeKill = await storedLastSeq(client, instance);
  t.true(ackedBeforeKill > 0);

  // --- crash Redis (SIGKILL): nothing in the runtime may crash with it.
  await redis.kill();
  await pollUntil('every component to report degraded', () => allIn(runtime, 'degraded'), WAIT);
  const outageStartSeq = journal.lastSeq;
  const ticksAtOutage = Number(runtime.component('feed')?.view().summary.ticks);
  t.is(runtime.state, 'running', 'the system keeps running without its store');
  t.is(runtime.health().status, 'degraded');
  t.false(runtime.tree().store.up);

  // The runtime keeps working and recording: asks are answered and transitions journaled.
  const states = await forceCrossings(runtime);
  t.true(new Set(states).size > 1, `the moving average crossed during the outage: ${states.join(' → ')}`);
  await pollUntil(
    'the feed to keep ticking',
    () => Number(runtime.component('feed')?.view().summary.ticks) >= ticksAtOutage + 3,
    WAIT,
  );
  t.true(journal.lastSeq > outageStartSeq, 'transitions are recorded while Redis is down');
  t.true(journal.unacknowledged > 0, 'they wait in the journal for the store');
  const recordedDuringOutage = journal.lastSeq;
  const feedTicksDuringOutage = Number(runtime.component('feed')?.view().summary.ticks);

  // --- Redis comes back on the same port and dir (its AOF holds what it acknowledged).
  await redis.restart();
  await pollUntil('every component to return to running', () => allIn(runtime, 'running'), WAIT);
  t.is(runtime.health().status, 'ok');
  await drained(runtime);
  t.is(journal.unacknowledged, 0);

  const stored = await storedJournal(client, instance);
  t.deepEqual(numberingProblems(stored), [], 'no gap and no duplicate: the stream holds seq 1..N in order');
  t.true(stored.length >= recordedDuringOutage, 'every entry recorded during the outage reached Redis');
  const first = recorded[0]?.seq ?? Number.POSITIVE_INFINITY;
  t.deepEqual(
    stored.filter((e) => e.seq >= first),
    recorded.filter((e) => e.seq <= stored.length),
    'each stored entry is the one recorded, field for field',
  );
  for (const id of SAMPLE_COMPONENTS) {
    const lifecycle = stored.filter(
      (e) => e.actor === id && e.machine === 'lifecycle' && e.seq > ackedBeforeKill,
    );
    t.deepEqual(
      lifecycle.map((e) => `${e.from}→${e.to}`),
      ['running→degraded', 'degraded→running'],
      `${id} journaled its degradation and its recovery`,
    );
  }
  t.is(runtime.restarts(), 0, 'no component crashed or was restarted');
  t.deepEqual(rejections, [], 'no unhandled rejection');

  // Snapshots that could not be written during the outage are written once Redis is back.
  await pollUntil(
    'the feed snapshot to catch up after the outage',
    async () =>
      ((await storedActor<MarketFeedContext>(client, instance, 'feed'))?.snapshot.context.ticks ?? 0) >=
      feedTicksDuringOutage,
    WAIT,
  );

  // A planned stop drains everything: Redis then holds exactly what the runtime recorded.
  await runtime.stop();
  const final = await storedJournal(client, instance);
  t.deepEqual(numberingProblems(final), []);
  t.is(final.length, journal.lastSeq, 'the stream ends at the last seq the runtime assigned');
  t.deepEqual(
    final.filter((e) => e.seq >= first),
    recorded,
  );
  t.deepEqual(rejections, []);
});

test('a component restarted by its supervisor while Redis is down resumes from its last snapshot, not from scratch', async (t) => {
  const { redis, runtime, instance } = await startSubject(t, 'redis-runtime-crash');
  const client = plainClient(t, redis.url);
  await pollUntil(
    'the feed to tick',
    () => Number(runtime.component('feed')?.view().summary.ticks) >= 10,
    WAIT,
  );
  await pollUntil(
    'a feed snapshot in Redis',
    async () =>
      ((await storedActor<MarketFeedContext>(client, instance, 'feed'))?.snapshot.context.ticks ?? 0) >= 5,
    WAIT,
  );

  await redis.kill();
  await pollUntil('every component to report degraded', () => allIn(runtime, 'degraded'), WAIT);
  const before = Number(runtime.component('feed')?.view().summary.ticks);
  runtime.send('feed', { type: 'sys.fault.crash' });
  await pollUntil(
    'the feed to be restarted',
    () => runtime.component('feed')?.view().restarts === 1 && runtime.component('feed')?.running === true,
    WAIT,
  );
  const after = Number(runtime.component('feed')?.view().summary.ticks);
  t.true(
    after >= before,
    `the feed resumed at tick ${after}; it had reached ${before} before the crash (a fresh start counts from 0)`,
  );
  await redis.restart();
  await pollUntil('every component to return to running', () => allIn(runtime, 'running'), WAIT);
  const back = runtime.kernel.clock.now();
  await pollUntil(
    'the feed snapshot to be saved after the outage',
    async () => ((await storedActor<MarketFeedContext>(client, instance, 'feed'))?.savedAt ?? 0) >= back,
    WAIT,
  );
  const stored = await storedActor<MarketFeedContext>(client, instance, 'feed');
  t.true(
    (stored?.snapshot.context.ticks ?? 0) >= before,
    `Redis now holds tick ${stored?.snapshot.context.ticks}: the snapshot of tick ${before} must not be overwritten by a fresh state`,
  );
});

test('a component restarted by its supervisor resumes from its snapshot in Redis', async (t) => {
  const { runtime } = await startSubject(t, 'redis-runtime-restart');
  await pollUntil(
    'the moving average to fill its window',
    () => runtime.component('ma')?.view().state !== 'warming',
    WAIT,
  );
  const before = runtime.component('feed')?.view().summary;
  const maBefore = runtime.component('ma')?.view().summary;
  runtime.send('feed', { type: 'sys.fault.crash' });
  const restarted = (id: string): boolean =>
    runtime.component(id)?.view().restarts === 1 && runtime.component(id)?.lifecycleState === 'running';
  await pollUntil(
    'the feed and its consumer to be restarted',
    () => restarted('feed') && restarted('ma'),
    WAIT,
  );
  const after = runtime.component('feed')?.view().summary;
  t.is(runtime.component('ma')?.view().summary.samples, maBefore?.samples, 'the window came back full');
  t.true(
    Number(after?.ticks) >= Number(before?.ticks),
    `resumed at tick ${after?.ticks}, had ${before?.ticks}`,
  );
  t.not(runtime.component('ma')?.view().state, 'warming', 'the moving average resumed with its window full');
  t.is(runtime.component('feed')?.lifecycleState, 'running');
});
