import type { Clock } from '../kernel/clock';
import type { Logger } from '../kernel/logger';
import { rateLimiterOf } from '../kernel/logger';
import type { Runtime } from '../kernel/runtime';
import type { Store } from '../kernel/store';
import type { TradingServices } from '../trading/trading-services';
import { summaryDecisions } from './anomaly-denials';
import type { SuppressedLines } from './anomaly-log-flood';
import type { LoopDelaySampler } from './anomaly-loop-sampler';
import { realLoopDelaySampler } from './anomaly-loop-sampler';
import { AnomalyTracker } from './anomaly-tracker';
import type { BootLoopVerdict } from './boot-loop';
import { reportBootLoop } from './boot-loop';
import { IncidentBook } from './incident-book';
import type { HeapSampler } from './leak-heap-sampler';
import { realHeapSampler } from './leak-heap-sampler';
import { LongRunReporter } from './long-run-reporter';
import { uptimeRecordsOf } from './long-run-reporter-sources';
import { ResourceSampler } from './resource-sampler';
import { realResourceSources } from './resource-sources';
import { StabilityGate } from './stability-gate';
import type { UptimeWatcher } from './uptime-watcher';
import { WatchdogView } from './watchdog-view';
import { runtimeWatchdogSources } from './watchdog-sources';

/** What {@link openOpsStack} needs: the running instance and the uptime watcher booted before it. */
export interface OpsStackOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly runtime: Runtime;
  /** The trading services, when the instance trades: kills, fills, decisions, latency, PnL. */
  readonly services?: TradingServices;
  readonly uptime: UptimeWatcher;
  /** This start's boot-loop verdict: when it is one, its incident is raised once the book attached. */
  readonly bootLoop?: BootLoopVerdict;
  /**
   * The process measures, real by default. A simulation passes its own event-loop sampler: on a
   * virtual clock the real delay says how hard the simulation drives the loop, nothing about the
   * system simulated.
   */
  readonly samplers?: { readonly heap?: HeapSampler; readonly eventLoop?: () => LoopDelaySampler };
}

/** The operations records of one instance, each module as it is, for the views built over them. */
export interface OpsStack {
  readonly incidents: IncidentBook;
  readonly uptime: UptimeWatcher;
  readonly anomalies: AnomalyTracker;
  readonly watchdog: WatchdogView;
  readonly gate: StabilityGate;
  readonly sampler: ResourceSampler;
  readonly reports: LongRunReporter;
  /** Stops sampling and writes the clean-stop marker; before the runtime closes the store. */
  stop(): Promise<void>;
}

/**
 * The operations records of a running instance, once its runtime has started: the incident book
 * (attached first, so the boot-loop incident is among its incidents), the boot-loop incident when
 * this start is one, the uptime watcher following the journal, the anomaly tracker, the watchdog
 * view over the kernel's heartbeats and asks (its warnings go to the tracker), the stability gate,
 * and the hourly resource samples with the weekly long-run reports made from all of them. One
 * assembly for `predator start` and for the simulations that prove the stack over months.
 *
 * @example
 * const uptime = await UptimeWatcher.boot({ store, clock, logger });
 * const ops = await openOpsStack({ store, clock, logger, runtime, services, uptime });
 * await ops.gate.evaluate();
 * await ops.stop();
 */
export async function openOpsStack(o: OpsStackOptions): Promise<OpsStack> {
  const { store, clock, logger, runtime, services, uptime } = o;
  const incidents = await IncidentBook.open({ store, journal: runtime.kernel.journal, clock, logger });
  incidents.attach({
    incidents: runtime,
    stateOf: (id) => (id === 'system' ? runtime.state : runtime.component(id)?.behaviourState),
    ...(services ? { kills: services.kills, fills: services.store } : {}),
  });
  if (o.bootLoop) reportBootLoop(runtime, o.bootLoop);
  await uptime.attach(runtime.kernel.journal);
  const loop = o.samplers?.eventLoop ?? (() => realLoopDelaySampler());
  const anomalies = await AnomalyTracker.open({
    store,
    clock,
    logger,
    sources: {
      journal: runtime.kernel.journal,
      heap: o.samplers?.heap ?? realHeapSampler(),
      eventLoop: loop(),
      ...logSource(logger),
      ...(services ? tradingAnomalySources(services, runtime) : {}),
    },
  });
  anomalies.start();
  const watchdog = WatchdogView.open({ sources: runtimeWatchdogSources(runtime, anomalies), clock, logger });
  watchdog.start();
  const gate = await StabilityGate.open({
    store,
    journal: runtime.kernel.journal,
    clock,
    logger,
    uptime,
    incidents,
    system: runtime,
  });
  const sampler = await ResourceSampler.open({
    store,
    clock,
    logger,
    sources: realResourceSources({
      store,
      uptime,
      loop: loop(),
      ...(services ? { portfolio: services.portfolio } : {}),
    }),
  });
  const reports = await LongRunReporter.open({
    store,
    clock,
    logger,
    sampler,
    sources: {
      uptime: uptimeRecordsOf(uptime, store),
      incidents: () => incidents.list(),
      anomalies: () => anomalies.list({ limit: 10_000 }),
    },
  });
  sampler.start();
  reports.start();
  return {
    incidents,
    uptime,
    anomalies,
    watchdog,
    gate,
    sampler,
    reports,
    stop: async () => {
      await reports.stop();
      await sampler.stop();
      await gate.stop();
      watchdog.stop();
      await anomalies.stop();
      await uptime.stop();
    },
  };
}

/** What the anomaly tracker reads of a trading system: risk decisions and venue ack latency. */
function tradingAnomalySources(services: TradingServices, runtime: Runtime) {
  const engines = services.engineIds();
  return {
    decisions: summaryDecisions(engines, (id) => runtime.component(id)?.view().summary),
    latency: {
      engines: () => engines,
      figures: (engine: string, now: number, windowMs: number) =>
        services.stats.figures(engine, now, windowMs),
    },
  };
}

/** The log rate limiter behind the logger, when there is one: its dropped lines are `log-flood` anomalies. */
function logSource(logger: Logger): { logs?: SuppressedLines } {
  const limiter = rateLimiterOf(logger);
  return limiter ? { logs: limiter } : {};
}
