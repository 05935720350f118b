import { divRound, fromScaled, pow10 } from './portfolio-amounts';

/**
 * One book's position in one symbol, average-cost method, every field a scaled integer at the
 * portfolio's `amountDecimals` (see `portfolio-amounts.ts`).
 *
 * Invariant (exact, for any sequence of trades): the quote cash the trades moved equals
 * `realized − cost`. Hence equity change = realized + unrealized − fees, to the last unit, with
 * unrealized = `qty × mark − cost`.
 */
export interface PositionState {
  /** Signed quantity: positive long, negative short. */
  readonly qty: bigint;
  /** Signed cost basis of the open quantity, in quote (positive long, negative short). */
  readonly cost: bigint;
  /** Realized PnL before fees, in quote. */
  readonly realized: bigint;
  /** Fees paid, valued in quote (a fee in base at its fill's price). */
  readonly fees: bigint;
  /** Fills applied. */
  readonly fills: number;
}

/** A fill as the position math sees it: exact, signed, validated. */
export interface PositionFill {
  /** Signed quantity (buy positive). */
  readonly qty: bigint;
  readonly price: bigint;
  readonly fee: bigint;
  /** The fee was paid in the base asset (else in quote). */
  readonly feeInBase: boolean;
}

/** No position, nothing realized. */
export const FLAT: PositionState = { qty: 0n, cost: 0n, realized: 0n, fees: 0n, fills: 0 };

/**
 * Applies one fill. A fee paid in base is a disposal of that base at the fill price plus a quote fee
 * of the same value: the position shrinks by the fee (as the base balance does) and net PnL stays
 * equal to the balances' change.
 */
export function applyFill(position: PositionState, fill: PositionFill, scale: number): PositionState {
  const unit = pow10(scale);
  let next = trade(position, fill.qty, (fill.qty * fill.price) / unit);
  let feeValue = fill.fee;
  if (fill.feeInBase && fill.fee !== 0n) {
    // A base fee times a price may need more decimals than the scale: round once, and use the same
    // value for the disposal and the fee so they cancel exactly in quote.
    feeValue = divRound(fill.fee * fill.price, unit);
    next = trade(next, -fill.fee, -feeValue);
  }
  return { ...next, fees: next.fees + feeValue, fills: next.fills + 1 };
}

/**
 * Moves the position by `qty` for a quote outlay of `notional` (both signed, buy positive). The part
 * that reduces the position realizes against its average cost; a flip opens the rest at the trade's
 * own price.
 */
export function trade(position: PositionState, qty: bigint, notional: bigint): PositionState {
  const { qty: held, cost } = position;
  if (qty === 0n) return position;
  if (held === 0n || held > 0n === qty > 0n) return { ...position, qty: held + qty, cost: cost + notional };
  const closing = abs(qty) <= abs(held) ? qty : -held;
  // Split the outlay once so the closed and opened parts add up to the trade's exact notional.
  const closingNotional = closing === qty ? notional : divRound(notional * abs(closing), abs(qty));
  // The removed cost is rounded at the scale; the residue stays in the remaining cost and is
  // realized when the position closes, so nothing is ever lost.
  const removed = closing === -held ? cost : divRound(cost * abs(closing), abs(held));
  return {
    ...position,
    qty: held + qty,
    cost: cost - removed + (notional - closingNotional),
    realized: position.realized - closingNotional - removed,
  };
}

/** Sums positions (of several books in one symbol); the result's cost is the net position's. */
export function sumPositions(positions: Iterable<PositionState>): PositionState {
  let total = FLAT;
  for (const p of positions)
    total = {
      qty: total.qty + p.qty,
      cost: total.cost + p.cost,
      realized: total.realized + p.realized,
      fees: total.fees + p.fees,
      fills: total.fills + p.fills,
    };
  return total;
}

/** Unrealized PnL against `mark`, exact at twice the scale. */
export function unrealizedAt(position: PositionState, mark: bigint, scale: number): bigint {
  return position.qty * mark - position.cost * pow10(scale);
}

/** A position as the outside sees it: numbers, in the valuation asset. */
export interface PositionView {
  readonly symbol: string;
  /** Signed quantity. */
  readonly qty: number;
  /**
   * Average entry price; for several books netted together, the net position's break-even price.
   * `null` when flat.
   */
  readonly avgPrice: number | null;
  /** Realized PnL before fees. */
  readonly realized: number;
  readonly fees: number;
  /** Against `mark`; `null` when open with no mark yet (0 when flat). */
  readonly unrealized: number | null;
  /** realized − fees + unrealized (unrealized counted as 0 when unknown). */
  readonly net: number;
  readonly mark: number | null;
  readonly fills: number;
}

/** Converts a position to its view, given the symbol's latest mark if any. */
export function positionView(
  symbol: string,
  position: PositionState,
  mark: bigint | undefined,
  scale: number,
): PositionView {
  const { qty, cost } = position;
  const unrealized = qty === 0n ? 0n : mark === undefined ? null : unrealizedAt(position, mark, scale);
  const avg = qty === 0n ? null : divRound((qty < 0n ? -cost : cost) * pow10(scale), abs(qty));
  const net = (position.realized - position.fees) * pow10(scale) + (unrealized ?? 0n);
  return {
    symbol,
    qty: fromScaled(qty, scale),
    avgPrice: avg === null ? null : fromScaled(avg, scale),
    realized: fromScaled(position.realized, scale),
    fees: fromScaled(position.fees, scale),
    unrealized: unrealized === null ? null : fromScaled(unrealized, 2 * scale),
    net: fromScaled(net, 2 * scale),
    mark: mark === undefined ? null : fromScaled(mark, scale),
    fills: position.fills,
  };
}

function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}
