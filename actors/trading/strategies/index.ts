/**
 * Strategies: pure functions from books to intents. Commonly used first: the contract and the two
 * strategies; then their configs; then the helpers they share.
 */

// Commonly used
export type {
  IntentIdSource,
  OwnOrder,
  Strategy,
  StrategyContext,
  StrategyDecision,
  StrategyInputs,
  StrategySlot,
} from './strategy';
export { initialSlot, intentIds, stepStrategy, workingOrders } from './strategy';
export { createStrategy, STRATEGY_KINDS } from './registry';
export type { AnyStrategy, StrategyKind } from './registry';
export { desiredQuotes, marketMaker } from './market-maker';
export type { DesiredQuote, DesiredQuotes, MarketMakerPause, MarketMakerState } from './market-maker';
export { nextEma, targetPosition, trendFollower } from './trend-follower';
export type { TrendFollowerState } from './trend-follower';

// Configuration
export { marketMakerConfigSchema, parseMarketMakerConfig } from './market-maker.config';
export type { MarketMakerConfig } from './market-maker.config';
export { parseTrendFollowerConfig, trendFollowerConfigSchema } from './trend-follower.config';
export type { TrendFollowerConfig } from './trend-follower.config';
export { parseStrategyConfig } from './parse-config';

// Internal building blocks
export { lotsTowardZero, meetsMinNotional, priceOf, qtyOf, ticksDown, ticksUp, topOfBook } from './book';
export type { TopOfBook, UnusableBook } from './book';
