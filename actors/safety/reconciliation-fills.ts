import type { FillRecord } from '../trading/execution-store';
import { toScaled } from '../trading/portfolio-amounts';
import type { Fill } from '../trading/types';

/**
 * The fills step of reconciliation: our recorded fills against the venue's, matched by `fillId`
 * (the key the execution store de-duplicates on), with the order they belong to (`venueOrderId`,
 * `clientOrderId`) compared as part of the match. Pure; both lists must cover the same window
 * (same symbols, same time range), or everything outside the overlap shows up as a difference.
 */

/** Fields of a fill that must agree. */
export type FillField =
  'venueOrderId' | 'clientOrderId' | 'symbol' | 'side' | 'price' | 'qty' | 'fee' | 'feeAsset';

// `t` and `liquidity` are left out: some feeds stamp a fill with the time they report it rather
// than the time it executed, and neither moves a balance.
const COMPARED: readonly FillField[] = [
  'venueOrderId',
  'clientOrderId',
  'symbol',
  'side',
  'price',
  'qty',
  'fee',
  'feeAsset',
];

const NUMERIC: ReadonlySet<FillField> = new Set(['price', 'qty', 'fee']);

/** A fill both sides know under one `fillId` but describe differently. */
export interface FillMismatch {
  readonly local: FillRecord;
  readonly venue: Fill;
  readonly fields: readonly FillField[];
}

/** The fills step's result. */
export interface FillsDiff {
  /** At the venue, not recorded: heal by appending (`ExecutionStore.appendFill`), if we own the order. */
  readonly missingLocally: Fill[];
  /** Recorded, not at the venue: a phantom fill in our books; needs a human. */
  readonly unknownAtVenue: FillRecord[];
  /** Same `fillId`, different content: needs a human. */
  readonly mismatched: FillMismatch[];
  /** The venue listed one `fillId` twice with different content: bad venue data; needs a human. */
  readonly conflictingAtVenue: Fill[];
}

/**
 * Compares our fills with the venue's. A venue listing the same fill twice identically (pages that
 * overlap) counts once.
 *
 * @example
 * const diff = diffFills(await store.fills({ symbol, since }), await venue.fills(symbol, since));
 * for (const fill of diff.missingLocally) heal(fill);
 * if (diff.unknownAtVenue.length + diff.mismatched.length + diff.conflictingAtVenue.length > 0) alert(diff);
 */
export function diffFills(local: readonly FillRecord[], venue: readonly Fill[]): FillsDiff {
  const atVenue = new Map<string, Fill>();
  const conflictingAtVenue: Fill[] = [];
  for (const fill of venue) {
    const seen = atVenue.get(fill.fillId);
    if (seen === undefined) atVenue.set(fill.fillId, fill);
    else if (differingFields(seen, fill).length > 0) conflictingAtVenue.push(fill);
  }
  const ours = new Map<string, FillRecord>();
  for (const fill of local) if (!ours.has(fill.fillId)) ours.set(fill.fillId, fill);

  const missingLocally: Fill[] = [];
  for (const fill of atVenue.values()) if (!ours.has(fill.fillId)) missingLocally.push(fill);
  const unknownAtVenue: FillRecord[] = [];
  const mismatched: FillMismatch[] = [];
  for (const fill of ours.values()) {
    const theirs = atVenue.get(fill.fillId);
    if (theirs === undefined) {
      unknownAtVenue.push(fill);
      continue;
    }
    const fields = differingFields(fill, theirs);
    if (fields.length > 0) mismatched.push({ local: fill, venue: theirs, fields });
  }
  return { missingLocally, unknownAtVenue, mismatched, conflictingAtVenue };
}

// Amounts compared as decimals at 12 places, so two spellings of one number (0.1 + 0.2 against 0.3)
// agree and any real difference, however small, does not.
const AMOUNT_DECIMALS = 12;

function differingFields(a: Fill, b: Fill): FillField[] {
  return COMPARED.filter((field) => {
    // Equal values agree however they are spelled; only different ones need the decimal compare.
    if (a[field] === b[field]) return false;
    if (!NUMERIC.has(field)) return true;
    const x = toScaled(a[field], AMOUNT_DECIMALS);
    const y = toScaled(b[field], AMOUNT_DECIMALS);
    return x === null || y === null || x !== y;
  });
}
