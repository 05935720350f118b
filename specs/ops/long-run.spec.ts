import test from 'ava';
import type { ExecutionContext } from 'ava';
import { silentLogger } from '../../actors/kernel/logger';
import type { UptimeSnapshot } from '../../actors/ops/uptime-snapshot';
import { UptimeWatcher } from '../../actors/ops/uptime-watcher';
import { NO_CHAOS_PROFILE, parseChaosProfile } from '../../actors/safety/chaos-scenarios';
import type { ChaosProfile } from '../../actors/safety/chaos-scenarios';
import { monthTradingConfig } from '../../actors/safety/month-config';
import { runTradingSoak } from '../../actors/safety/trading-soak';
import type { TradingSoakReport, TradingSoakWorld } from '../../actors/safety/trading-soak';
import { componentView } from '../helpers/runtime';

const DAY = 86_400_000;
const DAYS = 30;

interface MonthRun {
  readonly report: TradingSoakReport;
  /** Taken at the end of the last day, before the soak stops the system. */
  readonly end: {
    readonly uptime: UptimeSnapshot;
    readonly lifecycles: ReadonlyMap<string, string>;
    readonly restarts: number;
    readonly now: number;
  };
}

/** Thirty simulated days of the full stack, with the uptime watcher following the journal throughout. */
async function month(t: ExecutionContext, seed: number, chaos: ChaosProfile): Promise<MonthRun> {
  // Minutes of wall time on a loaded two-core machine: past ava's default inactivity timeout.
  t.timeout(20 * 60_000);
  let world: TradingSoakWorld | undefined;
  let watching: UptimeWatcher | undefined;
  let end: MonthRun['end'] | undefined;
  const report = await runTradingSoak({
    seed,
    days: DAYS,
    chaos,
    config: monthTradingConfig(seed),
    probe: (w) => {
      world = w;
      // Booted while the first simulated minute runs: the watcher follows the journal from there.
      void UptimeWatcher.boot({ store: w.store, clock: w.clock, logger: silentLogger() }).then(
        async (uptime) => {
          await uptime.attach(w.runtime.kernel.journal);
          watching = uptime;
        },
      );
    },
    onDay: (day) => {
      if (day !== DAYS || world === undefined || watching === undefined) return;
      const { runtime, clock } = world;
      end = {
        uptime: watching.snapshot(DAYS * DAY),
        lifecycles: new Map(runtime.componentIds().map((id) => [id, componentView(runtime, id).lifecycle])),
        restarts: runtime.restarts(),
        now: clock.now(),
      };
    },
  });
  if (end === undefined) throw new Error('the soak did not reach its last day with the watcher attached');
  t.log(
    `seed ${seed}: ${report.wallSeconds} s wall, orders ${report.orders}, fills ${report.fills}, restarts ${report.restarts}, kills ${report.kills}, faults ${JSON.stringify(report.faults)}`,
  );
  return { report, end };
}

test('T1: thirty simulated days of the full stack without chaos: no unplanned halt, uptime 100 %, every invariant holds', async (t) => {
  const { report, end } = await month(t, 11, NO_CHAOS_PROFILE);
  t.deepEqual(report.invariantViolations, []);
  t.is(report.halts, 0);
  t.is(report.finalState, 'running');
  t.true(report.orders > 1_000 && report.fills > 100, 'it traded');
  const snapshot = end.uptime;
  t.is(snapshot.unplannedHalts, 0);
  t.is(snapshot.process.crashes, 0);
  t.is(snapshot.totals.crashes, 0, 'no component crashed');
  t.is(snapshot.uptime.ratio, 1, 'up the whole month');
  t.true(snapshot.uptime.coveredMs >= (DAYS - 1) * DAY, `${snapshot.uptime.coveredMs} ms covered`);
  t.true([...end.lifecycles.values()].every((l) => l === 'running'));
});

test('T4: random actor kills across thirty simulated days: every component recovers, invariants hold, and the uptime record counts every crash and restart', async (t) => {
  const chaos = parseChaosProfile({
    name: 'random-restarts',
    scenarios: [{ id: 'kill', kind: 'kill-actor', schedule: { rate: { perHour: 1 / 4 } } }],
  });
  const { report, end } = await month(t, 12, chaos);
  t.deepEqual(report.invariantViolations, []);
  const kills = report.faults['kill-actor'] ?? 0;
  t.true(kills >= 100, `${kills} kills in thirty days`);
  t.is(report.faultsFailed, 0);
  t.is(report.halts, 0, 'no kill escalated to a GLOBAL HALT');
  for (const [id, lifecycle] of end.lifecycles) t.is(lifecycle, 'running', `${id} recovered`);
  const snapshot = end.uptime;
  t.is(snapshot.totals.crashes, kills, 'every kill is counted as the crash of its component');
  // The tree counts a supervisor's restart of a group once; the record counts every actor restarted
  // (a one_for_all restart of three restarts three), so it is at least the tree's count.
  t.true(snapshot.totals.restarts >= end.restarts, `${snapshot.totals.restarts} ≥ ${end.restarts}`);
  const crashed = Object.entries(snapshot.actors).filter(([, c]) => c.crashes > 0);
  for (const [id, counts] of crashed)
    t.true(counts.restarts >= counts.crashes, `${id} restarted after each crash`);
  t.is(snapshot.uptime.ratio, 1);
});
