import type { TradingReadModel } from './read-model';
import type { TradingConfig } from './trading-config';
import type { TradingServices } from './trading-services';
import { GLOBAL_TRADING_STATE, strategyTradingState } from './trading-state-ids';

/** The running instance's read model: the portfolio in memory, orders and fills from the store. */
export function createReadModel(config: TradingConfig, services: TradingServices): TradingReadModel {
  const { portfolio, store } = services;
  return {
    engines: () =>
      config.engines.map((e) => ({
        engine: e.id,
        mode: e.mode,
        venue: config.venue.name,
        tradingState: services.stateOf(e.id) ?? 'unknown',
        globalTradingState: services.stateOf(GLOBAL_TRADING_STATE) ?? 'unknown',
        strategies: e.strategies.map((s) => ({
          strategy: s.id,
          kind: s.kind,
          symbol: s.symbol,
          tradingState: services.stateOf(strategyTradingState(s.id)) ?? 'unknown',
        })),
      })),
    positions: (scope = {}) => portfolio.positions(scope),
    orders: (query) => store.orders(query),
    fills: (query) => store.fills(query),
    pnl: () => {
      const owners = portfolio.owners();
      const engines = [...new Set(owners.map((o) => o.engine))].sort();
      return {
        valuationAsset: config.valuationAsset,
        instance: portfolio.pnl(),
        engines: engines.map((engine) => ({
          engine,
          ...portfolio.pnl({ engine }),
          curve: portfolio.pnlCurve({ engine }),
        })),
        strategies: owners.map((o) => ({
          engine: o.engine,
          strategy: o.strategy,
          ...portfolio.pnl(o),
          curve: portfolio.pnlCurve(o),
        })),
        equity: portfolio.equity(),
        curve: portfolio.equityCurve(),
      };
    },
  };
}
