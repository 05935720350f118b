import { z } from 'zod';
import { parseStrategyConfig } from './parse-config';

/**
 * What a market maker is told. Prices are in basis points of mid, sizes in base units, the requote
 * threshold in ticks of the instrument.
 */
export const marketMakerConfigSchema = z
  .strictObject({
    /** Distance of each quote from the (skewed) centre, in bps of mid: 10 → bid at mid − 0.1 %. */
    halfSpreadBps: z.number().positive(),
    /** Size of each quote in base units; rounded down to the lot. */
    quoteSize: z.number().positive(),
    /**
     * Largest absolute position the maker will build. A side whose fill would take the position past
     * it is not quoted (the bid when long, the ask when short).
     */
    maxInventory: z.number().positive(),
    /**
     * How far both quotes move against the inventory at full inventory, in bps of mid; in between,
     * proportionally to `position / maxInventory`. Long → both quotes lower (sell sooner, buy later).
     */
    skewBps: z.number().min(0).default(0),
    /**
     * A quote stays while the desired price is at most this many ticks from it; past that it is
     * cancelled and replaced. 0 requotes on every change of a tick.
     */
    requoteThresholdTicks: z.number().int().min(0).default(0),
  })
  .refine((c) => c.quoteSize <= c.maxInventory, {
    path: ['quoteSize'],
    message: 'quoteSize must not exceed maxInventory (the maker could never quote)',
  });

/** A validated market-maker config. */
export type MarketMakerConfig = z.infer<typeof marketMakerConfigSchema>;

/**
 * Validates a market-maker config; throws `ConfigError` naming each bad field.
 *
 * @example
 * parseMarketMakerConfig({ halfSpreadBps: 10, quoteSize: 0.01, maxInventory: 0.1, skewBps: 5,
 *   requoteThresholdTicks: 2 });
 */
export function parseMarketMakerConfig(raw: unknown): MarketMakerConfig {
  return parseStrategyConfig('market maker', marketMakerConfigSchema, raw);
}
