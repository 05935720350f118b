import type { Balances } from './types';
import { bigintFromJSON, divRound, fromScaled, pow10, toScaled } from './portfolio-amounts';
import type { LedgerAccountJSON } from './portfolio-snapshot';
import { PortfolioSnapshotError } from './portfolio-snapshot';

/** Why a balance moved: a fill's trade leg, its fee, or a recorded transfer (funding, withdrawal). */
export type LedgerCause =
  | { readonly kind: 'fill'; readonly fillId: string; readonly symbol: string }
  | { readonly kind: 'fee'; readonly fillId: string; readonly symbol: string }
  | { readonly kind: 'transfer'; readonly transferId: string; readonly reason: string };

/** One balance movement. */
export interface LedgerEntry {
  /** Order of the movement across all assets. */
  readonly seq: number;
  readonly t: number;
  readonly asset: string;
  /** Signed: positive credits the balance. */
  readonly amount: number;
  readonly cause: LedgerCause;
}

/** How an asset's balance came to be, from the ledger alone. */
export interface BalanceExplanation {
  readonly asset: string;
  readonly balance: number;
  /** Movements folded out of the ledger to bound its memory, summed by cause. */
  readonly carried: {
    readonly entries: number;
    /** Last folded `seq` (0 when nothing was folded). */
    readonly throughSeq: number;
    readonly fills: number;
    readonly fees: number;
    readonly transfers: number;
  };
  /** The movements kept, oldest first. */
  readonly entries: readonly LedgerEntry[];
  /** Every movement ever, carried and kept, summed by cause. */
  readonly totals: { readonly fills: number; readonly fees: number; readonly transfers: number };
  /** The movements sum exactly to the balance. */
  readonly reconciled: boolean;
}

/** A venue balance the ledger does not explain. */
export interface BalanceDiscrepancy {
  readonly asset: string;
  /** What the ledger says (free + locked). */
  readonly expected: number;
  /** What the venue says (free + locked); NaN when its figure is malformed. */
  readonly actual: number;
  /** actual − expected. */
  readonly difference: number;
  readonly kind: 'unexplained' | 'malformed';
}

interface Movement {
  readonly seq: number;
  readonly t: number;
  readonly amount: bigint;
  readonly cause: LedgerCause;
}

interface Account {
  balance: bigint;
  carried: { fill: bigint; fee: bigint; transfer: bigint; entries: number; throughSeq: number };
  entries: Movement[];
}

type Kind = LedgerCause['kind'];

/**
 * Balances per asset and the movements that made them. Balances change only through {@link post},
 * so every change has a cause; memory is bounded by folding the oldest movements of an asset past
 * `capacity` into a carried-forward total per cause, which keeps the sum exact.
 */
export class Ledger {
  private readonly accounts = new Map<string, Account>();
  private seq = 0;

  constructor(
    private readonly scale: number,
    private readonly capacity: number,
  ) {}

  /** Records movements at time `t`, in order; zero amounts are skipped. */
  post(t: number, movements: readonly { asset: string; amount: bigint; cause: LedgerCause }[]): void {
    for (const { asset, amount, cause } of movements) {
      if (amount === 0n) continue;
      const account = this.account(asset);
      account.balance += amount;
      account.entries.push({ seq: ++this.seq, t, amount, cause });
      if (account.entries.length > this.capacity) fold(account);
    }
  }

  /** Exact balance of `asset` (0 when never moved). */
  balance(asset: string): bigint {
    return this.accounts.get(asset)?.balance ?? 0n;
  }

  /** Assets with a ledger, in first-movement order. */
  assets(): string[] {
    return [...this.accounts.keys()];
  }

  /** Explains `asset`'s balance by its movements. */
  explain(asset: string): BalanceExplanation {
    const account = this.accounts.get(asset) ?? emptyAccount();
    const totals = sumByKind(account);
    const n = (v: bigint): number => fromScaled(v, this.scale);
    return {
      asset,
      balance: n(account.balance),
      carried: {
        entries: account.carried.entries,
        throughSeq: account.carried.throughSeq,
        fills: n(account.carried.fill),
        fees: n(account.carried.fee),
        transfers: n(account.carried.transfer),
      },
      entries: account.entries.map((e) => ({
        seq: e.seq,
        t: e.t,
        asset,
        amount: n(e.amount),
        cause: { ...e.cause },
      })),
      totals: { fills: n(totals.fill), fees: n(totals.fee), transfers: n(totals.transfer) },
      reconciled: totals.fill + totals.fee + totals.transfer === account.balance,
    };
  }

  /**
   * Compares the ledger with a venue's balances (free + locked) and lists every asset whose venue
   * figure differs by at least one unit at `reconcileDecimals`, sorted by asset. An asset missing on
   * either side counts as 0.
   */
  discrepancies(venue: Balances, reconcileDecimals: number): BalanceDiscrepancy[] {
    const found: BalanceDiscrepancy[] = [];
    const assets = new Set([...this.accounts.keys(), ...Object.keys(venue)]);
    const coarse = pow10(this.scale - reconcileDecimals);
    for (const asset of [...assets].sort()) {
      const expected = this.balance(asset);
      const reported = Object.hasOwn(venue, asset) ? venue[asset] : { free: 0, locked: 0 };
      const free = toScaled(reported?.free, this.scale);
      const locked = toScaled(reported?.locked, this.scale);
      const n = fromScaled(expected, this.scale);
      if (free === null || locked === null) {
        found.push({ asset, expected: n, actual: NaN, difference: NaN, kind: 'malformed' });
        continue;
      }
      const actual = free + locked;
      if (divRound(actual - expected, coarse) === 0n) continue;
      found.push({
        asset,
        expected: n,
        actual: fromScaled(actual, this.scale),
        difference: fromScaled(actual - expected, this.scale),
        kind: 'unexplained',
      });
    }
    return found;
  }

  /** The ledger as snapshot JSON. */
  toJSON(): { seq: number; accounts: LedgerAccountJSON[] } {
    return {
      seq: this.seq,
      accounts: [...this.accounts].map(([asset, a]) => ({
        asset,
        balance: a.balance.toString(),
        carried: {
          fill: a.carried.fill.toString(),
          fee: a.carried.fee.toString(),
          transfer: a.carried.transfer.toString(),
          entries: a.carried.entries,
          throughSeq: a.carried.throughSeq,
        },
        entries: a.entries.map((e) => ({
          seq: e.seq,
          t: e.t,
          amount: e.amount.toString(),
          cause: { ...e.cause },
        })),
      })),
    };
  }

  /**
   * Restores a ledger from shape-checked snapshot JSON; throws {@link PortfolioSnapshotError} when an
   * account's movements do not sum to its balance, so a tampered snapshot is never trusted.
   */
  static fromJSON(
    json: { seq: number; accounts: readonly LedgerAccountJSON[] },
    scale: number,
    capacity: number,
  ): Ledger {
    const ledger = new Ledger(scale, capacity);
    ledger.seq = json.seq;
    const big = (text: string): bigint => bigintFromJSON(text) ?? 0n;
    for (const a of json.accounts) {
      const account: Account = {
        balance: big(a.balance),
        carried: {
          ...a.carried,
          fill: big(a.carried.fill),
          fee: big(a.carried.fee),
          transfer: big(a.carried.transfer),
        },
        entries: a.entries.map((e) => ({ seq: e.seq, t: e.t, amount: big(e.amount), cause: { ...e.cause } })),
      };
      const totals = sumByKind(account);
      if (totals.fill + totals.fee + totals.transfer !== account.balance) {
        const issue = `ledger.accounts.${a.asset}: movements do not sum to the balance`;
        throw new PortfolioSnapshotError(`invalid portfolio snapshot:\n  ${issue}`, [issue]);
      }
      ledger.accounts.set(a.asset, account);
    }
    return ledger;
  }

  private account(asset: string): Account {
    let account = this.accounts.get(asset);
    if (account === undefined) {
      account = emptyAccount();
      this.accounts.set(asset, account);
    }
    return account;
  }
}

function emptyAccount(): Account {
  return {
    balance: 0n,
    carried: { fill: 0n, fee: 0n, transfer: 0n, entries: 0, throughSeq: 0 },
    entries: [],
  };
}

function fold(account: Account): void {
  const oldest = account.entries.shift();
  if (oldest === undefined) return;
  const kind: Kind = oldest.cause.kind;
  account.carried[kind] += oldest.amount;
  account.carried.entries += 1;
  account.carried.throughSeq = oldest.seq;
}

function sumByKind(account: Account): Record<Kind, bigint> {
  const totals: Record<Kind, bigint> = {
    fill: account.carried.fill,
    fee: account.carried.fee,
    transfer: account.carried.transfer,
  };
  for (const e of account.entries) totals[e.cause.kind] += e.amount;
  return totals;
}
