import { z } from 'zod';
import { ConfigError } from '../kernel/errors';
import { formatPath } from '../kernel/system-config';
import type { Instrument } from '../trading/types';

/**
 * Configuration of the {@link MarketSim}. Volatilities are annualised fractions (0.5 = 50 % a
 * year), as traders quote them; the simulator scales them to its refresh interval.
 *
 * Returns follow a factor model: per step, symbol i moves by
 * `m · (Σ_k loading[i][k] · vol[k] · f_k + idioVol[i] · ε_i) · √(dt / year)`, with independent
 * standard normal factor draws `f_k`, idiosyncratic draws `ε_i`, and `m` the volatility multiplier
 * of the current regime. The return correlation this implies is {@link impliedCorrelation}.
 */

const positive = z.number().positive().finite();
const nonNegative = z.number().min(0).finite();
const name = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,31}$/, 'expected a short name like "market"');
const asset = z.string().regex(/^[A-Z0-9]{2,12}$/, 'expected an upper-case asset like BTC');

const symbolSchema = z.strictObject({
  symbol: z.string().regex(/^[A-Z0-9]{2,20}$/, 'expected an upper-case symbol like BTCUSDT'),
  base: asset,
  quote: asset,
  tickSize: positive,
  lotSize: positive,
  minNotional: nonNegative,
  /** Fair price at the start. */
  startPrice: positive,
  /** Exposure to each common factor, by factor name; factors left out have loading 0. */
  loadings: z.record(z.string(), z.number().finite().min(-5).max(5)).default({}),
  /** Annualised volatility of the symbol's own (idiosyncratic) noise. */
  idioVol: nonNegative.max(5),
  /** Quoted spread in calm conditions, in basis points of the price (at least one tick). */
  spreadBps: positive.max(1_000),
  /** Typical gap between adjacent depth levels, in basis points (at least one tick). */
  levelGapBps: positive.max(1_000),
  /** Typical quantity at the best level, in base units. */
  levelQty: positive,
});

const factorSchema = z.strictObject({ name, vol: nonNegative.max(5) });

const regimeSchema = z.strictObject({
  name,
  /** Multiplies every volatility while the regime lasts. */
  volMultiplier: positive.max(50),
  /** Mean time the regime lasts before switching (exponentially distributed). */
  meanDurationMs: positive,
});

/** Three liquid USDT pairs with Binance's increments and a realistic correlation structure. */
export const DEFAULT_MARKET_SYMBOLS: z.infer<typeof symbolSchema>[] = [
  {
    symbol: 'BTCUSDT',
    base: 'BTC',
    quote: 'USDT',
    tickSize: 0.01,
    lotSize: 0.00001,
    minNotional: 5,
    startPrice: 60_000,
    loadings: { market: 1 },
    idioVol: 0.15,
    spreadBps: 0.3,
    levelGapBps: 0.2,
    levelQty: 0.5,
  },
  {
    symbol: 'ETHUSDT',
    base: 'ETH',
    quote: 'USDT',
    tickSize: 0.01,
    lotSize: 0.0001,
    minNotional: 5,
    startPrice: 3_000,
    loadings: { market: 1.1, alts: 0.5 },
    idioVol: 0.25,
    spreadBps: 0.5,
    levelGapBps: 0.3,
    levelQty: 5,
  },
  {
    symbol: 'SOLUSDT',
    base: 'SOL',
    quote: 'USDT',
    tickSize: 0.01,
    lotSize: 0.001,
    minNotional: 5,
    startPrice: 150,
    loadings: { market: 1.2, alts: 1 },
    idioVol: 0.35,
    spreadBps: 1.5,
    levelGapBps: 0.7,
    levelQty: 50,
  },
];

/** The zod schema of {@link MarketSimConfig}. */
export const marketSimConfigSchema = z
  .strictObject({
    /** How often every book is refreshed (and prices move), in clock milliseconds. */
    refreshMs: z.number().int().min(10).default(1_000),
    /** Depth levels on each side of every book. */
    levels: z.number().int().min(1).max(200).default(20),
    factors: z.array(factorSchema).default([
      { name: 'market', vol: 0.45 },
      { name: 'alts', vol: 0.3 },
    ]),
    /** Volatility regimes; the simulation starts in the first. */
    regimes: z
      .array(regimeSchema)
      .min(1)
      .default([
        { name: 'calm', volMultiplier: 1, meanDurationMs: 4 * 3_600_000 },
        { name: 'volatile', volMultiplier: 3, meanDurationMs: 30 * 60_000 },
      ]),
    /** Spread scales with `volMultiplier ** spreadVolExponent`: wider when volatile. */
    spreadVolExponent: nonNegative.max(4).default(1),
    /** Depth thins with `volMultiplier ** depthVolExponent`: makers pull size when volatile. */
    depthVolExponent: nonNegative.max(4).default(0.5),
    /** Typical quantity grows by this fraction per level away from the top. */
    qtyGrowth: nonNegative.max(10).default(0.15),
    /** Standard deviation of a level's log quantity around its typical size. */
    qtyDispersion: nonNegative.max(3).default(0.5),
    /** Standard deviation of the log spread around its regime value, per update. */
    spreadDispersion: nonNegative.max(2).default(0.2),
    symbols: z.array(symbolSchema).min(1).default(DEFAULT_MARKET_SYMBOLS),
  })
  .superRefine((config, ctx) => {
    const factors = new Set<string>();
    config.factors.forEach((f, i) => {
      if (factors.has(f.name))
        ctx.addIssue({ code: 'custom', path: ['factors', i, 'name'], message: `duplicate factor ${f.name}` });
      factors.add(f.name);
    });
    const regimes = new Set<string>();
    config.regimes.forEach((r, i) => {
      if (regimes.has(r.name))
        ctx.addIssue({ code: 'custom', path: ['regimes', i, 'name'], message: `duplicate regime ${r.name}` });
      regimes.add(r.name);
    });
    const symbols = new Set<string>();
    config.symbols.forEach((s, i) => {
      if (symbols.has(s.symbol))
        ctx.addIssue({ code: 'custom', path: ['symbols', i, 'symbol'], message: `duplicate ${s.symbol}` });
      symbols.add(s.symbol);
      if (s.base === s.quote)
        ctx.addIssue({
          code: 'custom',
          path: ['symbols', i, 'quote'],
          message: 'quote must differ from base',
        });
      for (const factor of Object.keys(s.loadings))
        if (!factors.has(factor))
          ctx.addIssue({
            code: 'custom',
            path: ['symbols', i, 'loadings', factor],
            message: `unknown factor "${factor}"; known: ${[...factors].join(', ') || 'none'}`,
          });
    });
  });

/** A validated market simulator configuration. */
export type MarketSimConfig = z.infer<typeof marketSimConfigSchema>;

/** Market simulator configuration as written by hand (defaults may be left out). */
export type MarketSimConfigInput = z.input<typeof marketSimConfigSchema>;

/** One simulated symbol's validated settings. */
export type MarketSymbolConfig = MarketSimConfig['symbols'][number];

/**
 * Validates a market simulator configuration. Throws {@link ConfigError} listing every problem as
 * `path: expected`; nothing is built from an invalid config.
 */
export function parseMarketSimConfig(raw: unknown = {}): MarketSimConfig {
  const parsed = marketSimConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
  throw new ConfigError(`invalid market simulator config:\n  ${issues.join('\n  ')}`, issues);
}

/** The {@link Instrument} a simulated symbol trades as. */
export function instrumentOf(s: MarketSymbolConfig): Instrument {
  return {
    symbol: s.symbol,
    base: s.base,
    quote: s.quote,
    tickSize: s.tickSize,
    lotSize: s.lotSize,
    minNotional: s.minNotional,
  };
}

/**
 * Correlation of the per-step log returns of symbols `a` and `b` under `config`. The regime
 * multiplier scales every symbol alike, so it cancels: this holds across regime switches too.
 */
export function impliedCorrelation(config: MarketSimConfig, a: string, b: string): number {
  const sa = findSymbol(config, a);
  const sb = findSymbol(config, b);
  let cov = 0;
  for (const f of config.factors) cov += (sa.loadings[f.name] ?? 0) * (sb.loadings[f.name] ?? 0) * f.vol ** 2;
  return cov / Math.sqrt(totalVariance(config, sa) * totalVariance(config, sb));
}

/** Annualised volatility of `symbol` in a regime with multiplier 1. */
export function impliedVolatility(config: MarketSimConfig, symbol: string): number {
  return Math.sqrt(totalVariance(config, findSymbol(config, symbol)));
}

function totalVariance(config: MarketSimConfig, s: MarketSymbolConfig): number {
  let variance = s.idioVol ** 2;
  for (const f of config.factors) variance += ((s.loadings[f.name] ?? 0) * f.vol) ** 2;
  return variance;
}

function findSymbol(config: MarketSimConfig, symbol: string): MarketSymbolConfig {
  const found = config.symbols.find((s) => s.symbol === symbol);
  if (found === undefined) throw new RangeError(`unknown symbol ${symbol}`);
  return found;
}
