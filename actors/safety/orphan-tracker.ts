/**
 * Confirms orphan venue orders before anyone cancels them (DESIGN.md: "an orphan venue order must be
 * seen twice before it counts"). A venue order can look orphaned for a moment — our record of it is
 * being written, or the venue's list lags — so one sighting is not enough: an id counts once it is
 * listed in two consecutive reconciliation passes at least `minGapMs` apart.
 */

/** Options of an {@link OrphanTracker}. */
export interface OrphanTrackerOptions {
  /** Least time between the first sighting and the confirming pass; ≥ 0. */
  readonly minGapMs: number;
  /** Most ids remembered at once; the rest of a pass is not tracked (see {@link OrphanTracker.dropped}). */
  readonly capacity?: number;
}

/** {@link OrphanTrackerOptions.capacity} when left out: far above any account's open orders. */
export const DEFAULT_ORPHAN_CAPACITY = 10_000;

/** The tracker's state as JSON, to store and restore across a restart. */
export interface OrphanTrackerJSON {
  readonly version: 1;
  readonly minGapMs: number;
  readonly capacity: number;
  /** Clock time of the last pass, or null before the first. */
  readonly lastPassT: number | null;
  /** Ids seen in the last pass with the time each was first seen in the unbroken run of passes. */
  readonly seen: readonly (readonly [string, number])[];
}

/**
 * Tracks orphan candidates across reconciliation passes. Memory is bounded: only the ids of the last
 * pass are kept (an id absent from a pass is forgotten and starts over), at most `capacity` of them.
 *
 * @example
 * const tracker = new OrphanTracker({ minGapMs: 10_000 });
 * tracker.observe(0, ['pd-a']); // [] — seen once
 * tracker.observe(15_000, ['pd-a']); // ['pd-a'] — seen twice, 15 s apart: cancel it
 */
export class OrphanTracker {
  private readonly minGapMs: number;
  private readonly capacity: number;
  private seen = new Map<string, number>();
  private lastPassT: number | null = null;
  private lastDropped = 0;

  constructor(options: OrphanTrackerOptions) {
    this.minGapMs = requireCount('minGapMs', options.minGapMs);
    this.capacity = requireCount('capacity', options.capacity ?? DEFAULT_ORPHAN_CAPACITY);
    if (this.capacity === 0) throw new RangeError('capacity must be at least 1, got 0');
  }

  /** Restores a tracker from {@link OrphanTracker.toJSON}; throws a RangeError naming the bad field. */
  static from(json: OrphanTrackerJSON): OrphanTracker {
    if (json === null || typeof json !== 'object' || json.version !== 1) {
      throw new RangeError(`orphan tracker state: version must be 1, got ${JSON.stringify(json?.version)}`);
    }
    const tracker = new OrphanTracker({ minGapMs: json.minGapMs, capacity: json.capacity });
    if (json.lastPassT !== null && !Number.isFinite(json.lastPassT)) {
      throw new RangeError(`orphan tracker state: lastPassT must be a finite number or null`);
    }
    if (!Array.isArray(json.seen)) throw new RangeError('orphan tracker state: seen must be an array');
    for (const [i, entry] of json.seen.entries()) {
      const [id, t] = Array.isArray(entry) ? entry : [];
      if (typeof id !== 'string' || typeof t !== 'number' || !Number.isFinite(t)) {
        throw new RangeError(`orphan tracker state: seen[${i}] must be [id: string, firstSeen: number]`);
      }
      if (tracker.seen.size < tracker.capacity) tracker.seen.set(id, t);
    }
    tracker.lastPassT = json.lastPassT;
    return tracker;
  }

  /**
   * Records one pass at clock time `passT` that found `orphanIds`, and returns those confirmed now:
   * listed in the previous pass too, first seen at least `minGapMs` before, in an earlier pass.
   * A confirmed id is returned again on every pass that still lists it (its cancel may have failed).
   * A pass earlier than the last (a clock that went back) forgets everything: no cancel on the
   * strength of a gap that may not be real.
   */
  observe(passT: number, orphanIds: readonly string[]): string[] {
    if (!Number.isFinite(passT)) throw new RangeError(`passT must be a finite number, got ${passT}`);
    const before = this.lastPassT !== null && passT < this.lastPassT ? new Map<string, number>() : this.seen;
    const next = new Map<string, number>();
    const listed = new Set(orphanIds);
    // Ids already tracked keep their place first, so an overflowing pass cannot push out one that is
    // about to be confirmed.
    for (const [id, firstSeen] of before) {
      if (listed.has(id) && next.size < this.capacity) next.set(id, firstSeen);
    }
    let dropped = 0;
    for (const id of listed) {
      if (next.has(id)) continue;
      if (next.size < this.capacity) next.set(id, passT);
      else dropped++;
    }
    this.seen = next;
    this.lastPassT = passT;
    this.lastDropped = dropped;
    const confirmed: string[] = [];
    for (const [id, firstSeen] of next) {
      if (firstSeen < passT && passT - firstSeen >= this.minGapMs) confirmed.push(id);
    }
    return confirmed;
  }

  /** Ids of the last pass left untracked for want of capacity: never confirmed; worth an alert. */
  get dropped(): number {
    return this.lastDropped;
  }

  /** Ids being tracked (seen in the last pass). */
  get size(): number {
    return this.seen.size;
  }

  /** The state as JSON, for {@link OrphanTracker.from}. */
  toJSON(): OrphanTrackerJSON {
    return {
      version: 1,
      minGapMs: this.minGapMs,
      capacity: this.capacity,
      lastPassT: this.lastPassT,
      seen: [...this.seen],
    };
  }
}

function requireCount(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${field} must be an integer ≥ 0, got ${JSON.stringify(value)}`);
  }
  return value;
}
