import type { Fill, Side } from './types';
import type { InstrumentUnits } from './portfolio.config';
import { toScaled } from './portfolio-amounts';

/** Every reason a portfolio refuses an input; the portfolio is then unchanged. */
export const PORTFOLIO_REJECTION_REASONS = [
  'INVALID_FILL_ID',
  'INVALID_OWNER',
  'UNKNOWN_INSTRUMENT',
  'INVALID_SIDE',
  'INVALID_QUANTITY',
  'QUANTITY_NOT_ON_LOT',
  'INVALID_PRICE',
  'PRICE_NOT_ON_TICK',
  'INVALID_FEE',
  'FEE_ASSET_NOT_IN_INSTRUMENT',
  'INVALID_TIME',
  'TIME_WENT_BACKWARDS',
  'BEFORE_DEDUP_HORIZON',
  'INVALID_TRANSFER_ID',
  'INVALID_ASSET',
  'INVALID_AMOUNT',
  'MISSING_REASON',
] as const;

/** A machine-readable reason a portfolio refused an input. */
export type PortfolioRejectionReason = (typeof PORTFOLIO_REJECTION_REASONS)[number];

/** A refused input: data, not an exception. */
export interface PortfolioRejection {
  readonly status: 'rejected';
  readonly reason: PortfolioRejectionReason;
  /** The input field at fault (`qty`, `feeAsset`, `mids.BTCUSDT`). */
  readonly field: string;
  readonly message: string;
}

/** Who a fill belongs to: the engine and strategy whose order it filled. */
export interface FillOwner {
  readonly engine: string;
  readonly strategy: string;
}

/** A deposit, withdrawal or other balance change that is not a fill; it must say why. */
export interface Transfer {
  /** Unique; recording the same id twice changes nothing. */
  readonly transferId: string;
  readonly asset: string;
  /** Signed: positive credits the balance (a deposit, the initial funding). */
  readonly amount: number;
  /** Why the balance moved (`initial funding`). */
  readonly reason: string;
  readonly t: number;
}

/** A fill checked and converted to scaled integers. */
export interface ParsedFill {
  readonly fillId: string;
  readonly owner: FillOwner;
  readonly units: InstrumentUnits;
  readonly side: Side;
  readonly qty: bigint;
  readonly price: bigint;
  readonly fee: bigint;
  readonly feeInBase: boolean;
  readonly t: number;
}

/** A transfer checked and converted. */
export interface ParsedTransfer {
  readonly transferId: string;
  readonly asset: string;
  readonly amount: bigint;
  readonly reason: string;
  readonly t: number;
}

/** A rejection for `field`. */
export function reject(reason: PortfolioRejectionReason, field: string, message: string): PortfolioRejection {
  return { status: 'rejected', reason, field, message };
}

/**
 * Checks a fill field by field, first fault wins. Input is treated as untrusted venue data, so types
 * are checked at run time too.
 */
export function parseFill(
  fill: Fill,
  owner: FillOwner,
  instruments: ReadonlyMap<string, InstrumentUnits>,
  scale: number,
): ParsedFill | PortfolioRejection {
  if (!isName(fill.fillId)) return reject('INVALID_FILL_ID', 'fillId', 'expected a non-empty string');
  if (!isName(owner?.engine) || !isName(owner?.strategy))
    return reject('INVALID_OWNER', 'owner', 'expected {engine, strategy} as non-empty strings');
  const units = typeof fill.symbol === 'string' ? instruments.get(fill.symbol) : undefined;
  if (units === undefined)
    return reject('UNKNOWN_INSTRUMENT', 'symbol', `no instrument ${String(fill.symbol)} in this portfolio`);
  if (fill.side !== 'buy' && fill.side !== 'sell')
    return reject('INVALID_SIDE', 'side', `expected buy or sell, got ${String(fill.side)}`);
  const qty = toScaled(fill.qty, scale);
  if (qty === null || qty <= 0n)
    return reject('INVALID_QUANTITY', 'qty', `expected a positive finite number, got ${String(fill.qty)}`);
  if (qty % units.lot !== 0n)
    return reject('QUANTITY_NOT_ON_LOT', 'qty', `expected a multiple of ${units.instrument.lotSize}`);
  const price = toScaled(fill.price, scale);
  if (price === null || price <= 0n)
    return reject('INVALID_PRICE', 'price', `expected a positive finite number, got ${String(fill.price)}`);
  if (price % units.tick !== 0n)
    return reject('PRICE_NOT_ON_TICK', 'price', `expected a multiple of ${units.instrument.tickSize}`);
  const fee = toScaled(fill.fee, scale);
  if (fee === null || fee < 0n)
    return reject('INVALID_FEE', 'fee', `expected a finite number ≥ 0, got ${String(fill.fee)}`);
  const { base, quote } = units.instrument;
  // A zero fee moves nothing, so its asset is irrelevant (venues name one even for free fills).
  if (fee !== 0n && fill.feeAsset !== base && fill.feeAsset !== quote)
    return reject('FEE_ASSET_NOT_IN_INSTRUMENT', 'feeAsset', `expected ${base} or ${quote}`);
  if (typeof fill.t !== 'number' || !Number.isFinite(fill.t))
    return reject('INVALID_TIME', 't', 'expected a finite clock time');
  return {
    fillId: fill.fillId,
    owner: { engine: owner.engine, strategy: owner.strategy },
    units,
    side: fill.side,
    qty,
    price,
    fee,
    feeInBase: fee !== 0n && fill.feeAsset === base,
    t: fill.t,
  };
}

/** Checks a transfer; a zero amount is refused because it would explain nothing. */
export function parseTransfer(transfer: Transfer, scale: number): ParsedTransfer | PortfolioRejection {
  if (!isName(transfer.transferId))
    return reject('INVALID_TRANSFER_ID', 'transferId', 'expected a non-empty string');
  if (!isName(transfer.asset)) return reject('INVALID_ASSET', 'asset', 'expected a non-empty string');
  const amount = toScaled(transfer.amount, scale);
  if (amount === null || amount === 0n)
    return reject(
      'INVALID_AMOUNT',
      'amount',
      `expected a non-zero finite number, got ${String(transfer.amount)}`,
    );
  if (!isName(transfer.reason?.trim?.()))
    return reject('MISSING_REASON', 'reason', 'expected why the balance moved');
  if (typeof transfer.t !== 'number' || !Number.isFinite(transfer.t))
    return reject('INVALID_TIME', 't', 'expected a finite clock time');
  return {
    transferId: transfer.transferId,
    asset: transfer.asset,
    amount,
    reason: transfer.reason,
    t: transfer.t,
  };
}

/** Checks a set of mids at time `t`, not before `lastT`. */
export function parseMarks(
  t: number,
  mids: Readonly<Record<string, number>>,
  lastT: number | null,
  instruments: ReadonlyMap<string, InstrumentUnits>,
  scale: number,
): Map<string, bigint> | PortfolioRejection {
  if (typeof t !== 'number' || !Number.isFinite(t))
    return reject('INVALID_TIME', 't', 'expected a finite clock time');
  if (lastT !== null && t < lastT)
    return reject('TIME_WENT_BACKWARDS', 't', `expected a time ≥ the previous mark's ${lastT}`);
  const parsed = new Map<string, bigint>();
  for (const [symbol, mid] of Object.entries(mids ?? {})) {
    if (!instruments.has(symbol))
      return reject('UNKNOWN_INSTRUMENT', `mids.${symbol}`, `no instrument ${symbol}`);
    const price = toScaled(mid, scale);
    if (price === null || price <= 0n)
      return reject(
        'INVALID_PRICE',
        `mids.${symbol}`,
        `expected a positive finite number, got ${String(mid)}`,
      );
    parsed.set(symbol, price);
  }
  return parsed;
}

function isName(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}
