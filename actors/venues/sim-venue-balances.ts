import { ConfigError } from '../kernel/errors';
import type { Balances, Instrument } from '../trading/types';

/**
 * Exact balances. Every asset amount is an integer number of atoms (10⁻⁸, Binance's balance
 * precision) held as a bigint; an instrument's lot and its tick × lot are whole atoms, so a fill's
 * quantity and notional are exact and only the fee is rounded (to the nearest atom, half up).
 */

/** Decimals of one atom. */
export const ASSET_DECIMALS = 8;

const ATOMS_PER_UNIT = 100_000_000;
const ATOMS_PER_UNIT_N = 100_000_000n;

/** Amount → atoms, rounded to the nearest atom. */
export function toAtoms(amount: number): bigint {
  if (!Number.isFinite(amount)) throw new RangeError(`amount must be a finite number, got ${amount}`);
  return BigInt(Math.round(amount * ATOMS_PER_UNIT));
}

/** Atoms → amount: exact for any balance below 2⁵³ atoms (90 million units). */
export function fromAtoms(atoms: bigint): number {
  return Number(atoms) / ATOMS_PER_UNIT;
}

/** A fee rate as parts per 10⁸, so fees are computed in integers. */
export function rateUnits(rate: number): bigint {
  return BigInt(Math.round(rate * ATOMS_PER_UNIT));
}

/** `amount × rate`, rounded to the nearest atom (half up). */
export function feeAtoms(amount: bigint, rate: bigint): bigint {
  return (amount * rate + ATOMS_PER_UNIT_N / 2n) / ATOMS_PER_UNIT_N;
}

/** An instrument with its increments in atoms. */
export interface InstrumentScale {
  readonly instrument: Instrument;
  /** One lot of base asset. */
  readonly lotAtoms: bigint;
  /** One tick × one lot of quote asset: notional = ticks × lots × tickLotAtoms. */
  readonly tickLotAtoms: bigint;
}

/** The atom scale of `instrument`; throws {@link ConfigError} when its increments are finer than an atom. */
export function scaleOf(instrument: Instrument): InstrumentScale {
  const lot = instrument.lotSize * ATOMS_PER_UNIT;
  const tickLot = instrument.tickSize * instrument.lotSize * ATOMS_PER_UNIT;
  const issues: string[] = [];
  if (!wholeAtLeastOne(lot)) issues.push(`${instrument.symbol}.lotSize: expected a multiple of 1e-8`);
  if (!wholeAtLeastOne(tickLot))
    issues.push(`${instrument.symbol}.tickSize: expected tickSize × lotSize to be a multiple of 1e-8`);
  if (issues.length > 0) throw new ConfigError(`instrument ${instrument.symbol} is too fine`, issues);
  return { instrument, lotAtoms: BigInt(Math.round(lot)), tickLotAtoms: BigInt(Math.round(tickLot)) };
}

function wholeAtLeastOne(x: number): boolean {
  return Math.round(x) >= 1 && Math.abs(x - Math.round(x)) < 1e-6;
}

interface Holding {
  free: bigint;
  locked: bigint;
}

/**
 * One account's balances, free and locked per asset. Funds only move between free and locked or
 * through a trade: there is deliberately no way to withdraw or transfer.
 */
export class SimAccount {
  private readonly holdings = new Map<string, Holding>();

  constructor(initial: Readonly<Record<string, number>>, assets: Iterable<string> = []) {
    for (const asset of assets) this.holding(asset);
    for (const [asset, amount] of Object.entries(initial)) this.holding(asset).free = toAtoms(amount);
  }

  /** Free atoms of `asset`. */
  free(asset: string): bigint {
    return this.holdings.get(asset)?.free ?? 0n;
  }

  /** Locked atoms of `asset`. */
  locked(asset: string): bigint {
    return this.holdings.get(asset)?.locked ?? 0n;
  }

  /** Moves `atoms` from free to locked; `false` (and nothing changes) when free is short. */
  lock(asset: string, atoms: bigint): boolean {
    const h = this.holding(asset);
    if (h.free < atoms) return false;
    h.free -= atoms;
    h.locked += atoms;
    return true;
  }

  /** Moves `atoms` from locked back to free. */
  unlock(asset: string, atoms: bigint): void {
    const h = this.holding(asset);
    this.check(h.locked >= atoms, asset, 'unlock');
    h.locked -= atoms;
    h.free += atoms;
  }

  /** Pays `atoms` out of locked funds (a fill of a resting order). */
  spendLocked(asset: string, atoms: bigint): void {
    const h = this.holding(asset);
    this.check(h.locked >= atoms, asset, 'spendLocked');
    h.locked -= atoms;
  }

  /** Pays `atoms` out of free funds (a fill of an order that locked nothing). */
  spendFree(asset: string, atoms: bigint): void {
    const h = this.holding(asset);
    this.check(h.free >= atoms, asset, 'spendFree');
    h.free -= atoms;
  }

  /** Adds `atoms` to free funds (what a trade brings in, net of fees). */
  credit(asset: string, atoms: bigint): void {
    this.holding(asset).free += atoms;
  }

  /** Every asset's free and locked amount, as numbers. */
  snapshot(): Balances {
    const out: Record<string, { free: number; locked: number }> = {};
    for (const [asset, h] of [...this.holdings].sort(([a], [b]) => (a < b ? -1 : 1)))
      out[asset] = { free: fromAtoms(h.free), locked: fromAtoms(h.locked) };
    return out;
  }

  private holding(asset: string): Holding {
    let h = this.holdings.get(asset);
    if (h === undefined) {
      h = { free: 0n, locked: 0n };
      this.holdings.set(asset, h);
    }
    return h;
  }

  // A negative balance is a matching-engine bug, never a user error: fail loudly.
  private check(ok: boolean, asset: string, what: string): void {
    if (!ok) throw new Error(`SimAccount invariant broken: ${what} ${asset} would go negative`);
  }
}
