import test from 'ava';
import type { ExecutionContext } from 'ava';
import Redis from 'ioredis';
import { StoreUnavailableError } from '../../actors/kernel/errors';
import type { Store } from '../../actors/kernel/store';
import { MemoryStore } from '../../actors/kernel/store-memory';
import { RedisStore } from '../../actors/kernel/store-redis';
import type {
  ExecutionStore,
  ExecutionStoreOptions,
  FillRecord,
  IntentRecord,
  OrderRecord,
} from '../../actors/trading/execution-store';
import { ExecutionRecordError, createExecutionStore } from '../../actors/trading/execution-store-factory';
import { executionKeys } from '../../actors/trading/execution-store-redis';
import { pollUntil, startRedisServer } from '../helpers/redis-server';
import type { RedisServer } from '../helpers/redis-server';
import { T0, fillOf } from './execution-store-fixture';

const INSTANCE = 'spec';

/** The intent record of intent `n`; its client order id is `pd-<n>` (the real derivation is not the point here). */
function intentRecord(
  n: number,
  more: { engine?: string; strategy?: string; t?: number } = {},
): IntentRecord {
  const engine = more.engine ?? 'mm';
  return {
    intent: {
      intentId: `${engine}:BTCUSDT:${n}`,
      engine,
      strategy: more.strategy ?? 'quoter',
      symbol: 'BTCUSDT',
      side: 'buy',
      type: 'limit',
      qty: 0.1,
      price: 50_000,
      t: more.t ?? T0 + n,
    },
    clientOrderId: `pd-${engine}-${n}`,
    venue: 'sim',
    mode: 'shadow',
    t: more.t ?? T0 + n,
  };
}

/** The order record of `intent` in `state`, saved at `t`. */
function orderOf(intent: IntentRecord, state = 'pending', t = intent.t, terminal = false): OrderRecord {
  const { intentId, engine, strategy, symbol, side, type, qty, price } = intent.intent;
  return {
    clientOrderId: intent.clientOrderId,
    intentId,
    engine,
    strategy,
    symbol,
    side,
    type,
    qty,
    price: price ?? null,
    filledQty: 0,
    avgPrice: null,
    state,
    terminal,
    snapshot: { status: 'active', value: state, context: { clientOrderId: intent.clientOrderId, checks: 0 } },
    t,
  };
}

/** Records intent `n` and saves its order through `states` (one save per state, a ms apart). */
async function placeOrder(
  exec: ExecutionStore,
  intent: IntentRecord,
  ...states: (readonly [state: string, terminal: boolean])[]
): Promise<OrderRecord> {
  let order = orderOf(intent);
  await exec.recordIntent(intent, order);
  for (const [i, [state, terminal]] of states.entries()) {
    order = orderOf(intent, state, intent.t + i + 1, terminal);
    await exec.saveOrder(order, { clearOutbox: state === 'submitted' });
  }
  return order;
}

const SUBMITTED = ['submitted', false] as const;
const OPEN = ['open', false] as const;
const FILLED = ['filled', true] as const;
const CANCELLED = ['cancelled', true] as const;

/** A redis-server of this test's own and a connected kernel store on it; both torn down after it. */
async function redisSubject(
  t: ExecutionContext,
  options: { commandTimeoutMs?: number } = {},
): Promise<{ store: RedisStore; server: RedisServer }> {
  const server = await startRedisServer();
  t.teardown(() => server.dispose());
  const store = await connectedStore(t, server, options);
  return { store, server };
}

async function connectedStore(
  t: ExecutionContext,
  server: RedisServer,
  options: { commandTimeoutMs?: number } = {},
): Promise<RedisStore> {
  const store = new RedisStore({ url: server.url, instance: INSTANCE, ...options });
  t.teardown(() => store.close());
  await store.connect();
  return store;
}

/** A plain ioredis client, to look at the keys as an operator would. */
async function rawClient(t: ExecutionContext, server: RedisServer): Promise<Redis> {
  const raw = new Redis(server.url, { lazyConnect: true });
  t.teardown(() => raw.disconnect());
  await raw.connect();
  return raw;
}

type Open = (t: ExecutionContext, options?: ExecutionStoreOptions) => Promise<ExecutionStore>;

const kinds: ReadonlyArray<readonly [string, Open]> = [
  ['memory', async (_t, options) => createExecutionStore(new MemoryStore({ instance: INSTANCE }), options)],
  ['redis', async (t, options) => createExecutionStore((await redisSubject(t)).store, options)],
];

/** Everything a store holds that a spec can see through the interface. */
async function contents(exec: ExecutionStore) {
  return { orders: await exec.orders(), outbox: await exec.outbox(), fills: await exec.fills() };
}

for (const [kind, open] of kinds) {
  test(`${kind} execution store records an intent once: the second recordIntent answers exists and changes nothing`, async (t) => {
    const exec = await open(t);
    const intent = intentRecord(1);
    const order = orderOf(intent);
    t.is(await exec.recordIntent(intent, order), 'written');
    t.deepEqual(await exec.intent(intent.intent.intentId), intent);
    t.deepEqual(await exec.order(intent.clientOrderId), order);
    t.deepEqual(await exec.outbox(), [intent]);
    t.deepEqual(await exec.orders({ live: true }), [order]);

    const replay = { ...intent, venue: 'binance', t: intent.t + 99 };
    t.is(await exec.recordIntent(replay, { ...order, state: 'other', t: order.t + 99 }), 'exists');
    t.deepEqual(await exec.intent(intent.intent.intentId), intent);
    t.deepEqual(await exec.order(intent.clientOrderId), order);
    t.deepEqual(await exec.outbox(), [intent]);

    const read = (await exec.order(intent.clientOrderId)) as { state: string };
    read.state = 'mutated by a reader';
    t.deepEqual(await exec.order(intent.clientOrderId), order, 'a read hands out a copy');
    t.is(await exec.intent('mm:BTCUSDT:404'), undefined);
    t.is(await exec.order('pd-none'), undefined);
  });

  test(`${kind} execution store lists the outbox oldest first per engine and clears an entry with the submitted save`, async (t) => {
    const exec = await open(t);
    const a = intentRecord(1, { engine: 'mm', t: T0 + 30 });
    const b = intentRecord(2, { engine: 'tf', t: T0 + 10 });
    const c = intentRecord(3, { engine: 'mm', t: T0 + 20 });
    const d = intentRecord(4, { engine: 'mm', t: T0 + 20 });
    for (const intent of [a, b, c, d]) await exec.recordIntent(intent, orderOf(intent));
    t.deepEqual(await exec.outbox(), [b, c, d, a], 'by admission time, then intent id');
    t.deepEqual(await exec.outbox('mm'), [c, d, a]);
    t.deepEqual(await exec.outbox('nobody'), []);

    await exec.saveOrder(orderOf(c, 'pending', c.t + 1));
    t.deepEqual(await exec.outbox('mm'), [c, d, a], 'a save without clearOutbox keeps the entry');
    const submitted = orderOf(c, 'submitted', c.t + 2);
    await exec.saveOrder(submitted, { clearOutbox: true });
    t.deepEqual(await exec.outbox('mm'), [d, a]);
    t.deepEqual(await exec.order(c.clientOrderId), submitted);
    await exec.saveOrder(orderOf(c, 'open', c.t + 3), { clearOutbox: true });
    t.deepEqual(await exec.outbox(), [b, d, a], 'clearing an entry already gone is harmless');
  });

  test(`${kind} execution store moves a terminal order out of the live orders and out of the outbox`, async (t) => {
    const exec = await open(t);
    const sent = intentRecord(1);
    const never = intentRecord(2);
    await placeOrder(exec, sent, SUBMITTED, OPEN);
    await exec.recordIntent(never, orderOf(never));
    t.deepEqual(
      (await exec.orders({ live: true })).map((o) => o.state),
      ['open', 'pending'],
    );

    const filled = orderOf(sent, 'filled', sent.t + 10, true);
    await exec.saveOrder(filled);
    // Cancelled before it was sent: a terminal order must never be sent after a crash.
    const cancelled = orderOf(never, 'cancelled', never.t + 5, true);
    await exec.saveOrder(cancelled);
    t.deepEqual(await exec.orders({ live: true }), []);
    t.deepEqual(await exec.orders({ live: false }), [filled, cancelled]);
    t.deepEqual(await exec.orders(), [filled, cancelled]);
    t.deepEqual(await exec.outbox(), []);
  });

  test(`${kind} execution store filters orders by engine and liveness, newest first, up to a limit`, async (t) => {
    const exec = await open(t);
    const mm1 = await placeOrder(exec, intentRecord(1, { engine: 'mm' }), SUBMITTED, OPEN, FILLED);
    const mm2 = await placeOrder(exec, intentRecord(2, { engine: 'mm' }), SUBMITTED, OPEN);
    const tf3 = await placeOrder(exec, intentRecord(3, { engine: 'tf' }), SUBMITTED, CANCELLED);
    const tf4 = await placeOrder(exec, intentRecord(4, { engine: 'tf' }));
    const mm5 = await placeOrder(exec, intentRecord(5, { engine: 'mm' }), SUBMITTED, OPEN, FILLED);
    const ids = (orders: OrderRecord[]) => orders.map((o) => o.clientOrderId);
    // Saved last at: mm1 T0+4, mm2 T0+4, tf3 T0+5, tf4 T0+4, mm5 T0+8 (equal times by id, descending).
    t.deepEqual(ids(await exec.orders()), ids([mm5, tf3, tf4, mm2, mm1]));
    t.deepEqual(ids(await exec.orders({ live: true })), ids([tf4, mm2]));
    t.deepEqual(ids(await exec.orders({ live: false })), ids([mm5, tf3, mm1]));
    t.deepEqual(ids(await exec.orders({ engine: 'mm' })), ids([mm5, mm2, mm1]));
    t.deepEqual(ids(await exec.orders({ engine: 'mm', live: false })), ids([mm5, mm1]));
    t.deepEqual(ids(await exec.orders({ engine: 'tf', live: true })), ids([tf4]));
    t.deepEqual(ids(await exec.orders({ limit: 2 })), ids([mm5, tf3]));
    t.deepEqual(ids(await exec.orders({ live: false, limit: 1 })), ids([mm5]));
    t.deepEqual(await exec.orders({ limit: 0 }), []);
    t.deepEqual(await exec.orders({ engine: 'nobody' }), []);
  });

  test(`${kind} execution store returns every live order but 500 terminal ones when no limit is set`, async (t) => {
    const exec = await open(t);
    const batch = async (from: number, to: number, terminal: boolean) => {
      const writes = [];
      for (let n = from; n <= to; n++) {
        const intent = intentRecord(n);
        writes.push(
          exec
            .recordIntent(intent, orderOf(intent))
            .then(() => (terminal ? exec.saveOrder(orderOf(intent, 'filled', intent.t, true)) : undefined)),
        );
      }
      await Promise.all(writes);
    };
    await batch(1, 520, true);
    await batch(521, 1120, false);
    t.is((await exec.orders({ live: true })).length, 600);
    const terminal = await exec.orders({ live: false });
    t.is(terminal.length, 500);
    t.is(terminal[0]?.clientOrderId, 'pd-mm-520');
    t.is(terminal[499]?.clientOrderId, 'pd-mm-21');
    t.is((await exec.orders()).length, 1100);
    t.is((await exec.orders({ live: false, limit: 520 })).length, 520);
  });

  test(`${kind} execution store returns fills oldest first, filtered, the most recent up to a limit`, async (t) => {
    const exec = await open(t);
    const fills = [
      fillOf(1),
      fillOf(2, { engine: 'tf', strategy: 'trend', symbol: 'ETHUSDT' }),
      fillOf(3, { strategy: 'hedger' }),
      fillOf(4, { symbol: 'ETHUSDT' }),
      fillOf(5),
    ];
    for (const fill of fills) t.is(await exec.appendFill(fill), 'recorded');
    const ids = (list: FillRecord[]) => list.map((f) => f.fillId);
    t.deepEqual(await exec.fills(), fills);
    t.deepEqual(ids(await exec.fills({ engine: 'mm' })), ['f-1', 'f-3', 'f-4', 'f-5']);
    t.deepEqual(ids(await exec.fills({ engine: 'mm', strategy: 'quoter' })), ['f-1', 'f-4', 'f-5']);
    t.deepEqual(ids(await exec.fills({ symbol: 'ETHUSDT' })), ['f-2', 'f-4']);
    t.deepEqual(ids(await exec.fills({ since: T0 + 3 })), ['f-3', 'f-4', 'f-5']);
    t.deepEqual(ids(await exec.fills({ limit: 2 })), ['f-4', 'f-5']);
    t.deepEqual(ids(await exec.fills({ engine: 'mm', since: T0 + 2, limit: 2 })), ['f-4', 'f-5']);
    t.deepEqual(await exec.fills({ limit: 0 }), []);
    t.deepEqual(await exec.fills({ strategy: 'nobody' }), []);
  });

  test(`${kind} execution store finds the most recent matching fills across many pages of others`, async (t) => {
    const exec = await open(t);
    const writes = [];
    for (let n = 1; n <= 2600; n++) {
      writes.push(exec.appendFill(fillOf(n, n % 500 === 0 ? { engine: 'rare' } : {})));
    }
    await Promise.all(writes);
    const ids = (list: FillRecord[]) => list.map((f) => f.fillId);
    t.deepEqual(ids(await exec.fills({ engine: 'rare' })), ['f-500', 'f-1000', 'f-1500', 'f-2000', 'f-2500']);
    t.deepEqual(ids(await exec.fills({ engine: 'rare', limit: 2 })), ['f-2000', 'f-2500']);
    const recent = await exec.fills();
    t.is(recent.length, 500);
    t.is(recent[0]?.fillId, 'f-2101');
    t.is((await exec.fills({ limit: 5000 })).length, 2600);
  });

  test(`${kind} execution store records a fill once: the same fillId again is a duplicate and changes nothing`, async (t) => {
    const exec = await open(t);
    t.is(await exec.appendFill(fillOf(1)), 'recorded');
    t.is(await exec.appendFill(fillOf(1, { qty: 0.2, t: T0 + 50 })), 'duplicate');
    t.is(await exec.appendFill(fillOf(1)), 'duplicate');
    t.deepEqual(await exec.fills(), [fillOf(1)]);
    const [first, second] = await Promise.all([exec.appendFill(fillOf(2)), exec.appendFill(fillOf(2))]);
    t.deepEqual([first, second].sort(), ['duplicate', 'recorded']);
    t.deepEqual(await exec.fills(), [fillOf(1), fillOf(2)]);
  });

  test(`${kind} execution store keeps the newest fillsCap fills and forgets the ids of those dropped`, async (t) => {
    const exec = await open(t, { fillsCap: 3 });
    for (let n = 1; n <= 3; n++) await exec.appendFill(fillOf(n));
    t.is(await exec.forgottenBefore(), Number.NEGATIVE_INFINITY);
    for (let n = 4; n <= 5; n++) await exec.appendFill(fillOf(n));
    t.deepEqual(await exec.fills(), [fillOf(3), fillOf(4), fillOf(5)]);
    // The retention horizon: the newest `t` dropped (fill 2's), for reconciliation to stop at.
    t.is(await exec.forgottenBefore(), fillOf(2).t);
    t.is(await exec.appendFill(fillOf(4)), 'duplicate');
    // The de-duplication window is the cap: a fill dropped from the list is new again.
    t.is(await exec.appendFill(fillOf(1)), 'recorded');
    t.deepEqual(await exec.fills(), [fillOf(4), fillOf(5), fillOf(1)]);
  });

  test(`${kind} execution store keeps the newest terminalOrdersCap orders with an outcome, dropping the oldest with their intents`, async (t) => {
    const exec = await open(t, { terminalOrdersCap: 2 });
    const intents = [1, 2, 3, 4].map((n) =>
      intentRecord(n, { engine: n % 2 === 0 ? 'tf' : 'mm', t: T0 + n * 10 }),
    );
    for (const intent of intents) await exec.recordIntent(intent, orderOf(intent));
    const live = intents[3] as IntentRecord;
    // Three reach an outcome, oldest first; the fourth stays live whatever the cap.
    for (const intent of intents.slice(0, 3))
      await exec.saveOrder(orderOf(intent, 'cancelled', intent.t + 1, true));
    const kept = (await exec.orders({ limit: 100 })).map((o) => o.intentId);
    t.deepEqual(
      kept,
      [live, intents[2], intents[1]].map((i) => (i as IntentRecord).intent.intentId),
    );
    const dropped = intents[0] as IntentRecord;
    t.is(await exec.order(dropped.clientOrderId), undefined);
    t.is(await exec.forgottenBefore(), dropped.t + 1, "the dropped order's last save");
    t.is(await exec.intent(dropped.intent.intentId), undefined, 'its intent goes with it');
    t.deepEqual(await exec.orders({ engine: 'mm', live: false }), [
      orderOf(intents[2] as IntentRecord, 'cancelled', (intents[2] as IntentRecord).t + 1, true),
    ]);
    t.deepEqual(await exec.orders({ live: true }), [orderOf(live)]);
    t.deepEqual(await exec.intent(live.intent.intentId), live);
  });

  test(`${kind} execution store refuses records with a missing field, naming it, and writes nothing`, async (t) => {
    const exec = await open(t);
    const intent = intentRecord(1);
    const { clientOrderId: _dropped, ...withoutId } = orderOf(intent);
    const error = await t.throwsAsync(exec.recordIntent(intent, withoutId as OrderRecord), {
      instanceOf: ExecutionRecordError,
    });
    t.true(
      error?.issues.some((i) => i.startsWith('order.clientOrderId:')),
      error?.message,
    );
    t.true(error?.message.includes('order.clientOrderId'), error?.message);

    const noEngine = { ...intent, intent: { ...intent.intent, engine: '' } };
    const bad = await t.throwsAsync(exec.recordIntent(noEngine, orderOf(intent)), {
      instanceOf: ExecutionRecordError,
    });
    t.deepEqual(bad?.issues, ['intent.intent.engine: expected a non-empty string']);

    const { fillId: _none, ...anonymous } = fillOf(1);
    const fillError = await t.throwsAsync(exec.appendFill(anonymous as FillRecord), {
      instanceOf: ExecutionRecordError,
    });
    t.true(
      fillError?.issues.some((i) => i.startsWith('fill.fillId:')),
      fillError?.message,
    );
    await t.throwsAsync(exec.saveOrder({ ...orderOf(intent), t: Number.NaN }), {
      instanceOf: ExecutionRecordError,
      message: /order\.t:/,
    });
    t.deepEqual(await contents(exec), { orders: [], outbox: [], fills: [] });
    t.is(await exec.intent(intent.intent.intentId), undefined);
  });

  test(`${kind} execution store refuses a snapshot JSON would change, naming the path, and writes nothing`, async (t) => {
    const exec = await open(t);
    const intent = intentRecord(1);
    const cyclic: Record<string, unknown> = { value: 'open' };
    cyclic.self = cyclic;
    const cases: [snapshot: unknown, issue: RegExp][] = [
      [
        { context: { qty: Number.NaN } },
        /^order\.snapshot\.context\.qty: expected a finite number, got NaN$/,
      ],
      [{ context: { big: 10n } }, /^order\.snapshot\.context\.big: .*bigint$/],
      [
        { context: { at: new Date(T0) } },
        /^order\.snapshot\.context\.at: expected a plain object, got a Date$/,
      ],
      [{ context: { seen: new Map() } }, /^order\.snapshot\.context\.seen: .*Map$/],
      [{ context: { send: () => 1 } }, /^order\.snapshot\.context\.send: .*function$/],
      [{ list: [1, undefined] }, /^order\.snapshot\.list\[1\]: .*undefined/],
      [cyclic, /^order\.snapshot\.self: .*circular/],
      [undefined, /^order\.snapshot: /],
    ];
    for (const [snapshot, issue] of cases) {
      const order = { ...orderOf(intent), snapshot };
      const error = await t.throwsAsync(exec.recordIntent(intent, order), {
        instanceOf: ExecutionRecordError,
      });
      t.regex(error?.issues.join('\n') ?? '', issue);
      await t.throwsAsync(exec.saveOrder(order), { instanceOf: ExecutionRecordError });
    }
    const allowed = { ...orderOf(intent), snapshot: { context: { price: undefined, n: 1 } } };
    t.is(
      await exec.recordIntent(intent, allowed),
      'written',
      'an undefined property is dropped, as JSON does',
    );
    t.deepEqual((await exec.order(intent.clientOrderId))?.snapshot, { context: { n: 1 } });
  });

  test(`${kind} execution store refuses a first order record that does not match its intent`, async (t) => {
    const exec = await open(t);
    const intent = intentRecord(1);
    const error = await t.throwsAsync(
      exec.recordIntent(intent, {
        ...orderOf(intent),
        clientOrderId: 'pd-other',
        engine: 'tf',
        terminal: true,
      }),
      { instanceOf: ExecutionRecordError },
    );
    t.deepEqual(error?.issues, [
      'order.clientOrderId: expected "pd-mm-1" (the intent record\'s), got "pd-other"',
      'order.engine: expected "mm" (the intent\'s), got "tf"',
      'order.terminal: expected false (a new order has no outcome), got true',
    ]);
    t.deepEqual(await contents(exec), { orders: [], outbox: [], fills: [] });
  });

  test(`${kind} execution store refuses a malformed query, naming the field`, async (t) => {
    const exec = await open(t);
    await t.throwsAsync(exec.orders({ limit: -1 }), {
      instanceOf: ExecutionRecordError,
      message: /query\.limit/,
    });
    await t.throwsAsync(exec.fills({ limit: 2.5 }), {
      instanceOf: ExecutionRecordError,
      message: /query\.limit/,
    });
    await t.throwsAsync(exec.fills({ since: Number.NaN }), {
      instanceOf: ExecutionRecordError,
      message: /query\.since/,
    });
    await t.throwsAsync(exec.order(''), { instanceOf: ExecutionRecordError, message: /clientOrderId/ });
  });
}

test('memory execution stores made from the same kernel store share their state', async (t) => {
  const kernel = new MemoryStore({ instance: INSTANCE });
  const intent = intentRecord(1);
  t.is(await createExecutionStore(kernel).recordIntent(intent, orderOf(intent)), 'written');
  const again = createExecutionStore(kernel);
  t.is(await again.recordIntent(intent, orderOf(intent)), 'exists', 'a restarted actor must not resend');
  t.deepEqual(await again.outbox(), [intent]);
  t.deepEqual(await createExecutionStore(new MemoryStore({ instance: INSTANCE })).outbox(), []);
});

test('createExecutionStore rejects a redis store it cannot reach the connection of, and a bad fills or orders cap', (t) => {
  const impostor = { ...new MemoryStore({ instance: INSTANCE }), kind: 'redis' } as unknown as Store;
  t.throws(() => createExecutionStore(impostor), { instanceOf: TypeError, message: /not a RedisStore/ });
  const error = t.throws(
    () => createExecutionStore(new MemoryStore({ instance: INSTANCE }), { terminalOrdersCap: 1.5 }),
    { message: /invalid execution store options/ },
  );
  t.deepEqual((error as unknown as { issues: string[] }).issues, [
    'terminalOrdersCap: expected a positive integer, got 1.5',
  ]);
  t.throws(() => createExecutionStore(new MemoryStore({ instance: INSTANCE }), { fillsCap: 0 }), {
    message: /invalid execution store options/,
  });
});

test('redis execution store writes the documented keys as JSON, readable with plain Redis commands', async (t) => {
  const { store, server } = await redisSubject(t);
  const exec = createExecutionStore(store);
  const raw = await rawClient(t, server);
  const a = intentRecord(1);
  const b = intentRecord(2, { engine: 'tf' });
  await exec.recordIntent(a, orderOf(a));
  await placeOrder(exec, b, SUBMITTED, FILLED);
  await exec.appendFill(fillOf(2, { engine: 'tf' }));

  const keys = executionKeys(INSTANCE);
  t.is(keys.order('pd-mm-1'), 'predator:spec:exec:order:pd-mm-1');
  t.deepEqual(JSON.parse((await raw.get('predator:spec:exec:intent:mm:BTCUSDT:1')) ?? ''), a);
  t.deepEqual(JSON.parse((await raw.get('predator:spec:exec:order:pd-mm-1')) ?? ''), orderOf(a));
  t.is(JSON.parse((await raw.get('predator:spec:exec:order:pd-tf-2')) ?? '').state, 'filled');
  t.deepEqual(await raw.zrange('predator:spec:exec:outbox', '0', '-1'), ['mm:BTCUSDT:1']);
  t.deepEqual(await raw.zrange('predator:spec:exec:live', '0', '-1'), ['pd-mm-1']);
  t.deepEqual(await raw.zrange('predator:spec:exec:live:mm', '0', '-1'), ['pd-mm-1']);
  t.deepEqual(await raw.zrange('predator:spec:exec:live:tf', '0', '-1'), []);
  t.deepEqual(await raw.zrange('predator:spec:exec:done', '0', '-1', 'WITHSCORES'), [
    'pd-tf-2',
    String(b.t + 2),
  ]);
  t.deepEqual(await raw.zrange('predator:spec:exec:done:tf', '0', '-1'), ['pd-tf-2']);
  t.deepEqual(
    (await raw.lrange('predator:spec:exec:fills', 0, -1)).map((f) => JSON.parse(f) as unknown),
    [fillOf(2, { engine: 'tf' })],
  );
  t.deepEqual(await raw.smembers('predator:spec:exec:fill-ids'), ['f-2']);
  const all = [];
  for await (const batch of raw.scanStream({ match: 'predator:spec:exec:*' }))
    all.push(...(batch as string[]));
  t.deepEqual(all.sort(), [
    'predator:spec:exec:done',
    'predator:spec:exec:done:tf',
    'predator:spec:exec:fill-ids',
    'predator:spec:exec:fills',
    'predator:spec:exec:intent:mm:BTCUSDT:1',
    'predator:spec:exec:intent:tf:BTCUSDT:2',
    'predator:spec:exec:live',
    'predator:spec:exec:live:mm',
    'predator:spec:exec:order:pd-mm-1',
    'predator:spec:exec:order:pd-tf-2',
    'predator:spec:exec:outbox',
  ]);
});

test('redis execution store keeps every record across a redis-server restart, read through a new connection', async (t) => {
  const { store, server } = await redisSubject(t);
  const exec = createExecutionStore(store);
  const waiting = intentRecord(1);
  await exec.recordIntent(waiting, orderOf(waiting));
  await placeOrder(exec, intentRecord(2), SUBMITTED, OPEN);
  await placeOrder(exec, intentRecord(3, { engine: 'tf' }), SUBMITTED, FILLED);
  for (let n = 1; n <= 3; n++) await exec.appendFill(fillOf(n));
  const before = await contents(exec);

  await server.stop();
  await pollUntil('store status down', () => store.status() === 'down');
  await server.restart();
  const fresh = createExecutionStore(await connectedStore(t, server));
  t.deepEqual(await contents(fresh), before);
  t.deepEqual(await fresh.outbox('mm'), [waiting]);
  t.is(await fresh.recordIntent(waiting, orderOf(waiting)), 'exists');
  t.is(await fresh.appendFill(fillOf(2)), 'duplicate');
});

test('redis execution store rejects every write while redis-server is stopped, and none of them is stored', async (t) => {
  const { store, server } = await redisSubject(t);
  const exec = createExecutionStore(store);
  const sent = intentRecord(1);
  const open = await placeOrder(exec, sent, SUBMITTED, OPEN);
  const before = await contents(exec);

  await server.stop();
  await pollUntil('store status down', () => store.status() === 'down');
  const fresh = intentRecord(2);
  await t.throwsAsync(exec.recordIntent(fresh, orderOf(fresh)), { instanceOf: StoreUnavailableError });
  await t.throwsAsync(exec.saveOrder(orderOf(sent, 'filled', sent.t + 9, true)), {
    instanceOf: StoreUnavailableError,
  });
  await t.throwsAsync(exec.appendFill(fillOf(1)), { instanceOf: StoreUnavailableError });
  await t.throwsAsync(exec.orders(), { instanceOf: StoreUnavailableError });

  await server.restart();
  await pollUntil('store status up', () => store.status() === 'up', { attempts: 400 });
  t.deepEqual(await contents(exec), before);
  t.deepEqual(await exec.order(sent.clientOrderId), open);
  t.is(await exec.intent(fresh.intent.intentId), undefined);
  t.is(await exec.recordIntent(fresh, orderOf(fresh)), 'written', 'the refused intent can be written now');
});

test('redis execution store writes in flight when redis-server is killed land whole or not at all', async (t) => {
  const { store, server } = await redisSubject(t);
  const exec = createExecutionStore(store);
  const intents = Array.from({ length: 400 }, (_, i) => intentRecord(i + 1));
  const outcomes = intents.map((intent) =>
    exec.recordIntent(intent, orderOf(intent)).then(
      () => 'acknowledged',
      (error: unknown) => (error instanceof StoreUnavailableError ? 'refused' : String(error)),
    ),
  );
  // Killed once the first quarter is acknowledged, so the rest are in flight or not yet sent.
  await outcomes[99];
  await server.kill();
  const answers = await Promise.all(outcomes);
  t.true(
    answers.every((a) => a === 'acknowledged' || a === 'refused'),
    answers.join(),
  );

  await server.restart();
  const raw = await rawClient(t, server);
  const keys = executionKeys(INSTANCE);
  let whole = 0;
  for (const [i, intent] of intents.entries()) {
    const present = [
      await raw.exists(keys.intent(intent.intent.intentId)),
      await raw.exists(keys.order(intent.clientOrderId)),
      (await raw.zscore(keys.outbox, intent.intent.intentId)) === null ? 0 : 1,
      (await raw.zscore(keys.live, intent.clientOrderId)) === null ? 0 : 1,
      (await raw.zscore(keys.engineLive('mm'), intent.clientOrderId)) === null ? 0 : 1,
    ];
    t.true(
      present.every((p) => p === present[0]),
      `intent ${i + 1}: ${present.join()}`,
    );
    if (answers[i] === 'acknowledged') t.is(present[0], 1, `acknowledged intent ${i + 1} is stored`);
    whole += present[0] ?? 0;
  }
  t.log(`${answers.filter((a) => a === 'acknowledged').length} acknowledged, ${whole} stored whole`);
});

test('redis execution store writes an intent recorded at once from two connections exactly once', async (t) => {
  const { store, server } = await redisSubject(t);
  const one = createExecutionStore(store);
  const other = createExecutionStore(await connectedStore(t, server));
  for (let n = 1; n <= 50; n++) {
    const intent = intentRecord(n);
    const mine = orderOf(intent, 'pending', intent.t);
    const theirs = orderOf(intent, 'pending', intent.t + 1);
    const answers = await Promise.all([one.recordIntent(intent, mine), other.recordIntent(intent, theirs)]);
    t.deepEqual([...answers].sort(), ['exists', 'written'], `intent ${n}`);
    const winner = answers[0] === 'written' ? mine : theirs;
    t.deepEqual(await one.order(intent.clientOrderId), winner);
  }
  t.is((await one.outbox()).length, 50);
  t.is((await other.orders({ live: true })).length, 50);
});

test('redis execution store fails on a key of the wrong type before it writes anything', async (t) => {
  const { store, server } = await redisSubject(t);
  const exec = createExecutionStore(store);
  const raw = await rawClient(t, server);
  await raw.set(executionKeys(INSTANCE).engineLive('mm'), 'not a sorted set');
  const intent = intentRecord(1);
  const error = await t.throwsAsync(exec.recordIntent(intent, orderOf(intent)));
  t.false(error instanceof StoreUnavailableError, 'a wrong key type is a bug, not an outage');
  t.regex(error?.message ?? '', /WRONGTYPE/);
  t.is(await exec.intent(intent.intent.intentId), undefined);
  t.deepEqual(await exec.outbox(), []);
});

test('redis execution store rejects a write to a frozen redis-server within the command deadline, and a retry finds it whole', async (t) => {
  const { store, server } = await redisSubject(t, { commandTimeoutMs: 300 });
  const exec = createExecutionStore(store);
  const intent = intentRecord(1);
  server.freeze();
  t.teardown(() => server.thaw());
  await t.throwsAsync(exec.recordIntent(intent, orderOf(intent)), { instanceOf: StoreUnavailableError });
  await pollUntil('store status down', () => store.status() === 'down');
  server.thaw();
  await pollUntil('store status up', () => store.status() === 'up', { attempts: 400 });
  // The frozen server may still have run the script: unknown, but never partial.
  const retry = await exec.recordIntent(intent, orderOf(intent));
  t.true(retry === 'written' || retry === 'exists', retry);
  t.deepEqual(await exec.outbox(), [intent]);
  t.deepEqual(await exec.orders(), [orderOf(intent)]);
});
