import type { ExecutionContext } from 'ava';
import type { VirtualClock } from '../../actors/kernel/clock-virtual';
import { silentLogger } from '../../actors/kernel/logger';
import type { Runtime } from '../../actors/kernel/runtime';
import type { Store } from '../../actors/kernel/store';
import { AnomalyTracker } from '../../actors/ops/anomaly-tracker';
import { runtimeWatchdogSources } from '../../actors/ops/watchdog-sources';
import { WatchdogView } from '../../actors/ops/watchdog-view';
import type { WatchdogViewConfigInput } from '../../actors/ops/watchdog-view.config';
import { simulated } from '../helpers/runtime';
import type { RuntimeOptions } from '../../actors/kernel/runtime';

/** A runtime on the virtual clock with a watchdog view feeding a real anomaly tracker. */
export interface WatchedSystem {
  readonly runtime: Runtime;
  readonly clock: VirtualClock;
  readonly store: Store;
  readonly view: WatchdogView;
  readonly anomalies: AnomalyTracker;
}

/**
 * Starts a runtime (the sample tree unless `options` say otherwise), an anomaly tracker with no
 * detectors of its own, and the watchdog view over both; all stopped at the test's end.
 */
export async function watchedSystem(
  t: ExecutionContext,
  config: WatchdogViewConfigInput = {},
  options: Partial<RuntimeOptions> = {},
): Promise<WatchedSystem> {
  const { runtime, clock, store } = await simulated(options);
  const anomalies = await AnomalyTracker.open({ store, clock, logger: silentLogger(), sources: {} });
  anomalies.start();
  const view = WatchdogView.open({
    sources: runtimeWatchdogSources(runtime, anomalies),
    clock,
    logger: silentLogger(),
    config,
  });
  view.start();
  t.teardown(async () => {
    view.stop();
    await anomalies.stop();
    // A component still hung only stops when its shutdown timeout runs out on the clock.
    let stopped = false;
    const stopping = runtime.stop().finally(() => (stopped = true));
    for (let i = 0; i < 600 && !stopped; i++) await clock.advance(1_000);
    await stopping;
  });
  return { runtime, clock, store, view, anomalies };
}
