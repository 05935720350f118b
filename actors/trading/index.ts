/**
 * The trading core. Commonly used first: the vocabulary, the portfolio, the risk engine and the
 * order identity; then configs; then the exact-arithmetic helpers the parts share.
 */

// Commonly used
export type {
  Balance,
  Balances,
  BookLevel,
  Fill,
  Instrument,
  Intent,
  OrderBook,
  OrderRequest,
  OrderType,
  Side,
  VenueOrder,
  VenueOrderStatus,
} from './types';
export { Portfolio } from './portfolio';
export type { EquityView, MarkOutcome, PnlView, PortfolioScope, RecordOutcome } from './portfolio';
export { checkCancel, checkIntent, createRiskEngine, recordAdmitted } from './risk-engine';
export type { RiskEngine, RiskEngineConfig, RiskRule } from './risk-engine';
export { clientOrderId, isOwnClientOrderId, parseClientOrderId } from './client-order-id';
export { STRATEGY_KINDS, createStrategy, marketMaker, trendFollower } from './strategies';
export type { Strategy, StrategyContext, StrategyDecision } from './strategies';

// Configuration
export { parsePortfolioConfig, portfolioConfigSchema } from './portfolio.config';
export { parseRiskEngineConfig, riskEngineConfigSchema } from './risk-engine.config';

// Internal building blocks
export { fromLots, fromTicks, isMultiple, toLots, toTicks } from './units';
