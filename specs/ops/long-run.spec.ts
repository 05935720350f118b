import test from 'ava';
import type { ExecutionContext } from 'ava';
import type { UptimeSnapshot } from '../../actors/ops/uptime-snapshot';
import { SIMULATION_EPOCH } from '../../actors/kernel/clock-virtual';
import type { IncidentView } from '../../actors/ops/incident-view';
import { weekRangeOf } from '../../actors/ops/iso-week';
import type { WeeklyReport } from '../../actors/ops/report-data';
import type { StabilityGateResult } from '../../actors/ops/stability-gate-result';
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
    readonly gate: StabilityGateResult;
    /** The weekly reports of every week the month touched, as of its last moment. */
    readonly weeks: readonly WeeklyReport[];
    readonly incidents: readonly IncidentView[];
  };
}

/**
 * Thirty simulated days of the full stack: trading, safety and every operations record (incident
 * book, uptime, anomalies, watchdog view, stability gate, resource samples, weekly reports).
 */
async function month(t: ExecutionContext, seed: number, chaos: ChaosProfile): Promise<MonthRun> {
  // Minutes of wall time on a loaded two-core machine: past ava's default inactivity timeout.
  t.timeout(20 * 60_000);
  let world: TradingSoakWorld | undefined;
  let end: MonthRun['end'] | undefined;
  const report = await runTradingSoak({
    seed,
    days: DAYS,
    chaos,
    ops: true,
    config: monthTradingConfig(seed),
    probe: (w) => {
      world = w;
    },
    onDay: async (day) => {
      if (day === DAYS && world !== undefined) end = await endOf(world);
    },
  });
  if (end === undefined) throw new Error('the soak did not reach its last day');
  t.log(
    `seed ${seed}: ${report.wallSeconds} s wall, orders ${report.orders}, fills ${report.fills}, restarts ${report.restarts}, kills ${report.kills}, incidents ${end.incidents.length}, faults ${JSON.stringify(report.faults)}`,
  );
  return { report, end };
}

/** The records at the month's last moment, before the soak stops anything. */
async function endOf(world: TradingSoakWorld): Promise<MonthRun['end']> {
  const { runtime, clock, ops } = world;
  if (ops === null) throw new Error('the soak ran without its operations records');
  const uptime = ops.uptime.snapshot(DAYS * DAY);
  const lifecycles = new Map(runtime.componentIds().map((id) => [id, componentView(runtime, id).lifecycle]));
  const restarts = runtime.restarts();
  const weeks: WeeklyReport[] = [];
  for (let at = SIMULATION_EPOCH; at <= clock.now(); at = weekRangeOf(at).to) {
    const week = await ops.reports.report(weekRangeOf(at).week);
    if (week !== undefined) weeks.push(week);
  }
  return {
    uptime,
    lifecycles,
    restarts,
    gate: await ops.gate.evaluate(),
    weeks,
    incidents: ops.incidents.list(),
  };
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
  const { criteria } = end.gate;
  t.true(criteria.stateIntegrity.met, criteria.stateIntegrity.detail);
  t.true(criteria.balanceEvents.met, criteria.balanceEvents.detail);
  const continuity = criteria.continuousOperation.evidence;
  t.true(continuity.continuousMs >= DAYS * DAY, `${continuity.continuousMs} ms continuous`);
  t.deepEqual([continuity.processCrashes, continuity.unplannedHalts, continuity.actorCrashes], [0, 0, 0]);
  t.true(end.weeks.length >= 5, `${end.weeks.length} weekly reports`);
  for (const week of end.weeks) {
    t.is(week.stability.restarts, 0, week.week);
    t.deepEqual(week.stability.halts, [], week.week);
    t.is(week.stability.uptimeRatio, 1, week.week);
  }
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
  // The weekly reports count them too: their sum over the month is the record's total.
  const sum = (field: 'restarts' | 'crashes'): number =>
    end.weeks.reduce((n, w) => n + (w.stability[field] ?? 0), 0);
  t.is(sum('crashes'), kills, 'the weekly reports count every crash');
  t.is(sum('restarts'), snapshot.totals.restarts, 'the weekly reports count every restart');
  const continuity = end.gate.criteria.continuousOperation.evidence;
  t.is(continuity.actorCrashes, kills, 'the gate sees the crashes the supervisors recovered');
  t.true(continuity.continuousMs >= DAYS * DAY, 'recovered crashes do not break continuity');
  t.true(end.gate.criteria.stateIntegrity.met, end.gate.criteria.stateIntegrity.detail);
});
