import type { Clock } from '../kernel/clock';
import type { Logger } from '../kernel/logger';
import type { Runtime } from '../kernel/runtime';
import type { Store } from '../kernel/store';
import type { TradingServices } from '../trading/trading-services';
import { unmeasuredLoopDelay } from './anomaly-loop-sampler';
import { openOpsStack } from './ops-stack';
import type { OpsStack } from './ops-stack';
import { UptimeWatcher } from './uptime-watcher';

/**
 * The whole operations stack ({@link openOpsStack}) over a simulated instance that is already
 * running: the uptime watcher boots and catches up from the journal, every record follows the
 * virtual clock, and the event loop is left unmeasured (its real delay says nothing about the
 * system simulated). The heap is the process's own, so a leak in the stack still shows.
 *
 * @example
 * const ops = await openSimulatedOpsStack({ store, clock, logger, runtime, services });
 * // … weeks of virtual time …
 * (await ops.gate.evaluate()).criteria;
 * await ops.stop();
 */
export async function openSimulatedOpsStack(o: {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly runtime: Runtime;
  readonly services?: TradingServices;
}): Promise<OpsStack> {
  const uptime = await UptimeWatcher.boot({ store: o.store, clock: o.clock, logger: o.logger });
  return openOpsStack({ ...o, uptime, samplers: { eventLoop: unmeasuredLoopDelay } });
}
