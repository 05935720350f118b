import { RealClock } from '../kernel/clock';
import { SIMULATION_EPOCH, VirtualClock } from '../kernel/clock-virtual';
import { silentLogger } from '../kernel/logger';
import type { Logger } from '../kernel/logger';
import { Rng } from '../kernel/rng';
import { MemoryStore } from '../kernel/store-memory';
import type { Store } from '../kernel/store';
import type { Runtime } from '../kernel/runtime';
import { openSimulatedOpsStack } from '../ops/ops-stack-sim';
import type { OpsStack } from '../ops/ops-stack';
import { engineAccounts } from '../trading/engine-venue-view';
import { runTrading } from '../trading/run-trading';
import type { TradingServices } from '../trading/trading-services';
import { defaultTradingConfig, parseTradingConfig } from '../trading/trading-config';
import type { TradingConfig } from '../trading/trading-config';
import { SimVenue } from '../venues/sim-venue';
import { ChaosEngine } from './chaos-engine';
import type { ChaosKind, ChaosProfile } from './chaos-scenarios';
import { SoakInvariants } from './soak-invariants';
import type { SoakOperator, SoakOperatorActions } from './soak-operator';
import { startSoakOperator } from './soak-operator-start';
import type { SoakOperatorConfigInput } from './soak-operator.config';
import { OutageExecutionStore } from '../sim/execution-store-outage';
import { exposeGc, heapMB, round, slope } from '../sim/heap';
import { OutageStore, StoreOutage } from '../sim/store-outage';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Options of {@link runTradingSoak}. */
export interface TradingSoakOptions {
  readonly days: number;
  readonly seed: number;
  readonly chaos: ChaosProfile;
  /** The trading config; {@link soakTradingConfig} of the seed by default. */
  readonly config?: TradingConfig;
  readonly logger?: Logger;
  /** Called after each simulated day (progress); the soak waits for what it returns. */
  readonly onDay?: (day: number) => void | Promise<void>;
  /** Called once the system runs, before chaos starts: specs watch the faults take effect through it. */
  readonly probe?: (world: TradingSoakWorld) => void;
  /**
   * The simulated on-call operator ({@link SoakOperator}) and its settings, or `false` (the
   * default) for none: then a restriction only an operator lifts stands to the end of the soak.
   */
  readonly operator?: SoakOperatorConfigInput | false;
  /**
   * Whether the operations records run too (incident book, uptime, anomalies, watchdog view, gate,
   * resource samples and weekly reports, as `predator start` runs them); off by default, so the
   * chaos soak measures the trading system alone.
   */
  readonly ops?: boolean;
}

/** The running soak as a spec sees it. */
export interface TradingSoakWorld {
  readonly clock: VirtualClock;
  readonly runtime: Runtime;
  /** The trading services with the store as it really is (the outage does not hide it). */
  readonly services: TradingServices;
  /** The kernel's store as the runtime sees it (down during a Redis restart). */
  readonly store: Store;
  /** The switch of Redis restarts. */
  readonly outage: StoreOutage;
  /** The operations records, when the soak runs them (`ops: true`). */
  readonly ops: OpsStack | null;
}

/** What `predator soak --chaos … --json` prints. */
export interface TradingSoakReport {
  readonly seed: number;
  readonly simulatedDays: number;
  readonly chaos: string;
  readonly wallSeconds: number;
  /** Must be empty: each entry names the invariant (1–6) it breaks. */
  readonly invariantViolations: readonly string[];
  readonly invariantViolationCount: number;
  /** Faults injected, by chaos kind, and how many injects threw (each error is in the chaos status). */
  readonly faults: Readonly<Record<string, number>>;
  readonly faultsFailed: number;
  /** Venue orders over all engines' venues, and fills recorded. */
  readonly orders: number;
  readonly fills: number;
  /** Incidents raised, by kind. */
  readonly incidents: Readonly<Record<string, number>>;
  /** GLOBAL HALTs of the kernel, and kill switches engaged (by breakers; the operator only lifts them). */
  readonly halts: number;
  readonly kills: number;
  /** What the simulated operator did; null when the soak ran without one. */
  readonly operatorActions: SoakOperatorActions | null;
  readonly restarts: number;
  readonly transitions: number;
  readonly journalHash: string;
  readonly heapUsedEndMB: number;
  readonly heapSlopeMBPerDay: number;
  readonly finalState: string;
}

/**
 * The default trading system at a cadence a month-long simulation can afford: books every 5 s per
 * symbol (the live default is 0.5 s), breakers read every minute, reconciliation every minute.
 * Everything else — engines, strategies, risk, breakers, reconciliation — is the default config.
 */
export function soakTradingConfig(seed: number): TradingConfig {
  const base = defaultTradingConfig('shadow');
  return parseTradingConfig({
    ...base,
    seed,
    venue: { kind: 'sim', market: { refreshMs: 5_000 }, venue: {} },
    market: { pollMs: 5_000, staleAfterMs: 30_000, depth: 10 },
    engines: base.engines.map((e) => ({ ...e, pollMs: 5_000 })),
    safety: { breakers: 'default', breakerSampleMs: 60_000, reconciliation: true, reconcileEveryMs: 60_000 },
  });
}

/**
 * Deterministic simulation of the whole system — kernel, trading, safety — on the virtual clock in
 * one process, with the chaos engine injecting faults at the profile's rates and the six invariants
 * ({@link SoakInvariants}) checked on every order sent, every transition, and every simulated hour.
 * The journal hash depends only on the seed, the profile and the code.
 */
export async function runTradingSoak(options: TradingSoakOptions): Promise<TradingSoakReport> {
  const wall = new RealClock();
  const wallStart = wall.now();
  const gc = exposeGc();
  const config = options.config ?? soakTradingConfig(options.seed);
  const clock = new VirtualClock(SIMULATION_EPOCH);
  const logger = options.logger ?? silentLogger();
  // One switch takes down both stores, as one Redis holds the journal, snapshots and execution.
  const outage = new StoreOutage();
  const store = new OutageStore(new MemoryStore({ instance: config.instance, journalLimit: 10_000 }), outage);
  // Both stores go down together, as they would with one Redis behind them.
  const running = await runTrading(config, {
    clock,
    store,
    logger,
    placement: 'memory',
    executionStore: (exec) => new OutageExecutionStore(exec, outage),
  });
  const { runtime } = running;
  const services = running.trading.services;
  const stop = (): Promise<void> => running.stop();
  const strategiesOf = new Map(config.engines.map((e) => [e.id, e.strategies.map((s) => s.id)]));
  // Two passes plus the orphan gap and the young-order exemption, with a minute to spare.
  const window = 2 * config.safety.reconcileEveryMs + 30_000 + 10_000 + 60_000;
  const invariants = new SoakInvariants(runtime, services, strategiesOf, window);
  invariants.install();
  let kills = 0;
  services.kills.onChange((change) => {
    if (change.type === 'engaged') kills++;
  });
  const chaos = new ChaosEngine({
    clock,
    rng: new Rng(options.seed).stream('chaos'),
    runtime,
    services,
    logger,
    profile: options.chaos,
    storeOutage: outage,
  });
  // On the runtime's store: a Redis restart takes the records down with it, as one Redis would.
  const ops = options.ops ? await openSimulatedOpsStack({ store, clock, logger, runtime, services }) : null;
  options.probe?.({ clock, runtime, services, store, outage, ops });
  const operator: SoakOperator | null =
    options.operator === undefined || options.operator === false
      ? null
      : startSoakOperator({ runtime, services, store, config, operator: options.operator });
  if (options.chaos.scenarios.length > 0) chaos.start();

  const heap: { day: number; mb: number }[] = [];
  const hours = Math.ceil(options.days * 24);
  for (let hour = 1; hour <= hours; hour++) {
    await clock.runUntil(SIMULATION_EPOCH + Math.min(hour * HOUR_MS, options.days * DAY_MS));
    await invariants.check(clock.now());
    if (hour % 24 === 0) {
      heap.push({ day: hour / 24, mb: heapMB(gc) });
      await options.onDay?.(hour / 24);
    }
  }
  chaos.stop();
  operator?.stop();
  await invariants.check(clock.now());
  invariants.uninstall();

  const counts = chaos.status()?.counts;
  const faults: Record<string, number> = {};
  for (const [kind, c] of Object.entries(counts?.byKind ?? {}) as [ChaosKind, { fired: number }][])
    if (c.fired > 0) faults[kind] = c.fired;
  let orders = 0;
  for (const venue of engineAccounts(services).keys()) {
    // Ever taken, not kept: the venue forgets old ended orders.
    if (venue instanceof SimVenue) orders += venue.engine.historyCounts().taken.orders;
  }
  const incidents: Record<string, number> = {};
  for (const incident of runtime.incidents()) incidents[incident.kind] = (incidents[incident.kind] ?? 0) + 1;
  const fills = (await services.store.fills({ limit: Number.MAX_SAFE_INTEGER })).length;
  const { list, count } = invariants.report();
  const report: TradingSoakReport = {
    seed: options.seed,
    simulatedDays: options.days,
    chaos: options.chaos.name,
    wallSeconds: round((wall.now() - wallStart) / 1000, 3),
    invariantViolations: list,
    invariantViolationCount: count,
    faults,
    faultsFailed: counts?.failed ?? 0,
    orders,
    fills,
    incidents,
    halts: runtime.haltCount,
    kills,
    operatorActions: operator?.actions() ?? null,
    restarts: runtime.restarts(),
    transitions: runtime.kernel.journal.recorded,
    journalHash: runtime.kernel.journal.digest(),
    heapUsedEndMB: round(heapMB(gc), 2),
    // The first day is warm-up.
    heapSlopeMBPerDay: round(slope(heap.filter((p) => p.day > 1)), 3),
    finalState: runtime.state,
  };
  await ops?.stop();
  await stop();
  return report;
}
