import test from 'ava';
import type { JournalEntry } from '../../actors/kernel/journal-entry';
import { parseChaosProfile } from '../../actors/safety/chaos-scenarios';
import { runTradingSoak } from '../../actors/safety/trading-soak';
import type { TradingSoakReport, TradingSoakWorld } from '../../actors/safety/trading-soak';
import { accounts } from '../helpers/trading';

const MINUTE = 60_000;
const DOWN_AT = 20 * MINUTE;
const DOWN_MS = 2 * MINUTE;

const PROFILE = parseChaosProfile({
  name: 'redis',
  scenarios: [
    {
      id: 'redis',
      kind: 'redis-restart',
      params: { downMs: DOWN_MS },
      schedule: { once: { atMs: DOWN_AT } },
    },
  ],
});

/** What the soak looked like before, during and after the outage. */
interface Observed {
  readonly report: TradingSoakReport;
  readonly world: TradingSoakWorld;
  readonly recorded: readonly JournalEntry[];
  /** Our clock when each order left for a venue. */
  readonly sent: readonly number[];
  readonly window: { down: number; up: number };
  readonly during: { unacknowledged: number; health: string; refusals: Readonly<Record<string, number>> };
  readonly after: { unacknowledged: number; health: string };
}

/** An hour of trading with Redis down for two minutes, twenty minutes in. */
async function soakWithOutage(): Promise<Observed> {
  let world: TradingSoakWorld | undefined;
  const recorded: JournalEntry[] = [];
  const sent: number[] = [];
  const window = { down: NaN, up: NaN };
  let during: Observed['during'] | undefined;
  let after: Observed['after'] | undefined;
  const report = await runTradingSoak({
    days: 1 / 24,
    seed: 5,
    chaos: PROFILE,
    probe: (w) => {
      world = w;
      const { clock, runtime, outage } = w;
      runtime.onTransition((entry) => recorded.push(entry));
      for (const engine of w.services.engineIds()) {
        const venue = w.services.engineVenue(engine).venue;
        const submit = venue.submit.bind(venue);
        venue.submit = (request) => {
          sent.push(clock.now());
          return submit(request);
        };
      }
      outage.onChange((down) => {
        if (down) window.down = clock.now();
        else window.up = clock.now();
      });
      clock.setTimeout(
        () => {
          during = {
            unacknowledged: runtime.kernel.journal.unacknowledged,
            health: runtime.health().status,
            refusals: outage.refusals(),
          };
        },
        DOWN_AT + DOWN_MS - 1_000,
      );
      clock.setTimeout(
        () => {
          after = { unacknowledged: runtime.kernel.journal.unacknowledged, health: runtime.health().status };
        },
        DOWN_AT + DOWN_MS + 10_000,
      );
    },
  });
  if (world === undefined || during === undefined || after === undefined)
    throw new Error('the probe saw nothing');
  return { report, world, recorded, sent, window, during, after };
}

test('chaos redis-restart takes both stores down for its duration; the system degrades, sends nothing, and recovers with nothing lost', async (t) => {
  const { report, world, recorded, sent, window, during, after } = await soakWithOutage();
  t.deepEqual(report.invariantViolations, []);
  t.is(report.faultsFailed, 0);
  t.is(report.faults['redis-restart'], 1);
  t.is(report.finalState, 'running');
  t.is(window.up - window.down, DOWN_MS, 'down for exactly its downMs');

  // During: every kind of write was refused, and the runtime said so.
  t.is(during.health, 'degraded');
  t.true(during.unacknowledged > 0, 'journal entries wait for the store');
  for (const op of ['appendJournal', 'saveActor', 'recordIntent'])
    t.true((during.refusals[op] ?? 0) > 0, `${op} was refused: ${JSON.stringify(during.refusals)}`);
  t.deepEqual(
    sent.filter((at) => at > window.down && at < window.up),
    [],
    'no order left while nothing could be recorded',
  );
  t.true(
    sent.some((at) => at >= window.up),
    'trading went on once the store was back',
  );

  // After: the journal wrote what it kept, in order, with no gap; every venue order has its intent.
  t.is(after.health, 'ok');
  t.is(after.unacknowledged, 0);
  const stored = await world.store.readJournal({ limit: Number.MAX_SAFE_INTEGER });
  t.deepEqual(
    stored.map((e) => e.seq),
    // The report counts up to the end of the run; the planned stop after it journals some more.
    Array.from({ length: world.runtime.kernel.journal.lastSeq }, (_, i) => i + 1),
    'every transition reached the store, once',
  );
  t.deepEqual(stored.slice(stored.length - recorded.length), [...recorded]);
  const degraded = stored.filter(
    (e) => e.machine === 'lifecycle' && e.t === window.down && e.to === 'degraded',
  ).length;
  t.true(degraded >= world.runtime.componentIds().length - 2, `${degraded} components degraded at once`);
  for (const venue of accounts(world.services)) {
    for (const order of venue.ledger().orders) {
      const record = await world.services.store.order(order.clientOrderId);
      t.truthy(record && (await world.services.store.intent(record.intentId)), order.clientOrderId);
    }
  }
});

// Found by this spec: an order save or fill append refused during the outage was never retried (a
// terminal change has no next change to save it), so the store kept orders the venue had closed
// live until the engine restarted. Execution now retries refused writes on every poll.
test('after a Redis restart the execution store agrees with the venue on every order outcome and fill', async (t) => {
  const { world } = await soakWithOutage();
  const settled = world.clock.now() - MINUTE;
  const problems: string[] = [];
  for (const venue of accounts(world.services)) {
    const { orders, fills } = venue.ledger();
    const stored = await world.services.store.fills({ limit: Number.MAX_SAFE_INTEGER });
    const ids = new Set(stored.map((f) => f.fillId));
    for (const fill of fills)
      if (fill.t < settled && !ids.has(fill.fillId)) problems.push(`fill ${fill.fillId}`);
    for (const order of orders) {
      if (order.updatedAt >= settled) continue;
      const record = await world.services.store.order(order.clientOrderId);
      const closed = order.status !== 'open' && order.status !== 'partially_filled';
      if (record?.terminal !== closed)
        problems.push(`${order.clientOrderId}: venue ${order.status}, store ${record?.state}`);
    }
  }
  t.deepEqual(problems, []);
});
