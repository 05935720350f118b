import type { Clock } from '../../actors/kernel/clock';
import type { Logger } from '../../actors/kernel/logger';
import { rateLimiterOf } from '../../actors/kernel/logger';
import type { SuppressedLines } from '../../actors/ops/anomaly-log-flood';
import type { Runtime } from '../../actors/kernel/runtime';
import type { Store } from '../../actors/kernel/store';
import { summaryDecisions } from '../../actors/ops/anomaly-denials';
import { realLoopDelaySampler } from '../../actors/ops/anomaly-loop-sampler';
import { AnomalyTracker } from '../../actors/ops/anomaly-tracker';
import type { BootLoopVerdict } from '../../actors/ops/boot-loop';
import { reportBootLoop } from '../../actors/ops/boot-loop';
import { IncidentBook } from '../../actors/ops/incident-book';
import { realHeapSampler } from '../../actors/ops/leak-heap-sampler';
import { LongRunReporter } from '../../actors/ops/long-run-reporter';
import { uptimeRecordsOf } from '../../actors/ops/long-run-reporter-sources';
import { ResourceSampler } from '../../actors/ops/resource-sampler';
import { realResourceSources } from '../../actors/ops/resource-sources';
import { StabilityGate } from '../../actors/ops/stability-gate';
import type { UptimeWatcher } from '../../actors/ops/uptime-watcher';
import { WatchdogView } from '../../actors/ops/watchdog-view';
import { runtimeWatchdogSources } from '../../actors/ops/watchdog-sources';
import type { Trading } from '../../actors/trading/build-trading';
import type { IncidentsView, OpsView } from '../../gateway/routes/ops';

/** What {@link startOpsRecords} keeps for the instance. */
export interface OpsRecords {
  /** What the gateway serves under `/api/ops` and `/api/incidents`. */
  readonly ops: OpsView;
  /** The incident book, for the operator commands that resolve incidents and sign post-mortems. */
  readonly incidents: IncidentBook;
  /** The stability gate, for the operator's sign-off. */
  readonly gate: StabilityGate;
  /** Stops sampling and writes the clean-stop marker; before the runtime closes the store. */
  stop(): Promise<void>;
}

/**
 * The operations records of a running instance, once its runtime has started: the incident book
 * (attached first, so the boot-loop incident is among its incidents), the boot-loop incident when
 * this start is one, the uptime watcher following the journal, the anomaly tracker, the watchdog
 * view over the kernel's heartbeats and asks (its warnings go to the tracker), the stability gate,
 * and the hourly resource samples with the weekly long-run reports made from all of them.
 */
export async function startOpsRecords(o: {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly runtime: Runtime;
  readonly trading: Trading | undefined;
  readonly uptime: UptimeWatcher;
  readonly bootLoop: BootLoopVerdict;
}): Promise<OpsRecords> {
  const { store, clock, logger, runtime, trading, uptime } = o;
  const book = await IncidentBook.open({ store, journal: runtime.kernel.journal, clock, logger });
  book.attach({
    incidents: runtime,
    stateOf: (id) => (id === 'system' ? runtime.state : runtime.component(id)?.behaviourState),
    ...(trading ? { kills: trading.services.kills, fills: trading.services.store } : {}),
  });
  reportBootLoop(runtime, o.bootLoop);
  await uptime.attach(runtime.kernel.journal);
  const anomalies = await AnomalyTracker.open({
    store,
    clock,
    logger,
    sources: {
      journal: runtime.kernel.journal,
      heap: realHeapSampler(),
      eventLoop: realLoopDelaySampler(),
      ...logSource(logger),
      ...(trading ? tradingAnomalySources(trading, runtime) : {}),
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
    incidents: book,
    system: runtime,
  });
  const sampler = await ResourceSampler.open({
    store,
    clock,
    logger,
    sources: realResourceSources({
      store,
      uptime,
      ...(trading ? { portfolio: trading.services.portfolio } : {}),
    }),
  });
  const reports = await LongRunReporter.open({
    store,
    clock,
    logger,
    sampler,
    sources: {
      uptime: uptimeRecordsOf(uptime, store),
      incidents: () => book.list(),
      anomalies: () => anomalies.list({ limit: 10_000 }),
    },
  });
  sampler.start();
  reports.start();
  return {
    ops: {
      uptime: (windowMs) => uptime.snapshot(windowMs),
      incidents: incidentsView(book),
      anomalies: (query) => anomalies.snapshot(query),
      watchdog: () => watchdog.snapshot(),
      gates: { stability: () => gate.evaluate() },
      reports,
    },
    incidents: book,
    gate,
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
function tradingAnomalySources(trading: Trading, runtime: Runtime) {
  const engines = trading.services.engineIds();
  return {
    decisions: summaryDecisions(engines, (id) => runtime.component(id)?.view().summary),
    latency: {
      engines: () => engines,
      figures: (engine: string, now: number, windowMs: number) =>
        trading.services.stats.figures(engine, now, windowMs),
    },
  };
}

/** The book as the gateway reads it: a post-mortem not drafted yet is drafted on first read. */
function incidentsView(book: IncidentBook): IncidentsView {
  const postmortem = async (id: number) => (await book.postmortem(id)) ?? (await book.draftPostmortem(id));
  return {
    list: (state) => book.list(state),
    get: (id) => book.get(id),
    postmortem,
    postmortemMarkdown: async (id) => {
      await postmortem(id);
      return book.postmortemMarkdown(id);
    },
  };
}

/** The log rate limiter behind the logger, when there is one: its dropped lines are `log-flood` anomalies. */
function logSource(logger: Logger): { logs?: SuppressedLines } {
  const limiter = rateLimiterOf(logger);
  return limiter ? { logs: limiter } : {};
}
