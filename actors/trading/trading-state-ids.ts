/** Component id of the instance-wide trading state. */
export const GLOBAL_TRADING_STATE = 'trading';

/** Component id of an engine's reconciliation with its venue. */
export function reconciliationId(engine: string): string {
  return `recon-${engine}`;
}

/** Component id of one symbol's market data. */
export function marketDataId(symbol: string): string {
  return `md-${symbol.toLowerCase()}`;
}

/** Component id of one strategy's trading state. */
export function strategyTradingState(strategy: string): string {
  return `${strategy}-state`;
}

/** The reason an engine is REDUCING from its start until its first reconciliation concludes. */
export const NOT_RECONCILED = 'not reconciled since start';
