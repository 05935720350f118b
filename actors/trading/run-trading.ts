import type { Clock } from '../kernel/clock';
import type { Logger } from '../kernel/logger';
import { Rng } from '../kernel/rng';
import { Runtime } from '../kernel/runtime';
import type { Store } from '../kernel/store';
import { buildTrading } from './build-trading';
import type { Trading } from './build-trading';
import type { ExecutionStore } from './execution-store';
import type { TradingConfig } from './trading-config';

/** A trading system built and running. */
export interface RunningTrading {
  readonly runtime: Runtime;
  readonly trading: Trading;
  /** Stops the runtime (the tree in reverse order), then the venues. */
  stop(): Promise<void>;
}

/**
 * Builds a validated trading config (`buildTrading`) and starts it on the kernel: the one way
 * `predator start`, the specs and the benchmarks assemble trading. If the runtime cannot start,
 * what was built is closed again.
 *
 * @example
 * const running = await runTrading(parseTradingConfig(defaultTradingConfig()), { clock, store, logger });
 * await running.stop();
 */
export async function runTrading(
  config: TradingConfig,
  options: {
    clock: Clock;
    store: Store;
    logger: Logger;
    placement?: 'config' | 'memory';
    /**
     * Wraps the execution store the engines write through (the simulation's Redis outage); the
     * returned `trading.services` keep the store as it really is, for observers.
     */
    executionStore?: (store: ExecutionStore) => ExecutionStore;
  },
): Promise<RunningTrading> {
  const { clock, store, logger } = options;
  const trading = await buildTrading(config, {
    clock,
    rng: new Rng(config.seed).stream('trading'),
    store,
    logger,
  });
  let runtime: Runtime;
  try {
    runtime = await Runtime.start({
      config: trading.system,
      clock,
      store,
      logger,
      registry: trading.registry,
      services:
        options.executionStore === undefined
          ? trading.services
          : { ...trading.services, store: options.executionStore(trading.services.store) },
      ...(options.placement === undefined ? {} : { placement: options.placement }),
    });
  } catch (error) {
    await trading.close();
    throw error;
  }
  let stopped = false;
  return {
    runtime,
    trading,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await runtime.stop();
      await trading.close();
    },
  };
}
