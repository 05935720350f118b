import test from 'ava';
import type { ExecutionContext } from 'ava';
import { VirtualClock } from '../../actors/kernel/clock-virtual';
import { ConfigError } from '../../actors/kernel/errors';
import type { JournalEntry } from '../../actors/kernel/journal-entry';
import { silentLogger } from '../../actors/kernel/logger';
import { Runtime } from '../../actors/kernel/runtime';
import type { Store } from '../../actors/kernel/store';
import { MemoryStore } from '../../actors/kernel/store-memory';
import type { SystemConfigInput } from '../../actors/kernel/system-config';
import type { BootHistory } from '../../actors/ops/uptime-boots';
import { BOOTS_KEY } from '../../actors/ops/uptime-boots';
import type { UptimeCounters } from '../../actors/ops/uptime-counters';
import { COUNTERS_KEY } from '../../actors/ops/uptime-counters';
import { UptimeWatcher } from '../../actors/ops/uptime-watcher';
import type { JournalSource } from '../../actors/ops/uptime-watcher';
import { parseUptimeWatcherConfig } from '../../actors/ops/uptime-watcher.config';
import { uptimeWindow } from '../../actors/ops/uptime-window';
import { sampleTree } from '../helpers/sample-tree';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * One simulated process: its own virtual clock (a process that "crashes" is abandoned, its clock
 * frozen: none of its timers ever fires again), a watcher booted before the runtime, as in
 * production, and attached to the runtime's journal.
 */
interface Proc {
  readonly clock: VirtualClock;
  readonly uptime: UptimeWatcher;
  readonly runtime: Runtime;
}

async function start(
  t: ExecutionContext,
  store: Store,
  config: SystemConfigInput,
  after?: { readonly clock: VirtualClock; readonly gapMs: number },
  source?: (journal: JournalSource) => JournalSource,
): Promise<Proc> {
  const clock = new VirtualClock(after ? after.clock.now() + after.gapMs : undefined);
  const logger = silentLogger();
  const uptime = await UptimeWatcher.boot({ store, clock, logger });
  const runtime = await Runtime.start({ config, store, clock, logger, placement: 'memory' });
  t.teardown(() => runtime.stop());
  const journal = runtime.kernel.journal;
  await uptime.attach(source ? source(journal) : journal);
  return { clock, uptime, runtime };
}

async function stop(proc: Proc): Promise<void> {
  await proc.uptime.stop();
  await proc.runtime.stop();
}

async function crash(proc: Proc, actor: string, times = 1, gapMs = 10 * SECOND): Promise<void> {
  for (let i = 0; i < times; i++) {
    proc.runtime.send(actor, { type: 'sys.fault.crash' });
    await proc.clock.advance(gapMs);
  }
}

function tree(instance: string): SystemConfigInput {
  return sampleTree({ instance, tickMs: 1_000 });
}

/** root (1 restart / min) → market (1 restart / min) → feed, ma: two quick crashes halt it all. */
function fragileTree(instance: string): SystemConfigInput {
  const component = (id: string, kind: string, subscribe: string[] = []) => ({
    type: 'component' as const,
    id,
    kind,
    subscribe,
  });
  return {
    instance,
    root: {
      type: 'supervisor',
      id: 'root',
      intensity: 1,
      periodMs: MINUTE,
      children: [
        {
          type: 'supervisor',
          id: 'market',
          intensity: 1,
          periodMs: MINUTE,
          children: [component('feed', 'market-feed'), component('ma', 'moving-average', ['prices'])],
        },
      ],
    },
  };
}

test('process starts are recorded in the store and counted across restarts, clean or crashed', async (t) => {
  const store = new MemoryStore({ instance: 'boots' });
  const first = await start(t, store, tree('boots'));
  t.is(first.uptime.current.previous, 'first');
  await first.clock.advance(30 * SECOND);
  const stoppedAt = first.clock.now();
  await stop(first);

  const second = await start(t, store, tree('boots'), { clock: first.clock, gapMs: 5 * SECOND });
  let snap = second.uptime.snapshot();
  t.like(snap.process, {
    boot: 'boot-2',
    previousRun: 'clean',
    starts: 2,
    restarts: 1,
    crashes: 0,
    cleanStops: 1,
  });
  t.like(snap.boots[0], { id: 'boot-1', ended: 'clean', endedAt: stoppedAt });
  // Heartbeats at 10 s and 20 s; the process dies at 25 s without a stop.
  await second.clock.advance(25 * SECOND);
  const lastHeartbeat = second.uptime.current.at + 20 * SECOND;

  const third = await start(t, store, tree('boots'), { clock: second.clock, gapMs: MINUTE });
  snap = third.uptime.snapshot();
  t.like(snap.process, {
    boot: 'boot-3',
    previousRun: 'crash',
    starts: 3,
    restarts: 2,
    crashes: 1,
    cleanStops: 1,
  });
  t.like(snap.boots[1], { id: 'boot-2', ended: 'crash', endedAt: lastHeartbeat });
  t.like(snap.boots[2], { id: 'boot-3', ended: null, endedAt: null });
  await third.clock.advance(7 * SECOND);
  t.is(third.uptime.snapshot().process.sinceStartMs, 7 * SECOND);
  // What an operator reads with `redis-cli GET predator:boots:kv:uptime:boots`.
  const stored = await store.getValue<BootHistory>(BOOTS_KEY);
  t.is(stored?.total, 3);
  t.deepEqual(
    stored?.boots.map((b) => b.previous),
    ['first', 'clean', 'crash'],
  );
});

test('boot records are bounded by keepBoots; the totals are kept for ever', async (t) => {
  const store = new MemoryStore({ instance: 'bounded' });
  const clock = new VirtualClock();
  let last: UptimeWatcher | undefined;
  for (let i = 0; i < 6; i++) {
    last = await UptimeWatcher.boot({ store, clock, logger: silentLogger(), config: { keepBoots: 3 } });
    await clock.advance(MINUTE);
    if (i % 2 === 0) await last.stop();
  }
  const history = (last as UptimeWatcher).history();
  t.is(history.total, 6);
  t.deepEqual(
    history.boots.map((b) => b.seq),
    [4, 5, 6],
  );
  t.is(history.cleanStops, 3);
  t.is(history.crashes, 2);
  await last?.stop();
});

test('per-component restart and crash counts match what the supervisors did, and survive a restart', async (t) => {
  const store = new MemoryStore({ instance: 'counts' });
  const first = await start(t, store, tree('counts'));
  await first.clock.advance(5 * SECOND);
  await crash(first, 'feed', 3); // market is rest_for_one: ma restarts with feed
  await crash(first, 'worker'); // ops is one_for_one: worker alone
  const snap = first.uptime.snapshot();
  t.deepEqual(
    Object.fromEntries(Object.entries(snap.actors).map(([id, c]) => [id, [c.crashes, c.restarts]])),
    { feed: [3, 3], ma: [0, 3], worker: [1, 1] },
  );
  t.is(first.runtime.supervisor('market')?.restarts, 3);
  t.is(first.runtime.supervisor('ops')?.restarts, 1);
  t.deepEqual(snap.totals, { crashes: 4, restarts: 7 });
  await stop(first);
  const cursor = (await store.getValue<UptimeCounters>(COUNTERS_KEY))?.cursor ?? 0;
  t.true(cursor > 0);

  // The next process reads the journal from where the last one stopped counting, not from the start.
  const read: JournalEntry[] = [];
  const spy = (journal: JournalSource): JournalSource => ({
    onTransition: (listener) => journal.onTransition(listener),
    query: async (query) => {
      const page = await journal.query(query);
      read.push(...page);
      return page;
    },
    get lastSeq() {
      return journal.lastSeq;
    },
    get recorded() {
      return journal.recorded;
    },
  });
  const second = await start(t, store, tree('counts'), { clock: first.clock, gapMs: SECOND }, spy);
  t.true(read.length > 0);
  t.true(
    read.every((e) => e.seq > cursor),
    'nothing counted before is read again',
  );
  t.like(second.uptime.snapshot().actors, { feed: { crashes: 3, restarts: 3 }, worker: { crashes: 1 } });
  await second.clock.advance(5 * SECOND);
  await crash(second, 'feed');
  t.like(second.uptime.snapshot().actors, {
    feed: { type: 'component', crashes: 4, restarts: 4 },
    ma: { crashes: 0, restarts: 4 },
  });
});

test('a supervisor that gives up counts as its crash, and its restart by its parent as its restart', async (t) => {
  const store = new MemoryStore({ instance: 'escalation' });
  const proc = await start(t, store, fragileTree('escalation'));
  await proc.clock.advance(5 * SECOND);
  await crash(proc, 'feed', 2, 100); // the second crash within a minute: market gives up, root restarts it
  t.is(proc.runtime.state, 'running');
  t.is(proc.runtime.supervisor('market')?.escalations, 1);
  t.deepEqual(
    Object.fromEntries(
      Object.entries(proc.uptime.snapshot().actors).map(([id, c]) => [id, [c.type, c.crashes, c.restarts]]),
    ),
    { feed: ['component', 2, 2], ma: ['component', 0, 1], market: ['supervisor', 1, 1] },
  );
  t.is(proc.uptime.snapshot().unplannedHalts, 0);
});

test('an unplanned GLOBAL HALT: time since it, running since its resume; a restart while halted is the same halt', async (t) => {
  const store = new MemoryStore({ instance: 'halts' });
  const first = await start(t, store, fragileTree('halts'));
  const bootAt = first.clock.now();
  await first.clock.advance(5 * SECOND);
  await crash(first, 'feed', 4, 100);
  t.is(first.runtime.state, 'halted');
  const haltAt = bootAt + 5 * SECOND + 300;
  let snap = first.uptime.snapshot();
  t.true(snap.halted);
  t.is(snap.unplannedHalts, 1);
  t.like(snap.lastUnplannedHalt, { at: haltAt, until: null });
  t.regex(snap.lastUnplannedHalt?.reason ?? '', /root supervisor gave up/);
  await first.clock.advance(HOUR);
  snap = first.uptime.snapshot();
  t.is(snap.sinceLastUnplannedHaltMs, first.clock.now() - haltAt);
  t.is(snap.runningSinceLastUnplannedHaltMs, 0);
  const stoppedAt = first.clock.now();
  await stop(first);

  // pm2 restarts it: it comes up halted, and that is still the one halt, not a second.
  const second = await start(t, store, fragileTree('halts'), { clock: first.clock, gapMs: MINUTE });
  t.is(second.runtime.state, 'halted');
  snap = second.uptime.snapshot();
  t.is(snap.unplannedHalts, 1);
  t.like(snap.lastUnplannedHalt, { at: haltAt, until: null });
  await second.clock.advance(10 * MINUTE);
  await second.runtime.resume('alice');
  const resumedAt = second.clock.now();
  await second.clock.advance(30 * MINUTE);
  snap = second.uptime.snapshot();
  t.false(snap.halted);
  t.like(snap.lastUnplannedHalt, { at: haltAt, until: resumedAt });
  t.is(snap.runningSinceLastUnplannedHaltMs, 30 * MINUTE);
  t.is(snap.sinceLastUnplannedHaltMs, second.clock.now() - haltAt);
  // Up until the halt, and since the resume; halted in between while a process ran; down for the minute between.
  t.like(snap.uptime, {
    from: bootAt,
    upMs: haltAt - bootAt + 30 * MINUTE,
    haltedMs: stoppedAt - haltAt + 10 * MINUTE,
    downMs: MINUTE,
    coveredMs: second.clock.now() - bootAt,
  });
});

test('the uptime window splits time into up, halted and down, over the window or the history kept', (t) => {
  const boots = [
    { seq: 1, id: 'boot-1', at: 0, previous: 'first', endedAt: 10 * HOUR, ended: 'crash' },
    { seq: 2, id: 'boot-2', at: 11 * HOUR, previous: 'crash', endedAt: null, ended: null },
  ] as const;
  const halts = [
    { at: 2 * HOUR, until: 3 * HOUR, reason: 'root supervisor gave up' },
    { at: 12 * HOUR, until: null, reason: 'boot failed' },
  ];
  t.deepEqual(uptimeWindow(boots, halts, 13 * HOUR, 5 * HOUR), {
    windowMs: 5 * HOUR,
    from: 8 * HOUR,
    coveredMs: 5 * HOUR,
    upMs: 3 * HOUR,
    haltedMs: HOUR,
    downMs: HOUR,
    ratio: 0.6,
  });
  // A window longer than the history covers what the records cover.
  t.like(uptimeWindow(boots, halts, 13 * HOUR, 24 * HOUR), {
    from: 0,
    coveredMs: 13 * HOUR,
    upMs: 10 * HOUR,
    haltedMs: 2 * HOUR,
    downMs: HOUR,
  });
  t.is(uptimeWindow([], [], 13 * HOUR, HOUR).ratio, null);
});

test('a count the store refused is written again at the next heartbeat', async (t) => {
  class FlakyStore extends MemoryStore {
    failing = false;
    override async setValue(key: string, value: unknown): Promise<void> {
      if (this.failing) throw new Error('store down');
      return super.setValue(key, value);
    }
  }
  const store = new FlakyStore({ instance: 'flaky' });
  const proc = await start(t, store, tree('flaky'));
  await proc.clock.advance(5 * SECOND);
  store.failing = true;
  await crash(proc, 'feed', 1, SECOND);
  t.is((await store.getValue<UptimeCounters>(COUNTERS_KEY))?.actors.feed, undefined);
  store.failing = false;
  await proc.clock.advance(proc.uptime.config.heartbeatMs);
  t.like((await store.getValue<UptimeCounters>(COUNTERS_KEY))?.actors.feed, { crashes: 1, restarts: 1 });
});

test('a bad watcher config is refused naming the field', (t) => {
  const error = t.throws(() => parseUptimeWatcherConfig({ heartbeatMs: 5, keepBoots: 'ten' }), {
    instanceOf: ConfigError,
  });
  t.regex(error?.message ?? '', /heartbeatMs: /);
  t.regex(error?.message ?? '', /keepBoots: /);
  t.deepEqual(parseUptimeWatcherConfig(), {
    keepBoots: 50,
    keepHalts: 50,
    heartbeatMs: 10_000,
    windowMs: 7 * 24 * HOUR,
  });
});
