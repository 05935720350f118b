import { VirtualClock } from '../../actors/kernel/clock-virtual';
import { silentLogger } from '../../actors/kernel/logger';
import type { Runtime } from '../../actors/kernel/runtime';
import type { Store } from '../../actors/kernel/store';
import { MemoryStore } from '../../actors/kernel/store-memory';
import type { Trading } from '../../actors/trading/build-trading';
import { engineAccounts } from '../../actors/trading/engine-venue-view';
import { runTrading } from '../../actors/trading/run-trading';
import { parseTradingConfig } from '../../actors/trading/trading-config';
import type { TradingConfigInput } from '../../actors/trading/trading-config';
import type { TradingServices } from '../../actors/trading/trading-services';
import { SimVenue } from '../../actors/venues/sim-venue';

/** A trading runtime on a virtual clock: the whole tree in-process, time moved by the spec. */
export interface SimulatedTrading {
  readonly runtime: Runtime;
  readonly clock: VirtualClock;
  readonly store: Store;
  readonly trading: Trading;
  /** Stops the runtime, then the venues. */
  stop(): Promise<void>;
}

/** Builds and starts `config` on a virtual clock (and a fresh memory store unless one is given). */
export async function simulatedTrading(
  config: TradingConfigInput,
  options: { clock?: VirtualClock; store?: Store } = {},
): Promise<SimulatedTrading> {
  const parsed = parseTradingConfig(config);
  const clock = options.clock ?? new VirtualClock();
  const store = options.store ?? new MemoryStore({ instance: parsed.instance });
  const { runtime, trading, stop } = await runTrading(parsed, {
    clock,
    store,
    logger: silentLogger(),
    placement: 'memory',
  });
  return { runtime, clock, store, trading, stop };
}

/** One engine with one strategy, for focused specs. */
export function oneEngine(
  options: {
    mode?: 'shadow' | 'live';
    kind?: 'market-maker' | 'trend-follower';
    settings?: Record<string, unknown>;
    seed?: number;
    venue?: Record<string, unknown>;
    risk?: TradingConfigInput['engines'][number]['risk'];
  } = {},
): TradingConfigInput {
  const kind = options.kind ?? 'market-maker';
  const settings =
    options.settings ??
    (kind === 'market-maker'
      ? { halfSpreadBps: 5, quoteSize: 0.01, maxInventory: 0.05, skewBps: 2 }
      : { fastPeriod: 3, slowPeriod: 8, size: 0.01, sampleEveryMs: 1_000 });
  return {
    seed: options.seed ?? 1,
    symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'],
    venue: { kind: 'sim', venue: options.venue ?? {} },
    engines: [
      {
        id: 'eng',
        mode: options.mode ?? 'shadow',
        ...(options.risk ? { risk: options.risk } : {}),
        strategies: [{ id: 'strat', kind, symbol: 'BTCUSDT', settings }],
      },
    ],
  };
}

/**
 * The simulated accounts behind the engines, each once (the shadow engines share one fill model;
 * live engines share the market venue).
 */
export function accounts(services: TradingServices): SimVenue[] {
  return [...engineAccounts(services).keys()].filter((v): v is SimVenue => v instanceof SimVenue);
}
