import type { FillQuery, FillRecord, OrderQuery, OrderRecord, TradingMode } from './execution-store';
import type { EquityCurveView } from './portfolio-equity';
import type { PositionView } from './portfolio-position';
import type { EquityView, PnlView } from './portfolio-views';

/** One engine as the trading views show it. */
export interface EngineView {
  readonly engine: string;
  readonly mode: TradingMode;
  readonly venue: string;
  /** The engine's own `ACTIVE`, `REDUCING` or `HALTED` (`unknown` while its component is down). */
  readonly tradingState: string;
  /** The instance-wide trading state, which every engine trades under too. */
  readonly globalTradingState: string;
  readonly strategies: readonly {
    readonly strategy: string;
    readonly kind: string;
    readonly symbol: string;
    /** The strategy's own trading state. */
    readonly tradingState: string;
  }[];
}

/** PnL of the instance and of each engine and strategy that has traded. */
export interface PnlReport {
  readonly valuationAsset: string;
  readonly instance: PnlView;
  /** Each engine's PnL, and its net PnL curve (one point per mark; peak and drawdown from peak). */
  readonly engines: readonly ({ readonly engine: string; readonly curve: EquityCurveView } & PnlView)[];
  readonly strategies: readonly ({
    readonly engine: string;
    readonly strategy: string;
    readonly curve: EquityCurveView;
  } & PnlView)[];
  readonly equity: EquityView;
  readonly curve: EquityCurveView;
}

/**
 * What the gateway and the dashboard read about trading. Read-only: nothing here changes state.
 * The running instance implements it over the portfolio and the execution store.
 */
export interface TradingReadModel {
  engines(): EngineView[];
  /** Positions netted per symbol, of the instance or an engine or a strategy. */
  positions(scope?: { readonly engine?: string; readonly strategy?: string }): PositionView[];
  orders(query?: OrderQuery): Promise<OrderRecord[]>;
  fills(query?: FillQuery): Promise<FillRecord[]>;
  pnl(): PnlReport;
}
