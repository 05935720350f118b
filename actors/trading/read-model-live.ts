import type { TradingReadModel } from './read-model';
import type { TradingConfig } from './trading-config';
import type { TradingServices } from './trading-services';

/** The running instance's read model: the portfolio in memory, orders and fills from the store. */
export function createReadModel(config: TradingConfig, services: TradingServices): TradingReadModel {
  const { portfolio, store } = services;
  return {
    engines: () =>
      config.engines.map((e) => ({
        engine: e.id,
        mode: e.mode,
        venue: config.venue.name,
        tradingState: services.tradingStates.get(e.id) ?? 'ACTIVE',
        strategies: e.strategies.map((s) => ({ strategy: s.id, kind: s.kind, symbol: s.symbol })),
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
        engines: engines.map((engine) => ({ engine, ...portfolio.pnl({ engine }) })),
        strategies: owners.map((o) => ({ engine: o.engine, strategy: o.strategy, ...portfolio.pnl(o) })),
        equity: portfolio.equity(),
        curve: portfolio.equityCurve(),
      };
    },
  };
}
