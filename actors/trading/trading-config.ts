import { z } from 'zod';
import { ConfigError } from '../kernel/errors';
import { formatPath } from '../kernel/system-config';
import { STRATEGY_KINDS, createStrategy } from './strategies/registry';
import { riskEngineConfigSchema } from './risk-engine.config';
import { breakerComponentId, defaultBreakers } from '../safety/breaker-defaults';
import { applyBreakerOverrides, breakerOverridesSchema } from '../safety/breaker-overrides';
import {
  GLOBAL_TRADING_STATE,
  marketDataId,
  reconciliationId,
  strategyTradingState,
} from './trading-state-ids';

const id = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]{0,29}$/,
    'expected a lower-case id: a letter, then letters, digits or -, at most 30',
  );
const symbol = z.string().regex(/^[A-Z0-9]{2,20}$/, 'expected an upper-case symbol like BTCUSDT');

const simVenueSchema = z.strictObject({
  kind: z.literal('sim'),
  name: z.literal('sim').default('sim'),
  /** Market simulator settings (`actors/venues/market-sim.config.ts`); symbols come from `symbols`. */
  market: z.record(z.string(), z.unknown()).default({}),
  /** SimVenue settings (`actors/venues/sim-venue.config.ts`). */
  venue: z.record(z.string(), z.unknown()).default({}),
});

const ccxtVenueSchema = z.strictObject({
  kind: z.literal('ccxt'),
  /** ccxt exchange id, e.g. `binance`. */
  name: z.string().regex(/^[a-z0-9]{2,30}$/, 'expected a ccxt exchange id like binance'),
  /** Base URL override (the emulator); absent = the real exchange. */
  url: z.url().optional(),
  /** Never a command-line flag: the config file or PREDATOR_API_KEY / PREDATOR_API_SECRET. */
  apiKey: z.string().min(1).optional(),
  secret: z.string().min(1).optional(),
});

const strategySchema = z.strictObject({
  id,
  kind: z.enum(STRATEGY_KINDS),
  symbol,
  settings: z.record(z.string(), z.unknown()).default({}),
});

const engineSchema = z.strictObject({
  id,
  mode: z.enum(['shadow', 'live']).default('shadow'),
  risk: riskEngineConfigSchema.default({ rules: [] }),
  pollMs: z.number().int().min(10).max(60_000).default(1_000),
  strategies: z.array(strategySchema).min(1),
});

/** The zod schema of {@link TradingConfig}. */
export const tradingConfigSchema = z.strictObject({
  instance: id.default('predator'),
  seed: z.number().int().min(0).default(1),
  venue: z
    .discriminatedUnion('kind', [simVenueSchema, ccxtVenueSchema])
    .default({ kind: 'sim', name: 'sim', market: {}, venue: {} }),
  symbols: z.array(symbol).min(1).default(['BTCUSDT', 'ETHUSDT', 'SOLUSDT']),
  valuationAsset: z
    .string()
    .regex(/^[A-Z0-9]{2,12}$/)
    .default('USDT'),
  /** Starting balances of each shadow engine's simulated account and of the portfolio in shadow. */
  balances: z
    .record(z.string(), z.number().min(0).finite())
    .default({ USDT: 100_000, BTC: 1, ETH: 10, SOL: 100 }),
  market: z
    .strictObject({
      pollMs: z.number().int().min(10).max(60_000).default(500),
      staleAfterMs: z.number().int().min(100).max(600_000).default(5_000),
      depth: z.number().int().min(1).max(100).default(10),
    })
    .default({ pollMs: 500, staleAfterMs: 5_000, depth: 10 }),
  engines: z.array(engineSchema).min(1),
  /** Safety services: the default circuit breakers (see `actors/safety/breaker-defaults.ts`) or none. */
  safety: z
    .strictObject({
      breakers: z.enum(['default', 'none']).default('default'),
      /** Per default breaker, by name, the levels, confirmations, cooldown or RED step that differ. */
      breakerOverrides: breakerOverridesSchema,
      /** How often each breaker reads its metric (clock ms). */
      breakerSampleMs: z.number().int().min(100).max(3_600_000).default(10_000),
      /** Each engine reconciles with its venue at start (trading REDUCING until then) and every interval. */
      reconciliation: z.boolean().default(true),
      reconcileEveryMs: z.number().int().min(1_000).max(86_400_000).default(60_000),
    })
    .default({
      breakers: 'default',
      breakerOverrides: {},
      breakerSampleMs: 10_000,
      reconciliation: true,
      reconcileEveryMs: 60_000,
    }),
});

/** A validated trading config. */
export type TradingConfig = z.infer<typeof tradingConfigSchema>;
/** A trading config as written by hand. */
export type TradingConfigInput = z.input<typeof tradingConfigSchema>;

/**
 * Validates a trading config: shape, ids unique across engines and strategies, every strategy's
 * symbol among `symbols`, a `live` engine only on a venue that can take orders. Throws
 * {@link ConfigError} naming every problem; nothing is built from an invalid config.
 */
export function parseTradingConfig(raw: unknown): TradingConfig {
  const parsed = tradingConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
    throw new ConfigError(`invalid trading config:\n  ${issues.join('\n  ')}`, issues);
  }
  const config = parsed.data;
  const issues: string[] = [];
  // Ids the tree gives its own nodes: a config id must not collide with one.
  const seen = new Set<string>([
    'market',
    'root',
    'system',
    'safety',
    GLOBAL_TRADING_STATE,
    ...config.symbols.map(marketDataId),
    ...(config.safety.reconciliation ? config.engines.map((e) => reconciliationId(e.id)) : []),
    ...(config.safety.breakers === 'none'
      ? []
      : defaultBreakers(config.engines).map((b) => breakerComponentId(b.breaker.name))),
    ...config.engines.map((e) => `engine-${e.id}`),
    ...config.engines.flatMap((e) => e.strategies.map((s) => strategyTradingState(s.id))),
  ]);
  config.engines.forEach((engine, e) => {
    if (seen.has(engine.id)) issues.push(`engines[${e}].id: duplicate or reserved id "${engine.id}"`);
    seen.add(engine.id);
    engine.strategies.forEach((strategy, s) => {
      const at = `engines[${e}].strategies[${s}]`;
      if (seen.has(strategy.id)) issues.push(`${at}.id: duplicate or reserved id "${strategy.id}"`);
      seen.add(strategy.id);
      try {
        createStrategy(strategy.kind, strategy.settings);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        for (const issue of error.issues) issues.push(`${at}.settings.${issue}`);
      }
      if (!config.symbols.includes(strategy.symbol))
        issues.push(
          `${at}.symbol: "${strategy.symbol}" is not one of symbols (${config.symbols.join(', ')})`,
        );
    });
  });
  if (config.safety.breakers === 'default')
    issues.push(
      ...applyBreakerOverrides(defaultBreakers(config.engines), config.safety.breakerOverrides).problems,
    );
  else if (Object.keys(config.safety.breakerOverrides).length > 0)
    issues.push(`safety.breakerOverrides: set, but safety.breakers is "none"`);
  if (
    config.venue.kind === 'ccxt' &&
    (config.venue.apiKey === undefined || config.venue.secret === undefined)
  ) {
    config.engines.forEach((engine, e) => {
      if (engine.mode === 'live')
        issues.push(
          `engines[${e}].mode: live needs venue.apiKey and venue.secret (or PREDATOR_API_KEY / PREDATOR_API_SECRET)`,
        );
    });
  }
  if (issues.length > 0) throw new ConfigError(`invalid trading config:\n  ${issues.join('\n  ')}`, issues);
  return config;
}

/**
 * What `predator start` runs without a config: two engines in shadow on the simulated venue — a
 * market maker on three symbols and a trend follower on BTCUSDT — with pre-trade risk limits.
 */
export function defaultTradingConfig(mode: 'shadow' | 'live' = 'shadow'): TradingConfigInput {
  const risk: z.input<typeof riskEngineConfigSchema> = {
    rules: [
      { kind: 'maxOrderNotional', name: 'notional', max: 25_000 },
      { kind: 'maxPosition', name: 'btc-position', max: 0.5, symbols: ['BTCUSDT'] },
      { kind: 'maxPosition', name: 'eth-position', max: 5, symbols: ['ETHUSDT'] },
      { kind: 'maxPosition', name: 'sol-position', max: 50, symbols: ['SOLUSDT'] },
      { kind: 'priceBand', name: 'band', bps: 100 },
      { kind: 'orderRate', name: 'rate', max: 20, windowMs: 1_000, per: 'strategy' },
    ],
  };
  // Requoting on every tick of movement would cancel each quote before the market could reach it:
  // the threshold is about 2 bps of each symbol's price in ticks of 0.01.
  const maker = (symbol: string, quoteSize: number, maxInventory: number, requoteTicks: number) => ({
    id: `mm-${symbol.slice(0, 3).toLowerCase()}`,
    kind: 'market-maker' as const,
    symbol,
    settings: { halfSpreadBps: 4, quoteSize, maxInventory, skewBps: 2, requoteThresholdTicks: requoteTicks },
  });
  return {
    engines: [
      {
        id: 'maker',
        mode,
        risk,
        strategies: [
          maker('BTCUSDT', 0.01, 0.1, 1_200),
          maker('ETHUSDT', 0.1, 1, 60),
          maker('SOLUSDT', 1, 10, 3),
        ],
      },
      {
        id: 'trend',
        mode,
        risk,
        strategies: [
          {
            id: 'trend-btc',
            kind: 'trend-follower',
            symbol: 'BTCUSDT',
            settings: { fastPeriod: 12, slowPeriod: 48, size: 0.02, flatBandBps: 2, sampleEveryMs: 5_000 },
          },
        ],
      },
    ],
  };
}
