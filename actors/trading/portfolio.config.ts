import { z } from 'zod';
import { ConfigError } from '../kernel/errors';
import { formatPath } from '../kernel/system-config';
import type { Instrument } from './types';
import { pow10, toScaledExact } from './portfolio-amounts';

/** An {@link Instrument} as configs carry it (portfolio, strategy components). */
export const instrumentSchema = z.strictObject({
  symbol: z.string().min(1),
  base: z.string().min(1),
  quote: z.string().min(1),
  tickSize: z.number().positive(),
  lotSize: z.number().positive(),
  minNotional: z.number().min(0),
});

/** What a portfolio needs to know, validated with {@link parsePortfolioConfig}. */
export const portfolioConfigSchema = z.strictObject({
  /**
   * The asset PnL and equity are measured in (`USDT`). Every instrument must be quoted in it, so
   * that every PnL figure is in one unit and sums across symbols mean something.
   */
  valuationAsset: z.string().min(1),
  instruments: z.array(instrumentSchema).min(1),
  /**
   * Decimals of the scaled integers every amount is kept in. Each instrument's `lotSize × tickSize`
   * must be exact at this scale (so a fill's notional is), e.g. 0.00001 × 0.01 needs 7.
   */
  amountDecimals: z.number().int().min(0).max(18).default(12),
  /**
   * Decimals a venue reports balances with: a difference from the venue that rounds to zero at
   * this precision is the venue's float noise, not an unexplained change.
   */
  reconcileDecimals: z.number().int().min(0).max(18).default(8),
  /** Most points the equity curve holds (even); older points are thinned, never the span. */
  equityCurveCapacity: z
    .number()
    .int()
    .min(2)
    .max(1_000_000)
    .refine((n) => n % 2 === 0, 'expected an even number')
    .default(1024),
  /** Ledger entries kept per asset; older ones fold into a carried-forward total. */
  ledgerCapacity: z.number().int().min(1).max(10_000_000).default(1_000),
  /** Fill and transfer ids remembered for idempotency. */
  dedupCapacity: z.number().int().min(1).max(10_000_000).default(10_000),
});

/** A validated portfolio config. */
export type PortfolioConfig = z.infer<typeof portfolioConfigSchema>;

/** A portfolio config as written by hand (defaults may be left out). */
export type PortfolioConfigInput = z.input<typeof portfolioConfigSchema>;

/** An instrument with its increments as scaled integers at the portfolio's `amountDecimals`. */
export interface InstrumentUnits {
  readonly instrument: Instrument;
  /** `lotSize` as a scaled integer. */
  readonly lot: bigint;
  /** `tickSize` as a scaled integer. */
  readonly tick: bigint;
}

/**
 * Validates a portfolio config: shape (zod), then one valuation asset as every instrument's quote,
 * unique symbols, and increments exact at `amountDecimals`. Throws {@link ConfigError} listing each
 * problem as `path: expected`.
 */
export function parsePortfolioConfig(raw: unknown): PortfolioConfig {
  const parsed = portfolioConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
    throw new ConfigError(`invalid portfolio config:\n  ${issues.join('\n  ')}`, issues);
  }
  const config = parsed.data;
  const issues: string[] = [];
  const scale = config.amountDecimals;
  if (config.reconcileDecimals > scale)
    issues.push(`reconcileDecimals: expected at most amountDecimals (${scale})`);
  const symbols = new Set<string>();
  config.instruments.forEach((instrument, i) => {
    const at = `instruments[${i}]`;
    if (symbols.has(instrument.symbol)) issues.push(`${at}.symbol: duplicate symbol "${instrument.symbol}"`);
    symbols.add(instrument.symbol);
    if (instrument.quote !== config.valuationAsset)
      issues.push(`${at}.quote: expected the valuation asset "${config.valuationAsset}"`);
    if (instrument.base === instrument.quote) issues.push(`${at}.base: expected an asset other than quote`);
    const lot = toScaledExact(instrument.lotSize, scale);
    const tick = toScaledExact(instrument.tickSize, scale);
    if (lot === null) issues.push(`${at}.lotSize: expected at most ${scale} decimals`);
    if (tick === null) issues.push(`${at}.tickSize: expected at most ${scale} decimals`);
    if (lot !== null && tick !== null && (lot * tick) % pow10(scale) !== 0n)
      issues.push(`${at}: lotSize × tickSize needs more than amountDecimals (${scale}) decimals`);
  });
  if (issues.length > 0) throw new ConfigError(`invalid portfolio config:\n  ${issues.join('\n  ')}`, issues);
  return config;
}

/** Instruments by symbol with their increments as scaled integers; `config` must be validated. */
export function instrumentUnits(config: PortfolioConfig): ReadonlyMap<string, InstrumentUnits> {
  const units = new Map<string, InstrumentUnits>();
  for (const instrument of config.instruments) {
    const lot = toScaledExact(instrument.lotSize, config.amountDecimals);
    const tick = toScaledExact(instrument.tickSize, config.amountDecimals);
    if (lot === null || tick === null) throw new RangeError(`unvalidated instrument ${instrument.symbol}`);
    units.set(instrument.symbol, { instrument, lot, tick });
  }
  return units;
}
