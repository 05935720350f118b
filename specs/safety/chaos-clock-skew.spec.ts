import test from 'ava';
import { parseChaosProfile } from '../../actors/safety/chaos-scenarios';
import { runTradingSoak } from '../../actors/safety/trading-soak';
import type { TradingSoakWorld } from '../../actors/safety/trading-soak';
import type { SimVenue } from '../../actors/venues/sim-venue';
import { accountVenue } from '../../actors/trading/engine-venue-view';
import { accounts } from '../helpers/trading';

const MINUTE = 60_000;
const AHEAD = { atMs: 10 * MINUTE, skewMs: 90_000 };
const BEHIND = { atMs: 35 * MINUTE, skewMs: -90_000 };
const SKEW_MS = 15 * MINUTE;

test('chaos clock-skew shifts every venue timestamp for its duration while every invariant holds', async (t) => {
  let world: TradingSoakWorld | undefined;
  /** When chaos started: the firings' `atMs` count from it. */
  let t0 = NaN;
  /** Our clock when each order left, by client order id. */
  const sentAt = new Map<string, number>();
  /** Venue clock minus ours, sampled mid-skew and after, per venue. */
  const offsets: Record<string, number[]> = {};
  const report = await runTradingSoak({
    days: 1 / 24,
    seed: 9,
    chaos: parseChaosProfile({
      name: 'skew',
      scenarios: [AHEAD, BEHIND].map(({ atMs, skewMs }) => ({
        id: `skew${skewMs}`,
        kind: 'clock-skew' as const,
        params: { skewMs, durationMs: SKEW_MS },
        schedule: { once: { atMs } },
      })),
    }),
    probe: (w) => {
      world = w;
      const { clock, services } = w;
      t0 = clock.now();
      const venues = new Map<string, SimVenue>([
        ['market', services.venue(services.marketVenue) as SimVenue],
      ]);
      for (const engine of services.engineIds()) {
        // Each engine's own handle is wrapped; the account behind it (shared by the shadow engines)
        // is the venue whose clock is skewed.
        const view = services.engineVenue(engine).venue;
        venues.set(engine, accountVenue(view) as SimVenue);
        const submit = view.submit.bind(view);
        view.submit = (request) => {
          sentAt.set(request.clientOrderId, clock.now());
          return submit(request);
        };
      }
      for (const at of [AHEAD.atMs + SKEW_MS / 2, BEHIND.atMs + SKEW_MS / 2, BEHIND.atMs + SKEW_MS + MINUTE])
        clock.setTimeout(() => {
          for (const [name, venue] of venues) (offsets[name] ??= []).push(venue.now() - clock.now());
        }, at);
    },
  });
  if (world === undefined) throw new Error('the probe saw nothing');
  t.deepEqual(report.invariantViolations, []);
  t.is(report.faultsFailed, 0);
  t.is(report.faults['clock-skew'], 2);
  t.is(report.finalState, 'running');

  // Every venue's clock — each engine's and the market's — was off by the skew, then agreed again.
  t.is(Object.keys(offsets).length, world.services.engineIds().length + 1);
  for (const [name, seen] of Object.entries(offsets)) t.deepEqual(seen, [90_000, -90_000, 0], name);

  // The venue stamped each order on its skewed clock: (venue createdAt − our send time) is the skew.
  const shifts = new Map<number, number>();
  const wrong: string[] = [];
  for (const venue of accounts(world.services)) {
    for (const order of venue.ledger().orders) {
      const sent = sentAt.get(order.clientOrderId);
      if (sent === undefined) continue;
      const shift = order.createdAt - sent;
      shifts.set(shift, (shifts.get(shift) ?? 0) + 1);
      const skew = [AHEAD, BEHIND].find((s) => sent >= t0 + s.atMs && sent < t0 + s.atMs + SKEW_MS);
      if (shift !== (skew?.skewMs ?? 0))
        wrong.push(`${order.clientOrderId} sent at ${sent}: shifted ${shift}`);
    }
  }
  t.deepEqual(wrong, []);
  t.true((shifts.get(90_000) ?? 0) > 0 && (shifts.get(-90_000) ?? 0) > 0, JSON.stringify([...shifts]));

  // Fills carry the venue's time: the execution store holds fills stamped in the future and in the past.
  const stored = await world.services.store.fills({ limit: Number.MAX_SAFE_INTEGER });
  const taker = stored.filter((f) => f.liquidity === 'taker' && sentAt.has(f.clientOrderId));
  t.true(taker.some((f) => f.t - (sentAt.get(f.clientOrderId) as number) === 90_000));
  t.true(taker.some((f) => f.t - (sentAt.get(f.clientOrderId) as number) === -90_000));
});
