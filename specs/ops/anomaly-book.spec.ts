import test from 'ava';
import { VirtualClock } from '../../actors/kernel/clock-virtual';
import { ConfigError } from '../../actors/kernel/errors';
import type { JournalEntry } from '../../actors/kernel/journal-entry';
import { silentLogger } from '../../actors/kernel/logger';
import { MemoryStore } from '../../actors/kernel/store-memory';
import { AnomalyBook } from '../../actors/ops/anomaly-book';
import type { StoredAnomalies } from '../../actors/ops/anomaly-book';
import type { AnomalyObservation } from '../../actors/ops/anomaly-record';
import type { AnomalyJournal } from '../../actors/ops/anomaly-sources';
import { ANOMALIES_KEY } from '../../actors/ops/anomaly-store';
import { AnomalyTracker } from '../../actors/ops/anomaly-tracker';
import { parseAnomalyTrackerConfig } from '../../actors/ops/anomaly-tracker.config';
import { kendallTau, rateTrendOf, theilSen, trendOf } from '../../actors/ops/trend-stats';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A journal stand-in: numbers what is recorded and hands it to listeners, as the kernel's does. */
function fakeJournal(): AnomalyJournal & { entries: JournalEntry[] } {
  const listeners = new Set<(entry: JournalEntry) => void>();
  const entries: JournalEntry[] = [];
  return {
    entries,
    get lastSeq() {
      return entries.length;
    },
    unacknowledged: 0,
    onTransition: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    record: (transition) => {
      const entry = { seq: entries.length + 1, ...transition };
      entries.push(entry);
      for (const listener of listeners) listener(entry);
      return entry;
    },
  };
}

function heal(t: number, actor = 'recon-eng'): AnomalyObservation {
  return {
    kind: 'reconciliation-healed',
    subject: { type: 'actor', id: actor },
    severity: 'info',
    t,
    summary: 'healed',
  };
}

function book(journal?: AnomalyJournal, capacity = 50): AnomalyBook {
  return new AnomalyBook(undefined, { journal, capacity, dedupWindowMs: HOUR, keepPerRecord: 8 });
}

test('Theil–Sen ignores an outlier that drags least squares, and tau tells steady growth from noise', (t) => {
  const line = Array.from({ length: 10 }, (_, i) => ({ t: i * HOUR, value: 100 + i }));
  line[4] = { t: 4 * HOUR, value: 500 };
  t.is(Math.round(theilSen(line) * HOUR * 1_000) / 1_000, 1);
  t.true(kendallTau(line) > 0.7);
  const zigzag = Array.from({ length: 10 }, (_, i) => ({ t: i, value: i % 2 }));
  t.is(trendOf(zigzag).trend, 'flat');
  t.is(trendOf(line).trend, 'rising');
  t.is(trendOf(line.map((p) => ({ t: p.t, value: -p.value }))).trend, 'falling');
  t.is(rateTrendOf([0, 100, 190, 260, 310, 340]), 'rising', 'gaps shrinking: happening more often');
  t.is(rateTrendOf([0, 10, 30, 70, 150]), 'falling');
});

test('the same kind about the same subject within the window folds into one record with a count', (t) => {
  const anomalies = book();
  const first = anomalies.report(heal(0));
  t.is(first.change, 'opened');
  t.is(anomalies.report(heal(50 * MINUTE)).change, 'folded');
  t.is(anomalies.report(heal(100 * MINUTE)).change, 'folded', 'the window slides with the last sighting');
  anomalies.report(heal(110 * MINUTE, 'recon-other'));
  const [one, other] = anomalies.all();
  t.like(one, {
    id: 1,
    count: 3,
    firstSeen: 0,
    lastSeen: 100 * MINUTE,
    key: 'reconciliation-healed/actor:recon-eng',
  });
  t.like(other, { id: 2, count: 1 });
  t.is(anomalies.report(heal(100 * MINUTE + HOUR + 1)).change, 'opened', 'past the window: a new record');
  t.is(anomalies.all().length, 3);
  t.is(anomalies.get('reconciliation-healed/actor:recon-eng')?.id, 3);
});

test('severity rises with repetition and is journaled on opening and escalation, never lowered', (t) => {
  const journal = fakeJournal();
  const anomalies = book(journal);
  for (let i = 0; i < 5; i++) anomalies.report(heal(i * MINUTE));
  const record = anomalies.all()[0];
  t.is(record?.severity, 'warning', 'the 5th heal in one record');
  t.deepEqual(
    journal.entries.map((e) => [e.actor, e.machine, e.from, e.event, e.to]),
    [
      ['anomaly/reconciliation-healed/actor:recon-eng', 'anomaly', 'none', 'anomaly.opened', 'info'],
      ['anomaly/reconciliation-healed/actor:recon-eng', 'anomaly', 'info', 'anomaly.escalated', 'warning'],
    ],
  );
  anomalies.report({ ...heal(6 * MINUTE), severity: 'critical' });
  anomalies.report(heal(7 * MINUTE));
  t.is(anomalies.all()[0]?.severity, 'critical');
  t.is(journal.entries.length, 3);
});

test('a record trends with its values, or with how often it recurs when it has none', (t) => {
  const anomalies = book();
  const delay = (i: number, value: number): AnomalyObservation => ({
    kind: 'event-loop-delay',
    subject: { type: 'process', id: 'event-loop' },
    severity: 'info',
    t: i * MINUTE,
    summary: 'slow',
    value,
    unit: 'ms',
  });
  for (let i = 0; i < 12; i++) anomalies.report(delay(i, 100 + i * 10));
  const loop = anomalies.all()[0];
  t.is(loop?.trend, 'rising');
  t.is(loop?.values.length, 8, 'values are bounded by keepPerRecord');
  t.is(loop?.unit, 'ms');
  for (const at of [0, 30, 50, 60, 65, 68]) anomalies.report(heal(at * MINUTE));
  t.is(
    anomalies.get('reconciliation-healed/actor:recon-eng')?.trend,
    'rising',
    'heals come faster and faster',
  );
});

test('past capacity the record seen least recently is dropped', (t) => {
  const anomalies = book(undefined, 3);
  for (const [i, actor] of ['a', 'b', 'c', 'd'].entries()) anomalies.report(heal(i * MINUTE, actor));
  anomalies.report(heal(10 * MINUTE, 'b'));
  anomalies.report(heal(11 * MINUTE, 'e'));
  t.deepEqual(
    anomalies.all().map((r) => r.subject.id),
    ['b', 'd', 'e'],
  );
  t.is(anomalies.get('reconciliation-healed/actor:a'), undefined);
});

test('the tracker keeps its records in kv:anomalies and a new process continues them and their ids', async (t) => {
  const store = new MemoryStore({ instance: 'anomaly-store' });
  const clock = new VirtualClock();
  const logger = silentLogger();
  const first = await AnomalyTracker.open({
    store,
    clock,
    logger,
    sources: {},
    config: { persistMs: 5_000 },
  });
  first.start();
  first.report(heal(clock.now()));
  t.is(await store.getValue(ANOMALIES_KEY), undefined, 'written at most every persistMs');
  await clock.advance(5_000);
  const stored = await store.getValue<StoredAnomalies>(ANOMALIES_KEY);
  t.is(stored?.records.length, 1);
  first.report(heal(clock.now()));
  await first.stop();
  t.is((await store.getValue<StoredAnomalies>(ANOMALIES_KEY))?.records[0]?.count, 2, 'stop writes the rest');

  const later = new VirtualClock(clock.now() + 2 * HOUR);
  const second = await AnomalyTracker.open({ store, clock: later, logger, sources: {} });
  second.start();
  t.like(second.list()[0], { id: 1, count: 2, active: false });
  second.report(heal(later.now()));
  t.deepEqual(
    second.list().map((r) => [r.id, r.active]),
    [
      [2, true],
      [1, false],
    ],
  );
  t.like(second.snapshot({ active: 'true' }), {
    instance: 'anomaly-store',
    durable: false,
    retained: 2,
    active: { total: 1, info: 1, warning: 0, critical: 0 },
  });
  await second.stop();
});

test('a bad config or query names the field and what was expected', (t) => {
  const config = t.throws(() => parseAnomalyTrackerConfig({ tickMs: 60_000, heap: { everyMs: 90_000 } }), {
    instanceOf: ConfigError,
  });
  t.deepEqual(config?.issues, ['heap.everyMs: expected a multiple of tickMs (60000), got 90000']);
  const order = t.throws(
    () => parseAnomalyTrackerConfig({ heap: { warnMBPerDay: 50, criticalMBPerDay: 10 } }),
    {
      instanceOf: ConfigError,
    },
  );
  t.deepEqual(order?.issues, ['heap.criticalMBPerDay: expected more than warnMBPerDay (50), got 10']);
  t.like(parseAnomalyTrackerConfig().heap, { everyMs: 15 * MINUTE, warnMBPerDay: 24, sustainMs: HOUR });
});

test('a listing filters by kind, least severity and activity, and rejects an unknown kind', async (t) => {
  const clock = new VirtualClock();
  const tracker = await AnomalyTracker.open({
    store: new MemoryStore({ instance: 'anomaly-list' }),
    clock,
    logger: silentLogger(),
    sources: {},
  });
  for (let i = 0; i < 5; i++) tracker.report(heal(clock.now()));
  tracker.report({ ...heal(clock.now(), 'recon-b') });
  t.is(tracker.list().length, 2);
  t.deepEqual(
    tracker.list({ severity: 'warning' }).map((r) => r.subject.id),
    ['recon-eng'],
  );
  t.is(tracker.list({ kind: 'heap-growth' }).length, 0);
  t.is(tracker.list({ limit: '1' }).length, 1);
  const error = t.throws(() => tracker.list({ kind: 'nope' as 'heap-growth' }), { instanceOf: ConfigError });
  t.regex(error?.issues[0] ?? '', /^kind: /);
  await tracker.stop();
});
