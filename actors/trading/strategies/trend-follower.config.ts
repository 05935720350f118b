import { z } from 'zod';
import { parseStrategyConfig } from './parse-config';

/** What a trend follower is told. Periods count samples of mid; sizes are in base units. */
export const trendFollowerConfigSchema = z
  .strictObject({
    /** Period of the fast EMA, in samples (smoothing 2 / (period + 1)). */
    fastPeriod: z.number().int().positive(),
    /** Period of the slow EMA, in samples; longer than the fast one. */
    slowPeriod: z.number().int().positive(),
    /** Target position when trending: +size when fast > slow, −size when fast < slow. */
    size: z.number().positive(),
    /**
     * When the EMAs are within this many bps of each other (|fast − slow| / slow), the target is
     * flat: a trend that weak is noise. 0 = no band.
     */
    flatBandBps: z.number().min(0).default(0),
    /**
     * Samples to see before the first trade; at least `slowPeriod` (the default), because an EMA
     * seeded with the first mid means little until its period has passed.
     */
    warmupSamples: z.number().int().positive().optional(),
    /**
     * Minimum time between two samples of mid, in ms: the periods then mean time, not the book's
     * update rate. 0 = every book is a sample.
     */
    sampleEveryMs: z.number().int().min(0).default(0),
    /** `market`, or `limit` for a marketable limit `slippageBps` through the opposite best price. */
    orderType: z.enum(['market', 'limit']).default('market'),
    /** How far past the best opposite price a marketable limit goes, in bps. */
    slippageBps: z.number().min(0).default(10),
  })
  .refine((c) => c.slowPeriod > c.fastPeriod, {
    path: ['slowPeriod'],
    message: 'slowPeriod must be greater than fastPeriod',
  })
  .refine((c) => c.warmupSamples === undefined || c.warmupSamples >= c.slowPeriod, {
    path: ['warmupSamples'],
    message: 'warmupSamples must be at least slowPeriod',
  });

/** A validated trend-follower config. */
export type TrendFollowerConfig = z.infer<typeof trendFollowerConfigSchema>;

/**
 * Validates a trend-follower config; throws `ConfigError` naming each bad field.
 *
 * @example
 * parseTrendFollowerConfig({ fastPeriod: 12, slowPeriod: 26, size: 0.05, flatBandBps: 2 });
 */
export function parseTrendFollowerConfig(raw: unknown): TrendFollowerConfig {
  return parseStrategyConfig('trend follower', trendFollowerConfigSchema, raw);
}
