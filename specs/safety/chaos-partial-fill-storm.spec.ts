import test from 'ava';
import { parseChaosProfile } from '../../actors/safety/chaos-scenarios';
import { runTradingSoak } from '../../actors/safety/trading-soak';
import type { TradingSoakWorld } from '../../actors/safety/trading-soak';
import type { Fill } from '../../actors/trading/types';
import { accounts } from '../helpers/trading';

const MINUTE = 60_000;
const STORM_AT = 15 * MINUTE;
const STORM_MS = 30 * MINUTE;
const PIECES = 10;

/** Atoms (10⁻⁸), so sums are exact. */
const atoms = (fills: readonly Fill[], field: 'qty' | 'fee'): number =>
  fills.reduce((sum, f) => sum + Math.round(f[field] * 1e8), 0);

test('chaos partial-fill-storm fills orders in many pieces while it lasts; fees, balances and every invariant hold', async (t) => {
  let world: TradingSoakWorld | undefined;
  let start = NaN;
  const report = await runTradingSoak({
    days: 1 / 24,
    seed: 3,
    chaos: parseChaosProfile({
      name: 'storm',
      scenarios: [
        {
          id: 'storm',
          kind: 'partial-fill-storm',
          params: { durationMs: STORM_MS, pieces: PIECES },
          schedule: { once: { atMs: STORM_AT } },
        },
      ],
    }),
    probe: (w) => {
      world = w;
      start = w.clock.now();
    },
  });
  if (world === undefined) throw new Error('the probe saw nothing');
  t.deepEqual(report.invariantViolations, []);
  t.is(report.faultsFailed, 0);
  t.is(report.faults['partial-fill-storm'], 1);

  const inStorm = (fill: Fill): boolean => fill.t >= start + STORM_AT && fill.t < start + STORM_AT + STORM_MS;
  let most = { inside: 0, outside: 0 };
  for (const venue of accounts(world.services)) {
    const { fills } = venue.ledger();
    const perOrder = new Map<string, Fill[]>();
    for (const fill of fills)
      perOrder.set(fill.venueOrderId, [...(perOrder.get(fill.venueOrderId) ?? []), fill]);
    for (const orderFills of perOrder.values()) {
      const where = orderFills.every(inStorm) ? 'inside' : orderFills.some(inStorm) ? null : 'outside';
      if (where !== null) most = { ...most, [where]: Math.max(most[where], orderFills.length) };
    }
    // Every piece is its own fill in the store, and the store's fees and quantities are the venue's,
    // to the atom (the account is every shadow engine's, so the store's fills of all engines).
    const stored = await world.services.store.fills({ limit: Number.MAX_SAFE_INTEGER });
    const ids = (list: readonly Fill[]): string[] => list.map((f) => f.fillId).sort();
    t.is(new Set(fills.map((f) => f.fillId)).size, fills.length, 'one id per piece');
    t.deepEqual(ids(stored), ids(fills), 'the store holds every piece');
    t.is(atoms(stored, 'fee'), atoms(fills, 'fee'), 'fees');
    t.is(atoms(stored, 'qty'), atoms(fills, 'qty'), 'quantities');
  }
  t.true(most.inside >= PIECES, `an order filled in ${most.inside} pieces during the storm`);
  t.true(most.outside < PIECES / 2, `at most ${most.outside} fills an order outside it`);
});
