import * as path from 'node:path';
import type { Clock } from '../kernel/clock';
import { ConfigError } from '../kernel/errors';
import type { Logger } from '../kernel/logger';
import { ComponentRegistry } from '../kernel/registry';
import type { Rng } from '../kernel/rng';
import type { Store } from '../kernel/store';
import type { SystemConfigInput } from '../kernel/system-config';
import { CcxtVenue } from '../venues/ccxt-venue';
import { breakerComponentId, defaultBreakers } from '../safety/breaker-defaults';
import { applyBreakerOverrides } from '../safety/breaker-overrides';
import circuitBreaker from '../safety/components/circuit-breaker';
import reconciliation from '../safety/components/reconciliation';
import { KillSwitches } from '../safety/kill-switches';
import { MismatchBoard } from '../safety/mismatch-board';
import { MarketSim } from '../venues/market-sim';
import { SimVenue } from '../venues/sim-venue';
import type { Venue } from '../venues/venue';
import engine from './components/engine';
import marketData from './components/market-data';
import strategy from './components/strategy';
import tradingState from './components/trading-state';
import { EngineVenueView } from './engine-venue-view';
import { createExecutionStore } from './execution-store-factory';
import { ExecutionStats } from './execution-stats';
import { Portfolio } from './portfolio';
import { createReadModel } from './read-model-live';
import { shadowFillModel } from './shadow-fill-model';
import type { ShadowFillModel } from './shadow-fill-model';
import type { TradingReadModel } from './read-model';
import type { TradingConfig } from './trading-config';
import type { EngineVenue, TradingServices } from './trading-services';
import type { Balances, Instrument } from './types';
import {
  GLOBAL_TRADING_STATE,
  marketDataId,
  reconciliationId,
  strategyTradingState,
} from './trading-state-ids';

/** What `buildTrading` needs from the process. */
export interface TradingEnv {
  readonly clock: Clock;
  readonly rng: Rng;
  /** The kernel's store (connected here): the execution store lives beside the journal. */
  readonly store: Store;
  readonly logger: Logger;
}

/** A trading system ready to hand to `Runtime.start`. */
export interface Trading {
  readonly system: SystemConfigInput;
  readonly registry: ComponentRegistry;
  readonly services: TradingServices;
  readonly readModel: TradingReadModel;
  /** Stops the market simulator and closes venue connections (after the runtime stopped). */
  close(): Promise<void>;
}

/** Key of the live portfolio's starting balances: taken once, so a restart does not count fills twice. */
const FUNDING_KEY = 'trading:funding';

/** The registry of trading component kinds. */
export function tradingRegistry(): ComponentRegistry {
  return new ComponentRegistry()
    .register(marketData, path.join(__dirname, 'components', 'market-data.ts'))
    .register(engine, path.join(__dirname, 'components', 'engine.ts'))
    .register(strategy, path.join(__dirname, 'components', 'strategy.ts'))
    .register(tradingState, path.join(__dirname, 'components', 'trading-state.ts'))
    .register(circuitBreaker, path.join(__dirname, '..', 'safety', 'components', 'circuit-breaker.ts'))
    .register(reconciliation, path.join(__dirname, '..', 'safety', 'components', 'reconciliation.ts'));
}

/**
 * Builds the trading system of a validated config: the venue (simulated market and venue, or a
 * ccxt exchange), the instruments it trades, the execution store, the portfolio (funded, then
 * replayed from stored fills), the shadow fill model all shadow engines share, and the supervision tree.
 */
export async function buildTrading(config: TradingConfig, env: TradingEnv): Promise<Trading> {
  const { clock, rng, store, logger } = env;
  await store.connect();
  const closers: (() => void | Promise<void>)[] = [];
  let market: Venue;
  // The simulated venue answers over a simulated network on the clock; at build time nothing moves
  // a virtual clock yet, so its static facts are read from the venue's engine directly.
  let facts: { instruments(): Promise<Instrument[]>; balances(): Promise<Balances> };
  if (config.venue.kind === 'sim') {
    const sim = new MarketSim({ rng: rng.stream('market'), start: clock.now(), config: config.venue.market });
    closers.push(sim.start(clock));
    const venue = new SimVenue({ clock, rng, market: sim, config: { ...config.venue.venue, name: 'sim' } });
    closers.push(() => venue.close());
    market = venue;
    facts = {
      instruments: () => Promise.resolve(venue.engine.instruments()),
      balances: () => Promise.resolve(venue.engine.balances()),
    };
  } else {
    const { name, url, apiKey, secret } = config.venue;
    const venue = new CcxtVenue({
      exchangeId: name,
      clock,
      symbols: config.symbols,
      ...(apiKey === undefined ? {} : { apiKey }),
      ...(secret === undefined ? {} : { secret }),
      ...(url === undefined ? {} : { urls: { public: `${url}/api/v3`, private: `${url}/api/v3` } }),
    });
    closers.push(() => venue.close());
    market = venue;
    facts = venue;
  }
  const instruments = await tradedInstruments(facts, config.symbols);
  const exec = createExecutionStore(store);
  const portfolio = Portfolio.create({
    valuationAsset: config.valuationAsset,
    instruments: [...instruments.values()],
  });
  const anyLive = config.engines.some((e) => e.mode === 'live');
  const funding = anyLive ? await liveFunding(store, facts, clock) : config.balances;
  const fundable = new Set([config.valuationAsset, ...[...instruments.values()].map((i) => i.base)]);
  for (const [asset, amount] of Object.entries(funding)) {
    if (!fundable.has(asset) || amount === 0) continue;
    portfolio.recordTransfer({
      transferId: `funding-${asset}`,
      asset,
      amount,
      reason: 'starting balance',
      t: 0,
    });
  }
  for (const fill of await exec.fills({ limit: Number.MAX_SAFE_INTEGER })) {
    portfolio.recordFill(fill, { engine: fill.engine, strategy: fill.strategy });
  }
  const sides = new Map<string, EngineVenue>();
  const shadow = config.engines.some((e) => e.mode === 'shadow')
    ? shadowFillModel([...instruments.values()], config.balances, clock, rng)
    : null;
  if (shadow) closers.push(() => shadow.venue.close());
  for (const e of config.engines) {
    if (e.mode === 'live') {
      sides.set(e.id, { venue: market, mode: 'live', fresh: false, observe: () => {} });
      continue;
    }
    const { venue, observe } = shadow as ShadowFillModel;
    sides.set(e.id, { venue: new EngineVenueView(venue), mode: 'shadow', fresh: true, observe });
  }
  const kills = await KillSwitches.load(store, clock);
  closers.push(() => kills.close());
  let lookup: (actor: string) => string | undefined = () => undefined;
  const services: TradingServices = {
    instance: config.instance,
    store: exec,
    portfolio,
    kills,
    stats: new ExecutionStats(),
    mismatches: new MismatchBoard(),
    marketVenue: config.venue.name,
    engineIds: () => config.engines.map((e) => e.id),
    liveEngines: () => config.engines.filter((e) => e.mode === 'live').map((e) => e.id),
    venue: (name) => {
      if (name !== config.venue.name) throw new ConfigError(`unknown venue ${name}`, [`venue: ${name}`]);
      return market;
    },
    instruments: () => instruments,
    engineVenue: (id) => {
      const side = sides.get(id);
      if (!side) throw new ConfigError(`engine ${id} is not configured`, [`engines: ${id}`]);
      return side;
    },
    mids: {},
    stateOf: (actor) => lookup(actor),
    bindStates: (fn) => {
      lookup = fn;
    },
  };
  logger.info(
    {
      venue: config.venue.name,
      symbols: config.symbols,
      engines: config.engines.map((e) => `${e.id}:${e.mode}`),
    },
    'trading built',
  );
  return {
    system: tradingSystem(config, instruments),
    registry: tradingRegistry(),
    services,
    readModel: createReadModel(config, services),
    close: async () => {
      for (const close of closers.reverse()) await close();
    },
  };
}

/** The supervision tree: market data under one supervisor, each engine with its strategies under another. */
export function tradingSystem(
  config: TradingConfig,
  instruments: ReadonlyMap<string, Instrument>,
): SystemConfigInput {
  const topic = (symbol: string): string => `market.${symbol}`;
  return {
    instance: config.instance,
    seed: config.seed,
    root: {
      type: 'supervisor',
      id: 'root',
      strategy: 'one_for_one',
      intensity: 3,
      periodMs: 600_000,
      children: [
        // First: every engine reads it, and while it is not running nothing is admitted.
        {
          type: 'component',
          id: GLOBAL_TRADING_STATE,
          kind: 'trading-state',
          config: { level: 'global', scope: 'global' },
        },
        {
          type: 'supervisor',
          id: 'market',
          strategy: 'one_for_one',
          intensity: 10,
          periodMs: 60_000,
          children: config.symbols.map((symbol) => ({
            type: 'component' as const,
            id: marketDataId(symbol),
            kind: 'market-data',
            config: { venue: config.venue.name, symbol, ...config.market },
          })),
        },
        ...config.engines.map((e) => ({
          type: 'supervisor' as const,
          id: `engine-${e.id}`,
          // A restarted engine restarts its strategies: they must learn their orders' outcomes anew.
          strategy: 'rest_for_one' as const,
          intensity: 5,
          periodMs: 60_000,
          children: [
            {
              type: 'component' as const,
              id: e.id,
              kind: 'engine',
              subscribe: [...new Set(e.strategies.map((s) => topic(s.symbol)))],
              config: {
                venue: config.venue.name,
                mode: e.mode,
                risk: e.risk,
                pollMs: e.pollMs,
                reconcileAtStart: config.safety.reconciliation,
              },
            },
            ...e.strategies.map((s) => ({
              type: 'component' as const,
              id: strategyTradingState(s.id),
              kind: 'trading-state',
              config: { level: 'strategy', scope: s.id },
            })),
            ...e.strategies.map((s) => ({
              type: 'component' as const,
              id: s.id,
              kind: 'strategy',
              subscribe: [topic(s.symbol)],
              config: {
                engine: e.id,
                kind: s.kind,
                instrument: instruments.get(s.symbol),
                settings: s.settings,
              },
            })),
            ...(config.safety.reconciliation
              ? [
                  {
                    type: 'component' as const,
                    id: reconciliationId(e.id),
                    kind: 'reconciliation',
                    config: {
                      engine: e.id,
                      ownsAccount: ownsAccount(config, e.id),
                      intervalMs: config.safety.reconcileEveryMs,
                    },
                  },
                ]
              : []),
          ],
        })),
        ...safetyTree(config),
      ],
    },
  };
}

/**
 * Whether an engine's reconciliation owns its account (judges orders no engine recorded, checks
 * balance changes): shadow engines share the instance's fill model and live engines the venue's
 * account, each owned by the first engine of that mode.
 */
function ownsAccount(config: TradingConfig, engine: string): boolean {
  const e = config.engines.find((x) => x.id === engine);
  if (!e) return true;
  return config.engines.find((x) => x.mode === e.mode)?.id === engine;
}

/** The breakers of a trading config: the defaults for its engines with its overrides, or none. */
export function tradingBreakers(config: TradingConfig): ReturnType<typeof defaultBreakers> {
  if (config.safety.breakers === 'none') return [];
  const defaults = defaultBreakers(config.engines.map((e) => ({ id: e.id, strategies: e.strategies })));
  return applyBreakerOverrides(defaults, config.safety.breakerOverrides).breakers;
}

/** The breakers of a trading config by name, each with its component id (for `reset_breaker`). */
export function tradingBreakerComponents(config: TradingConfig): Map<string, string> {
  return new Map(tradingBreakers(config).map((b) => [b.breaker.name, breakerComponentId(b.breaker.name)]));
}

/** Last in the tree: the breakers watch what the engines do and start once they run. */
function safetyTree(config: TradingConfig): SystemConfigInput['root'][] {
  const breakers = tradingBreakers(config);
  if (breakers.length === 0) return [];
  return [
    {
      type: 'supervisor',
      id: 'safety',
      strategy: 'one_for_one',
      intensity: 10,
      periodMs: 60_000,
      children: breakers.map((b) => ({
        type: 'component' as const,
        id: breakerComponentId(b.breaker.name),
        kind: 'circuit-breaker',
        config: { ...b, sampleEveryMs: config.safety.breakerSampleMs },
      })),
    },
  ];
}

async function tradedInstruments(
  venue: Pick<Venue, 'instruments'>,
  symbols: readonly string[],
): Promise<Map<string, Instrument>> {
  const all = await venue.instruments();
  const bySymbol = new Map(all.map((i) => [i.symbol, i]));
  const missing = symbols.filter((s) => !bySymbol.has(s));
  if (missing.length > 0)
    throw new ConfigError(
      `the venue does not trade ${missing.join(', ')}`,
      missing.map((s) => `symbols: ${s} is not traded`),
    );
  return new Map(symbols.map((s) => [s, bySymbol.get(s) as Instrument]));
}

async function liveFunding(
  store: Store,
  venue: Pick<Venue, 'balances'>,
  clock: Clock,
): Promise<Record<string, number>> {
  const saved = await store.getValue<{ balances: Record<string, number> }>(FUNDING_KEY);
  if (saved) return saved.balances;
  const balances: Record<string, number> = {};
  for (const [asset, b] of Object.entries(await venue.balances())) balances[asset] = b.free + b.locked;
  await store.setValue(FUNDING_KEY, { balances, t: clock.now() });
  return balances;
}
