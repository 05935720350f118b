import type { PortfolioRejection } from './portfolio-input';

/**
 * What a portfolio answers: outcomes of its commands and views of its figures, all numbers in the
 * valuation asset, converted from exact scaled integers at this boundary only.
 */

/** Outcome of recording a fill or a transfer. */
export type RecordOutcome =
  { readonly status: 'recorded' } | { readonly status: 'duplicate' } | PortfolioRejection;

/** Outcome of marking the portfolio to a set of mids. */
export type MarkOutcome =
  | { readonly status: 'marked'; readonly equity: number; readonly unpriced: readonly string[] }
  | PortfolioRejection;

/**
 * Which books to aggregate: `{}` is the whole instance, `{engine}` one engine, `{engine, strategy}`
 * one strategy. A field left out matches every value.
 */
export interface PortfolioScope {
  readonly engine?: string;
  readonly strategy?: string;
}

/** PnL of a scope, in the valuation asset. Sums over its books are exact before rounding to numbers. */
export interface PnlView {
  /** Realized before fees. */
  readonly realized: number;
  readonly fees: number;
  /** Against the latest marks; open symbols without a mark count 0 and are listed in `unmarked`. */
  readonly unrealized: number;
  /** realized − fees + unrealized. */
  readonly net: number;
  readonly unmarked: readonly string[];
}

/** Equity now: every balance valued at the latest marks, in the valuation asset. */
export interface EquityView {
  /** Time of the latest mark, `null` before the first. */
  readonly t: number | null;
  readonly equity: number;
  /** Peak equity at any mark minus equity now (0 before the first mark or at a new peak). */
  readonly drawdown: number;
  /** Assets with a non-zero balance and no mark to value them; left out of `equity`. */
  readonly unpriced: readonly string[];
}
