import test from 'ava';
import type { ExecutionContext } from 'ava';
import Redis from 'ioredis';
import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import { StoreUnavailableError } from '../../actors/kernel/errors';
import type { JournalEntry } from '../../actors/kernel/journal-entry';
import type { Store, StoreStatus } from '../../actors/kernel/store';
import { MemoryStore } from '../../actors/kernel/store-memory';
import { RedisStore, redisKeys } from '../../actors/kernel/store-redis';
import { freePort, pollUntil, startRedisServer } from '../helpers/redis-server';
import type { RedisServer } from '../helpers/redis-server';

const INSTANCE = 'spec';

function entry(seq: number, actor = 'feed', event = 'tick'): JournalEntry {
  return { seq, t: 1_700_000_000_000 + seq, actor, machine: 'lifecycle', from: 'idle', event, to: 'running' };
}

function entries(from: number, to: number, actorOf: (seq: number) => string = () => 'feed'): JournalEntry[] {
  const out: JournalEntry[] = [];
  for (let seq = from; seq <= to; seq++) out.push(entry(seq, actorOf(seq)));
  return out;
}

const seqs = (list: readonly JournalEntry[]) => list.map((e) => e.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** A redis-server of this test's own, and a connected store on it; both torn down after the test. */
async function redisSubject(
  t: ExecutionContext,
  options: { journalMaxLen?: number } = {},
): Promise<{ store: RedisStore; server: RedisServer }> {
  const server = await startRedisServer();
  t.teardown(() => server.dispose());
  const store = new RedisStore({ url: server.url, instance: INSTANCE, ...options });
  t.teardown(() => store.close());
  await store.connect();
  return { store, server };
}

const factories: ReadonlyArray<readonly [string, (t: ExecutionContext) => Promise<Store>]> = [
  ['memory', async () => new MemoryStore({ instance: INSTANCE })],
  ['redis', async (t) => (await redisSubject(t)).store],
];

for (const [kind, open] of factories) {
  test(`${kind} store reads appended entries back oldest first, field for field`, async (t) => {
    const store = await open(t);
    const written = [entry(1, 'feed', 'start'), entry(2, 'market', 'tick'), entry(3, 'feed', 'stop')];
    await store.appendJournal(written);
    t.deepEqual(await store.readJournal({ limit: 100 }), written);
  });

  test(`${kind} store filters the journal by actor, since and limit`, async (t) => {
    const store = await open(t);
    await store.appendJournal(entries(1, 30, (seq) => (seq % 3 === 0 ? 'market' : 'feed')));
    t.deepEqual(
      seqs(await store.readJournal({ actor: 'market', limit: 100 })),
      [3, 6, 9, 12, 15, 18, 21, 24, 27, 30],
    );
    t.deepEqual(seqs(await store.readJournal({ since: 25, limit: 100 })), [26, 27, 28, 29, 30]);
    t.deepEqual(seqs(await store.readJournal({ limit: 4 })), [1, 2, 3, 4]);
    t.deepEqual(seqs(await store.readJournal({ actor: 'market', since: 10, limit: 3 })), [12, 15, 18]);
    t.deepEqual(await store.readJournal({ actor: 'nobody', limit: 10 }), []);
    t.deepEqual(await store.readJournal({ since: 30, limit: 10 }), []);
  });

  test(`${kind} store finds a rare actor's entries across many pages of others`, async (t) => {
    const store = await open(t);
    for (let from = 1; from <= 5000; from += 1000) {
      await store.appendJournal(entries(from, from + 999, (seq) => (seq % 997 === 0 ? 'rare' : 'busy')));
    }
    t.deepEqual(seqs(await store.readJournal({ actor: 'rare', limit: 10 })), [997, 1994, 2991, 3988, 4985]);
    t.deepEqual(seqs(await store.readJournal({ actor: 'rare', since: 1994, limit: 2 })), [2991, 3988]);
    t.deepEqual(seqs(await store.readJournal({ since: 2500, limit: 2000 })), range(2501, 4500));
  });

  test(`${kind} store skips already stored seqs when a batch is appended again`, async (t) => {
    const store = await open(t);
    await store.appendJournal(entries(1, 10));
    const retried = entries(6, 2600).map((e) => ({ ...e, event: 'retried' }));
    await t.notThrowsAsync(store.appendJournal(retried));
    await t.notThrowsAsync(store.appendJournal(entries(1, 10)));
    const all = await store.readJournal({ limit: 10_000 });
    t.deepEqual(seqs(all), range(1, 2600));
    t.true(
      all.slice(0, 10).every((e) => e.event === 'tick'),
      'the first copy of a seq is the one kept',
    );
    t.true(all.slice(10).every((e) => e.event === 'retried'));
  });

  test(`${kind} store reports the highest journal seq, 0 when empty`, async (t) => {
    const store = await open(t);
    t.is(await store.lastJournalSeq(), 0);
    await store.appendJournal(entries(1, 41));
    t.is(await store.lastJournalSeq(), 41);
    await store.appendJournal(entries(30, 35));
    t.is(await store.lastJournalSeq(), 41);
  });

  test(`${kind} store round-trips actor records and forgets deleted ones`, async (t) => {
    const store = await open(t);
    t.is(await store.loadActor('feed'), undefined);
    const first = { snapshot: { value: 'running', context: { n: 1 } }, state: 'running', savedAt: 1000 };
    await store.saveActor('feed', first);
    t.deepEqual(await store.loadActor('feed'), first);
    const second = {
      snapshot: { value: { tracking: 'above' }, context: { n: 2 } },
      state: 'tracking.above',
      savedAt: 2000,
    };
    await store.saveActor('feed', second);
    t.deepEqual(await store.loadActor('feed'), second);
    await store.deleteActor('feed');
    t.is(await store.loadActor('feed'), undefined);
    await t.notThrowsAsync(store.deleteActor('never-saved'));
  });

  test(`${kind} store round-trips JSON values by key`, async (t) => {
    const store = await open(t);
    t.is(await store.getValue('mode'), undefined);
    await store.setValue('mode', 'shadow');
    await store.setValue('limits', { maxOrders: 5, symbols: ['BTC/USDT'], halted: false, ratio: 0.25 });
    t.is(await store.getValue<string>('mode'), 'shadow');
    t.deepEqual(await store.getValue('limits'), {
      maxOrders: 5,
      symbols: ['BTC/USDT'],
      halted: false,
      ratio: 0.25,
    });
    await store.setValue('mode', 'live');
    t.is(await store.getValue<string>('mode'), 'live');
  });
}

test('redis store writes the documented keys, readable with plain Redis commands', async (t) => {
  const { store, server } = await redisSubject(t);
  await store.appendJournal([entry(7, 'feed', 'start')]);
  await store.saveActor('feed', { snapshot: { value: 'running' }, state: 'running', savedAt: 1234 });
  await store.setValue('mode', { mode: 'shadow' });
  const raw = new Redis(server.url, { lazyConnect: true });
  t.teardown(() => raw.disconnect());
  await raw.connect();
  const keys = redisKeys(INSTANCE);
  t.is(keys.journal, 'predator:spec:journal');
  t.deepEqual(await raw.xrange('predator:spec:journal', '-', '+'), [
    [
      '7-0',
      [
        'seq',
        '7',
        't',
        String(entry(7).t),
        'actor',
        'feed',
        'machine',
        'lifecycle',
        'from',
        'idle',
        'event',
        'start',
        'to',
        'running',
      ],
    ],
  ]);
  t.deepEqual(await raw.hgetall('predator:spec:actor:feed'), {
    snapshot: '{"value":"running"}',
    state: 'running',
    savedAt: '1234',
  });
  t.deepEqual(await raw.smembers('predator:spec:actors'), ['feed']);
  t.is(await raw.get('predator:spec:kv:mode'), '{"mode":"shadow"}');
  await store.deleteActor('feed');
  t.deepEqual(await raw.smembers('predator:spec:actors'), []);
  t.is(await raw.exists('predator:spec:actor:feed'), 0);
});

test('redis store trims the journal near journalMaxLen and still skips trimmed seqs', async (t) => {
  const { store, server } = await redisSubject(t, { journalMaxLen: 100 });
  for (let from = 1; from <= 2000; from += 500) await store.appendJournal(entries(from, from + 499));
  const raw = new Redis(server.url, { lazyConnect: true });
  t.teardown(() => raw.disconnect());
  await raw.connect();
  const length = await raw.xlen(redisKeys(INSTANCE).journal);
  t.true(length >= 100 && length < 500, `stream length ${length}`);
  await store.appendJournal(entries(1, 3));
  t.is(await raw.xlen(redisKeys(INSTANCE).journal), length);
  t.is(await store.lastJournalSeq(), 2000);
});

test('redis store passes a Redis error other than an already stored seq through unchanged', async (t) => {
  const { store, server } = await redisSubject(t);
  const raw = new Redis(server.url, { lazyConnect: true });
  t.teardown(() => raw.disconnect());
  await raw.connect();
  await raw.set(redisKeys(INSTANCE).journal, 'not a stream');
  const error = await t.throwsAsync(store.appendJournal(entries(1, 3)));
  t.false(error instanceof StoreUnavailableError, 'a wrong key type is a bug, not an outage');
  t.regex(error?.message ?? '', /WRONGTYPE/);
  t.is(store.status(), 'up');
});

test('redis store shares one connect between concurrent callers and connects again after close', async (t) => {
  const server = await startRedisServer();
  t.teardown(() => server.dispose());
  const store = new RedisStore({ url: server.url, instance: INSTANCE });
  t.teardown(() => store.close());
  await Promise.all([store.connect(), store.connect()]);
  await store.connect();
  await store.appendJournal(entries(1, 5));
  await store.close();
  t.is(store.status(), 'down');
  await t.throwsAsync(store.lastJournalSeq(), { instanceOf: StoreUnavailableError });
  await store.connect();
  t.is(store.status(), 'up');
  t.is(await store.lastJournalSeq(), 5);
});

test('redis store connect rejects with StoreUnavailableError naming the URL when nothing listens', async (t) => {
  const url = `redis://127.0.0.1:${await freePort()}`;
  const store = new RedisStore({ url, instance: INSTANCE });
  const started = Date.now();
  const error = await t.throwsAsync(store.connect(), { instanceOf: StoreUnavailableError });
  t.true(Date.now() - started < 2500, `took ${Date.now() - started} ms`);
  t.is(error?.url, url);
  t.true(error?.message.includes(url), error?.message);
  t.is(store.status(), 'down');
  await t.throwsAsync(store.appendJournal([entry(1)]), { instanceOf: StoreUnavailableError });
});

test('redis store connect gives up at its deadline on a server that accepts but never answers', async (t) => {
  const sockets = new Set<Socket>();
  const silent = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        silent.close(() => resolve());
      }),
  );
  const address = silent.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const url = `redis://127.0.0.1:${port}`;
  const store = new RedisStore({ url, instance: INSTANCE, connectTimeoutMs: 300 });
  const started = Date.now();
  const error = await t.throwsAsync(store.connect(), { instanceOf: StoreUnavailableError });
  t.true(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
  t.true(error?.message.includes(url), error?.message);
  t.is(store.status(), 'down');
});

test('redis store masks the password of its URL in errors', async (t) => {
  const url = `redis://:hunter2@127.0.0.1:${await freePort()}`;
  const store = new RedisStore({ url, instance: INSTANCE });
  const error = await t.throwsAsync(store.connect(), { instanceOf: StoreUnavailableError });
  t.false(error?.message.includes('hunter2'), error?.message);
  t.false(error?.url.includes('hunter2'));
});

test('redis store survives redis-server dying mid-run and keeps every acknowledged entry exactly once', async (t) => {
  const { store, server } = await redisSubject(t);
  const heard: StoreStatus[] = [];
  store.onStatus((status) => heard.push(status));

  // A writer shaped like the kernel Journal: entries stay pending until the store acknowledges them.
  let next = 1;
  const pending: JournalEntry[] = [];
  const acknowledged = new Set<number>();
  const produce = (n: number) => {
    pending.push(...entries(next, next + n - 1, (seq) => (seq % 2 === 0 ? 'feed' : 'market')));
    next += n;
  };
  const flush = async (batch: readonly JournalEntry[]): Promise<boolean> => {
    try {
      await store.appendJournal(batch);
    } catch (error) {
      t.true(error instanceof StoreUnavailableError, String(error));
      return false;
    }
    for (const e of batch) acknowledged.add(e.seq);
    return true;
  };

  produce(2000);
  while (pending.length > 0) t.true(await flush(pending.splice(0, 200)));
  t.is(acknowledged.size, 2000);

  // Batches in flight while the server is SIGKILLed: some may be acknowledged, the rest are kept.
  produce(5000);
  const inFlight = [];
  for (let i = 0; i < 25; i++) {
    const batch = pending.slice(i * 200, (i + 1) * 200);
    inFlight.push(flush(batch).then((ok) => ({ batch, ok })));
  }
  await server.kill();
  const outcomes = await Promise.all(inFlight);
  const kept = outcomes.filter((o) => !o.ok).flatMap((o) => o.batch);
  pending.splice(0, pending.length, ...kept);
  t.log(`kept ${kept.length}, acked ${acknowledged.size}`);

  await pollUntil('store status down', () => store.status() === 'down');
  const started = Date.now();
  const refused = await t.throwsAsync(store.appendJournal(entries(next, next)), {
    instanceOf: StoreUnavailableError,
  });
  t.true(Date.now() - started < 1000, 'a write while down is refused at once, not queued');
  t.true(refused?.message.includes(server.url), refused?.message);
  await t.throwsAsync(store.readJournal({ limit: 1 }), { instanceOf: StoreUnavailableError });
  await t.throwsAsync(store.saveActor('feed', { snapshot: {}, state: 'x', savedAt: 0 }), {
    instanceOf: StoreUnavailableError,
  });

  await server.restart();
  await pollUntil('store status up', () => store.status() === 'up', { attempts: 400 });
  t.deepEqual(heard, ['down', 'up']);

  // The Journal retries what it kept; an acknowledged batch sent again must not duplicate either.
  while (pending.length > 0) t.true(await flush(pending.splice(0, 200)));
  await store.appendJournal(entries(1, 500));
  const all = await store.readJournal({ limit: 100_000 });
  t.deepEqual(seqs(all), range(1, 7000));
  t.true(acknowledged.size === 7000);
  t.is(await store.lastJournalSeq(), 7000);
});

test('redis store treats a frozen redis-server as down and comes back up when it thaws', async (t) => {
  const server = await startRedisServer();
  t.teardown(() => server.dispose());
  const store = new RedisStore({ url: server.url, instance: INSTANCE, commandTimeoutMs: 300 });
  t.teardown(() => store.close());
  await store.connect();
  const heard: StoreStatus[] = [];
  store.onStatus((status) => heard.push(status));
  await store.appendJournal(entries(1, 10));

  server.freeze();
  t.teardown(() => server.thaw());
  const started = Date.now();
  await t.throwsAsync(store.appendJournal(entries(11, 20)), { instanceOf: StoreUnavailableError });
  t.true(Date.now() - started < 2000, `a write to a frozen server failed after ${Date.now() - started} ms`);
  await pollUntil('store status down', () => store.status() === 'down');

  server.thaw();
  await pollUntil('store status up', () => store.status() === 'up', { attempts: 400 });
  t.deepEqual(heard, ['down', 'up']);
  await store.appendJournal(entries(11, 20));
  t.deepEqual(seqs(await store.readJournal({ limit: 100 })), range(1, 20));
});

test('redis store keeps journal, actor records and values across a redis-server restart on the same dir', async (t) => {
  const { store, server } = await redisSubject(t);
  await store.appendJournal(entries(1, 300));
  const record = {
    snapshot: { value: 'halted', context: { reason: 'drawdown' } },
    state: 'halted',
    savedAt: 42,
  };
  await store.saveActor('system', record);
  await store.setValue('killSwitch', { level: 'global', engaged: true });

  await server.stop();
  await pollUntil('store status down', () => store.status() === 'down');
  await server.restart();
  await pollUntil('store status up', () => store.status() === 'up', { attempts: 400 });

  const fresh = new RedisStore({ url: server.url, instance: INSTANCE });
  t.teardown(() => fresh.close());
  await fresh.connect();
  for (const reader of [store, fresh]) {
    t.deepEqual(seqs(await reader.readJournal({ limit: 1000 })), range(1, 300));
    t.is(await reader.lastJournalSeq(), 300);
    t.deepEqual(await reader.loadActor('system'), record);
    t.deepEqual(await reader.getValue('killSwitch'), { level: 'global', engaged: true });
  }
});
