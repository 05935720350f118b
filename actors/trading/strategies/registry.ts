import type { MarketMakerState } from './market-maker';
import { marketMaker } from './market-maker';
import { parseMarketMakerConfig } from './market-maker.config';
import type { Strategy } from './strategy';
import type { TrendFollowerState } from './trend-follower';
import { trendFollower } from './trend-follower';
import { parseTrendFollowerConfig } from './trend-follower.config';

/** Names of the strategies that ship, as an engine's config refers to them. */
export type StrategyKind = 'market-maker' | 'trend-follower';

/** The kinds {@link createStrategy} knows. */
export const STRATEGY_KINDS: readonly StrategyKind[] = ['market-maker', 'trend-follower'];

/** A strategy of any shipped kind, its state type erased for hosts that hold several kinds. */
export type AnyStrategy = Strategy<MarketMakerState> | Strategy<TrendFollowerState>;

/**
 * Validates `rawConfig` for `kind` and builds the strategy. Throws `ConfigError` naming each bad
 * field, or a `RangeError` for an unknown kind (the engine config's schema should have caught it).
 *
 * @example
 * const strategy = createStrategy('trend-follower', { fastPeriod: 12, slowPeriod: 26, size: 0.05 });
 */
export function createStrategy(kind: StrategyKind, rawConfig: unknown): AnyStrategy {
  switch (kind) {
    case 'market-maker':
      return marketMaker(parseMarketMakerConfig(rawConfig));
    case 'trend-follower':
      return trendFollower(parseTrendFollowerConfig(rawConfig));
    default:
      throw new RangeError(`unknown strategy kind ${JSON.stringify(kind)}`);
  }
}
