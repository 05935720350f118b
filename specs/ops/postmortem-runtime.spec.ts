import test from 'ava';
import type { JournalEntry } from '../../actors/kernel/journal-entry';
import { silentLogger } from '../../actors/kernel/logger';
import { IncidentBook } from '../../actors/ops/incident-book';
import type { SimVenue } from '../../actors/venues/sim-venue';
import { simulated } from '../helpers/runtime';
import { oneEngine, simulatedTrading } from '../helpers/trading';
import { incidentLogOf } from './incident-fixture';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

function only(
  entries: readonly JournalEntry[],
  where: (e: JournalEntry) => boolean,
  what: string,
): JournalEntry {
  const found = entries.filter(where);
  if (found.length !== 1) throw new Error(`expected one ${what}, found ${found.length}`);
  return found[0] as JournalEntry;
}

test('sample runtime: a crashed feed shows as the root cause, its supervisor restart as the action taken', async (t) => {
  const { runtime, clock, store } = await simulated();
  t.teardown(() => runtime.stop());
  const book = await IncidentBook.open({
    store,
    journal: runtime.kernel.journal,
    clock,
    logger: silentLogger(),
  });
  book.attach({ incidents: incidentLogOf(runtime), stateOf: (id) => runtime.component(id)?.behaviourState });
  await clock.advance(MINUTE);
  runtime.send('feed', { type: 'sys.fault.crash' });
  await clock.advance(5 * SECOND);
  runtime.raiseIncident('feed', 'FEED_CRASHED', 'the feed crashed');
  await book.idle();

  const { draft } = await book.draftPostmortem(1);
  const journal = await runtime.kernel.journal.query({ limit: 100_000 });
  const crash = only(journal, (e) => e.actor === 'feed' && e.to === 'faulted', 'crash of feed');
  const restart = only(journal, (e) => e.machine === 'supervisor' && e.to === 'restarting', 'restart');
  t.like(draft.incident, {
    id: 1,
    kind: 'FEED_CRASHED',
    actor: 'feed',
    state: 'open',
    scope: { engine: 'feed' },
  });
  t.deepEqual(
    draft.actions.automatic.items.map((a) => [a.seq, a.kind, a.text]),
    [[restart.seq, 'supervisor-restart', 'market restarted a child after it exited']],
  );
  t.like(draft.rootCauseCandidates[0], {
    rank: 1,
    title: 'feed crashed',
    seq: crash.seq,
    reasons: ['same actor as the incident', 'first anomaly in the incident scope'],
    evidence: [`seq ${crash.seq} at T-00:00:05.000: feed lifecycle running → faulted on sys.fault`],
  });
  t.deepEqual(draft.impact.orders, { total: 0, byEngine: [] });
  t.is(
    draft.window.entries,
    journal.filter((e) => e.t >= draft.window.from && e.t <= draft.window.to).length,
  );
});

test('trading runtime: a lost submit — the order named is the cause, the engine going REDUCING the mitigation', async (t) => {
  const sim = await simulatedTrading(
    oneEngine({
      mode: 'live',
      settings: { halfSpreadBps: 50, quoteSize: 0.01, maxInventory: 0.05, requoteThresholdTicks: 1_000_000 },
    }),
  );
  t.teardown(() => sim.stop());
  const { runtime, clock, store, trading } = sim;
  const book = await IncidentBook.open({
    store,
    journal: runtime.kernel.journal,
    clock,
    logger: silentLogger(),
  });
  book.attach({
    incidents: incidentLogOf(runtime),
    kills: trading.services.kills,
    stateOf: (id) => runtime.component(id)?.behaviourState,
    fills: trading.services.store,
  });
  (trading.services.venue('sim') as SimVenue).faults.set({ kind: 'timeout', ops: ['submit'], count: 1 });
  await clock.advance(10 * MINUTE);
  await book.idle();

  const raised = runtime.incidents('ORDER_OUTCOME_UNKNOWN');
  t.is(raised.length, 1);
  const cid = String(raised[0]?.data['clientOrderId']);
  const journal = await runtime.kernel.journal.query({ limit: 100_000 });
  const raise = only(
    journal,
    (e) => e.machine === 'incident' && e.event === 'ORDER_OUTCOME_UNKNOWN',
    'raise',
  );
  const reduce = only(
    journal,
    (e) => e.actor === 'eng' && e.to === 'REDUCING' && e.seq > raise.seq,
    'REDUCING after the raise',
  );
  const overdue = only(
    journal,
    (e) => e.actor === `eng/${cid}` && e.event === 'order.ack.overdue',
    'ack overdue',
  );

  t.like(book.get(1), {
    kind: 'ORDER_OUTCOME_UNKNOWN',
    actor: 'eng',
    raisedSeq: raise.seq,
    state: 'mitigated',
    mitigation: {
      by: 'eng',
      auto: true,
      evidence: `engine eng ACTIVE → REDUCING on trading.reduce (journal seq ${reduce.seq})`,
    },
  });

  const { draft } = await book.draftPostmortem(1);
  t.like(draft.rootCauseCandidates[0], {
    rank: 1,
    category: 'venue',
    title: 'the venue did not answer an order of eng in time',
    actor: `eng/${cid}`,
    seq: overdue.seq,
  });
  const automatic = draft.actions.automatic.items.map((a) => `${a.seq} ${a.text}`);
  t.true(automatic.includes(`${reduce.seq} eng trading ACTIVE → REDUCING (trading.reduce)`));
  t.true(
    automatic.some((a) => a.endsWith('eng trading REDUCING → ACTIVE (trading.reduce.cleared)')),
    'reconciliation lifted the start-up REDUCING before the incident',
  );
  t.deepEqual(draft.actions.operator.items, []);

  const orderActors = new Set(journal.filter((e) => e.machine === 'order').map((e) => e.actor));
  t.is(draft.impact.orders.total, orderActors.size);
  t.like(draft.impact.notableOrders[0], {
    actor: `eng/${cid}`,
    related: true,
    path: 'pending → submitted → unknown.checking → unknown.exhausted → resolved',
  });
  const fills = await trading.services.store.fills({ limit: 10_000 });
  t.is(
    draft.impact.positions?.reduce((n, p) => n + p.fills, 0),
    fills.length,
    'every fill of the window, none more',
  );

  const markdown = await book.postmortemMarkdown(1);
  t.true(markdown.includes(`| \`eng/${cid}\` (named by the incident) | order |`));
  t.true(markdown.includes('1. **the venue did not answer an order of eng in time**'));
});
