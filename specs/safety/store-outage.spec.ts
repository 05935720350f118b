import test from 'ava';
import { StoreUnavailableError } from '../../actors/kernel/errors';
import type { JournalEntry } from '../../actors/kernel/journal-entry';
import { MemoryStore } from '../../actors/kernel/store-memory';
import type { StoreStatus } from '../../actors/kernel/store';
import type { MarketFeedContext } from '../../machines/sample/market-feed.machine';
import { OutageExecutionStore } from '../../actors/sim/execution-store-outage';
import { OutageStore, StoreOutage } from '../../actors/sim/store-outage';
import { MemoryExecutionStore } from '../../actors/trading/execution-store-memory';
import type { IntentRecord, OrderRecord } from '../../actors/trading/execution-store';
import { simulated } from '../helpers/runtime';
import { SAMPLE_COMPONENTS, lifecycles } from '../helpers/sample-tree';

const ENTRY: JournalEntry = { seq: 1, t: 0, actor: 'a', machine: 'm', from: 'x', event: 'e', to: 'y' };

test('while the store is down every call rejects with StoreUnavailableError; it comes back with its data', async (t) => {
  const outage = new StoreOutage();
  const store = new OutageStore(new MemoryStore({ instance: 'outage' }), outage);
  await store.connect();
  await store.setValue('k', { v: 1 });
  await store.appendJournal([ENTRY]);
  outage.begin();
  t.is(store.status(), 'down');
  const calls: [string, () => Promise<unknown>][] = [
    ['connect', () => store.connect()],
    ['appendJournal', () => store.appendJournal([{ ...ENTRY, seq: 2 }])],
    ['readJournal', () => store.readJournal({ limit: 10 })],
    ['lastJournalSeq', () => store.lastJournalSeq()],
    ['saveActor', () => store.saveActor('a', { snapshot: {}, state: 's', savedAt: 0 })],
    ['loadActor', () => store.loadActor('a')],
    ['deleteActor', () => store.deleteActor('a')],
    ['getValue', () => store.getValue('k')],
    ['setValue', () => store.setValue('k', { v: 2 })],
  ];
  for (const [op, call] of calls) {
    const error = await t.throwsAsync(call(), { instanceOf: StoreUnavailableError }, op);
    t.is(error?.url, outage.url);
  }
  t.deepEqual(outage.refusals(), Object.fromEntries(calls.map(([op]) => [op, 1])));
  outage.end();
  t.is(store.status(), 'up');
  t.deepEqual(await store.getValue('k'), { v: 1 }, 'nothing written during the outage reached the store');
  t.is(await store.lastJournalSeq(), 1);
  await store.close();
});

test('status listeners hear down and up once per outage; nested outages end with the last', (t) => {
  const outage = new StoreOutage();
  const store = new OutageStore(new MemoryStore({ instance: 'outage' }), outage);
  const heard: StoreStatus[] = [];
  const off = store.onStatus((status) => heard.push(status));
  outage.begin();
  outage.begin();
  outage.end();
  t.is(store.status(), 'down', 'one outage is still on');
  outage.end();
  outage.end();
  t.deepEqual(heard, ['down', 'up']);
  off();
  outage.begin();
  t.deepEqual(heard, ['down', 'up'], 'an unsubscribed listener hears nothing');
});

test('the execution store goes down with the kernel store: nothing is recorded while it is down', async (t) => {
  const outage = new StoreOutage();
  const exec = new OutageExecutionStore(new MemoryExecutionStore(), outage);
  const intent: IntentRecord = {
    intent: {
      intentId: 'i-1',
      engine: 'e',
      strategy: 's',
      symbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      qty: 1,
      t: 0,
    },
    clientOrderId: 'pd-1',
    venue: 'sim',
    mode: 'shadow',
    t: 0,
  };
  const order: OrderRecord = {
    clientOrderId: 'pd-1',
    intentId: 'i-1',
    engine: 'e',
    strategy: 's',
    symbol: 'BTCUSDT',
    side: 'buy',
    type: 'market',
    qty: 1,
    price: null,
    filledQty: 0,
    avgPrice: null,
    state: 'pending',
    terminal: false,
    snapshot: {},
    t: 0,
  };
  outage.begin();
  await t.throwsAsync(exec.recordIntent(intent, order), { instanceOf: StoreUnavailableError });
  await t.throwsAsync(exec.outbox(), { instanceOf: StoreUnavailableError });
  outage.end();
  t.deepEqual(await exec.outbox(), [], 'the refused intent was not written');
  t.is(await exec.recordIntent(intent, order), 'written');
  t.deepEqual(outage.refusals(), { recordIntent: 1, outbox: 1 });
});

test('a runtime on a store that goes down degrades every component, keeps journaling, and loses nothing once it is back', async (t) => {
  const outage = new StoreOutage();
  const inner = new MemoryStore({ instance: 'default' });
  const { runtime, clock } = await simulated({ store: new OutageStore(inner, outage) });
  t.teardown(() => runtime.stop());
  const recorded: JournalEntry[] = [];
  runtime.onTransition((entry) => recorded.push(entry));
  const journal = runtime.kernel.journal;
  await clock.advance(30_000);
  t.is(journal.unacknowledged, 0);
  const ackedBefore = journal.lastSeq;

  outage.begin();
  t.deepEqual(new Set(Object.values(lifecycles(runtime.tree()))), new Set(['degraded']));
  t.is(runtime.health().status, 'degraded');
  const ticksAtOutage = Number(runtime.component('feed')?.view().summary.ticks);
  await clock.advance(60_000);
  t.is(runtime.state, 'running', 'the system keeps running without its store');
  t.true(journal.unacknowledged > 0, 'what it records waits in the journal');
  t.true((outage.refusals().appendJournal ?? 0) > 0);
  const ticksDuringOutage = Number(runtime.component('feed')?.view().summary.ticks);
  t.true(ticksDuringOutage > ticksAtOutage, 'the feed kept ticking');

  outage.end();
  await clock.advance(1_000);
  t.deepEqual(new Set(Object.values(lifecycles(runtime.tree()))), new Set(['running']));
  t.is(runtime.health().status, 'ok');
  t.is(journal.unacknowledged, 0, 'the pending entries were written');
  const stored = await inner.readJournal({ limit: 1_000_000 });
  t.deepEqual(
    stored.map((e) => e.seq),
    Array.from({ length: journal.lastSeq }, (_, i) => i + 1),
    'no gap, no duplicate',
  );
  t.deepEqual(
    stored.slice(stored.length - recorded.length),
    recorded,
    'each stored entry is the one recorded',
  );
  for (const id of SAMPLE_COMPONENTS)
    t.deepEqual(
      stored
        .filter((e) => e.actor === id && e.machine === 'lifecycle' && e.seq > ackedBefore)
        .map((e) => `${e.from}→${e.to}`),
      ['running→degraded', 'degraded→running'],
      id,
    );
  const feed = await inner.loadActor('feed');
  t.true(
    ((feed?.snapshot as { context: MarketFeedContext } | undefined)?.context.ticks ?? 0) >= ticksDuringOutage,
    'the snapshot kept in memory during the outage was written once the store was back',
  );
  t.is(runtime.restarts(), 0);
});
