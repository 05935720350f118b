import test from 'ava';
import {
  CHAOS_KINDS,
  DEFAULT_CHAOS_PROFILE,
  NO_CHAOS_PROFILE,
  parseChaosProfile,
} from '../../actors/safety/chaos-scenarios';
import type { ChaosKind } from '../../actors/safety/chaos-scenarios';
import { runTradingSoak } from '../../actors/safety/trading-soak';

/** A profile of one kind of scenario, firing often enough to hit a two-hour soak several times. */
function only(kind: ChaosKind) {
  const scenario = DEFAULT_CHAOS_PROFILE.scenarios.find((s) => s.kind === kind);
  if (!scenario) throw new Error(`the default profile has no ${kind}`);
  return parseChaosProfile({
    name: `only-${kind}`,
    scenarios: [
      { ...scenario, schedule: { window: { fromMs: 10 * 60_000, toMs: 100 * 60_000, perHour: 3 } } },
    ],
  });
}

for (const kind of CHAOS_KINDS) {
  test(`chaos ${kind} in a short soak: every invariant holds`, async (t) => {
    const report = await runTradingSoak({ days: 2 / 24, seed: 7, chaos: only(kind) });
    t.deepEqual(report.invariantViolations, []);
    t.is(report.finalState, 'running');
    t.true(report.orders > 0, 'it traded');
    // Every kind has an injector: a firing that could not inject would count as failed.
    t.true((report.faults[kind] ?? 0) > 0, `${kind} was injected`);
    t.is(report.faultsFailed, 0);
    t.log(
      `${kind}: fired ${report.faults[kind] ?? 0}, orders ${report.orders}, fills ${report.fills}, restarts ${report.restarts}, kills ${report.kills}, incidents ${JSON.stringify(report.incidents)}`,
    );
  });
}

test('the same seed and profile give the same journal hash; no chaos gives no faults', async (t) => {
  const [a, b] = await Promise.all([
    runTradingSoak({ days: 1 / 24, seed: 11, chaos: only('venue-5xx-burst') }),
    runTradingSoak({ days: 1 / 24, seed: 11, chaos: only('venue-5xx-burst') }),
  ]);
  t.is(a.journalHash, b.journalHash);
  const calm = await runTradingSoak({ days: 1 / 24, seed: 11, chaos: NO_CHAOS_PROFILE });
  t.deepEqual(calm.faults, {});
  t.deepEqual(calm.invariantViolations, []);
});

test('Redis restarts, clock skews and partial-fill storms replay the same: the same seed gives the same journal hash', async (t) => {
  const kinds: ChaosKind[] = ['redis-restart', 'clock-skew', 'partial-fill-storm'];
  const profile = parseChaosProfile({
    name: 'replay',
    scenarios: kinds.map((kind) => ({ ...only(kind).scenarios[0], id: kind })),
  });
  const [a, b] = await Promise.all([
    runTradingSoak({ days: 1 / 24, seed: 13, chaos: profile }),
    runTradingSoak({ days: 1 / 24, seed: 13, chaos: profile }),
  ]);
  t.true(
    kinds.every((kind) => (a.faults[kind] ?? 0) > 0),
    JSON.stringify(a.faults),
  );
  t.is(a.journalHash, b.journalHash);
  t.deepEqual(a.invariantViolations, []);
});
