import { divRound, fromScaled, pow10, toScaled } from '../trading/portfolio-amounts';
import type { Balances, Fill, Instrument } from '../trading/types';

/**
 * The positions and balances steps of reconciliation, pure.
 *
 * Arithmetic: amounts are exact decimals — scaled integers at 18 places (`portfolio-amounts.ts`),
 * enough for any venue's precision, ERC-20 tokens' 18 included — because a float sum of many fills
 * drifts (0.1 + 0.2), and drift would either raise false alarms or, worse, be absorbed by a
 * tolerance wide enough to hide a real loss. The per-asset tolerance is therefore only for what
 * the venue itself rounds (fees rounded to its precision, dust conversions), not for our arithmetic.
 * A tolerance that is not a finite number ≥ 0 counts as 0: a bad setting must not hide differences.
 */

/** Per-asset tolerance: a difference must exceed it to be reported. */
export type AssetTolerance = (asset: string) => number;

/** An asset whose venue total (free + locked) differs from ours beyond its tolerance. */
export interface PositionDifference {
  readonly asset: string;
  readonly local: number;
  /** free + locked; NaN when the venue's figures are not numbers. */
  readonly venue: number;
  /** venue − local; NaN when malformed. */
  readonly difference: number;
  /** `malformed`: a figure (ours or the venue's) is not a finite number — always reported. */
  readonly kind: 'unexplained' | 'malformed';
}

/**
 * Compares our per-asset totals with the venue's balances (free + locked), sorted by asset. An asset
 * missing on one side counts as 0 there.
 *
 * @example
 * diffPositions({ BTC: 1 }, { BTC: { free: 0.4, locked: 0.6 } }, { tolerance: () => 0 }); // []
 */
export function diffPositions(
  local: Readonly<Record<string, number>>,
  venue: Balances,
  ctx: { readonly tolerance: AssetTolerance },
): PositionDifference[] {
  const found: PositionDifference[] = [];
  for (const asset of assetsOf(local, venue)) {
    const ours = Object.hasOwn(local, asset) ? local[asset] : 0;
    const mine = toScaled(ours, SCALE);
    const theirs = totalOf(venue, asset);
    if (mine === null || theirs === null) {
      found.push({
        asset,
        local: typeof ours === 'number' ? ours : NaN,
        venue: theirs === null ? NaN : fromScaled(theirs, SCALE),
        difference: NaN,
        kind: 'malformed',
      });
      continue;
    }
    const difference = theirs - mine;
    if (!beyond(difference, ctx.tolerance, asset)) continue;
    found.push({
      asset,
      local: fromScaled(mine, SCALE),
      venue: fromScaled(theirs, SCALE),
      difference: fromScaled(difference, SCALE),
      kind: 'unexplained',
    });
  }
  return found;
}

/** A signed movement of one asset in or out of the account (deposit > 0, withdrawal < 0). */
export interface Transfer {
  readonly asset: string;
  readonly amount: number;
}

/** What is known to have moved the balances between two snapshots. */
export interface BalanceExplanations {
  /** Fills in the interval, fees included (each fill's `fee` in its `feeAsset`). */
  readonly fills: readonly Fill[];
  /** Instruments by symbol, to know each fill's base and quote asset. */
  readonly instruments: ReadonlyMap<string, Instrument>;
  readonly transfers: readonly Transfer[];
}

/** An asset whose balance moved by more (or less) than the explanations account for. */
export interface UnexplainedDelta {
  readonly asset: string;
  /** after − before (free + locked); NaN when malformed. */
  readonly observed: number;
  /** Sum of the fills, fees and transfers touching the asset. */
  readonly explained: number;
  /** observed − explained; NaN when malformed. */
  readonly unexplained: number;
  /** `malformed`: a balance or an explanation of this asset is not a finite number. */
  readonly kind: 'unexplained' | 'malformed';
}

/** A fill that could not be counted, and why. Its assets' movement stays unexplained. */
export interface UnusableFill {
  readonly fill: Fill;
  readonly reason: string;
}

/** The balances step's result. */
export interface BalanceChangeReport {
  /** Sorted by asset; empty when every change is explained. */
  readonly unexplained: UnexplainedDelta[];
  readonly unusableFills: UnusableFill[];
}

/**
 * Explains the change from `before` to `after` by fills (a buy adds `qty` base and takes
 * `price × qty` quote, a sell the reverse; the fee comes off `feeAsset`) and transfers, and reports
 * per asset what remains beyond its tolerance.
 *
 * @example
 * explainBalanceChange(
 *   { USDT: { free: 1000, locked: 0 } },
 *   { USDT: { free: 799.8, locked: 0 }, BTC: { free: 2, locked: 0 } },
 *   { fills: [buy2BtcAt100Fee0_2Usdt], instruments: new Map([['BTCUSDT', BTC]]), transfers: [] },
 *   () => 0,
 * ); // { unexplained: [], unusableFills: [] }
 */
export function explainBalanceChange(
  before: Balances,
  after: Balances,
  explained: BalanceExplanations,
  tolerance: AssetTolerance,
): BalanceChangeReport {
  const movements = new Map<string, bigint | null>();
  const move = (asset: string, amount: bigint | null): void => {
    // A malformed amount poisons its asset's sum (null) rather than being skipped as zero.
    const sum = movements.get(asset) ?? (movements.has(asset) ? null : 0n);
    movements.set(asset, sum === null || amount === null ? null : sum + amount);
  };
  const unusableFills: UnusableFill[] = [];
  for (const fill of explained.fills) {
    const instrument = explained.instruments.get(fill.symbol);
    if (instrument === undefined) {
      unusableFills.push({ fill, reason: `no instrument ${JSON.stringify(fill.symbol)}` });
      continue;
    }
    const qty = toScaled(fill.qty, SCALE);
    const price = toScaled(fill.price, SCALE);
    const fee = toScaled(fill.fee, SCALE);
    if (
      qty === null ||
      price === null ||
      fee === null ||
      typeof fill.feeAsset !== 'string' ||
      (fill.side !== 'buy' && fill.side !== 'sell')
    ) {
      unusableFills.push({ fill, reason: 'side, price, qty, fee or feeAsset is not a valid value' });
      continue;
    }
    const notional = divRound(price * qty, pow10(SCALE));
    const sign = fill.side === 'buy' ? 1n : -1n;
    move(instrument.base, sign * qty);
    move(instrument.quote, -sign * notional);
    if (fee !== 0n) move(fill.feeAsset, -fee);
  }
  for (const transfer of explained.transfers) move(transfer.asset, toScaled(transfer.amount, SCALE));

  const unexplained: UnexplainedDelta[] = [];
  for (const asset of assetsOf(before, after, Object.fromEntries(movements))) {
    const from = totalOf(before, asset);
    const to = totalOf(after, asset);
    const known = movements.get(asset) ?? (movements.has(asset) ? null : 0n);
    if (from === null || to === null || known === null) {
      unexplained.push({
        asset,
        observed: from === null || to === null ? NaN : fromScaled(to - from, SCALE),
        explained: known === null ? NaN : fromScaled(known, SCALE),
        unexplained: NaN,
        kind: 'malformed',
      });
      continue;
    }
    const rest = to - from - known;
    if (!beyond(rest, tolerance, asset)) continue;
    unexplained.push({
      asset,
      observed: fromScaled(to - from, SCALE),
      explained: fromScaled(known, SCALE),
      unexplained: fromScaled(rest, SCALE),
      kind: 'unexplained',
    });
  }
  return { unexplained, unusableFills };
}

const SCALE = 18;

/** free + locked of `asset` as a scaled integer; 0 when absent, null when malformed. */
function totalOf(balances: Balances, asset: string): bigint | null {
  if (!Object.hasOwn(balances, asset)) return 0n;
  const balance = balances[asset];
  const free = toScaled(balance?.free, SCALE);
  const locked = toScaled(balance?.locked, SCALE);
  return free === null || locked === null ? null : free + locked;
}

function beyond(difference: bigint, tolerance: AssetTolerance, asset: string): boolean {
  const allowed = toScaled(tolerance(asset), SCALE);
  const limit = allowed === null || allowed < 0n ? 0n : allowed;
  return (difference < 0n ? -difference : difference) > limit;
}

function assetsOf(...sides: readonly Readonly<Record<string, unknown>>[]): string[] {
  return [...new Set(sides.flatMap((side) => Object.keys(side)))].sort();
}
