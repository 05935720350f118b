/** The asker of an `ask` made from outside the tree: the control plane, the gateway, a spec. */
export const EXTERNAL_ASKER = 'external';

/** One `ask` still waiting for its answer. */
export interface PendingAsk {
  /** Per process, from 1. */
  readonly id: number;
  /** The component waiting, or {@link EXTERNAL_ASKER}. */
  readonly from: string;
  /** The component asked. */
  readonly to: string;
  /** The event's type. */
  readonly event: string;
  /** Clock time it was posted. */
  readonly since: number;
  readonly timeoutMs: number;
  /**
   * The incarnation asked, or the one asking, has ended since: nobody will answer it, or nobody
   * live is waiting for it. It stays pending until its deadline, as the caller does.
   */
  readonly orphaned: boolean;
}

type Entry = { -readonly [K in keyof PendingAsk]: PendingAsk[K] };

/**
 * Every `ask` between its posting and its answer (or deadline): who waits on whom, since when. The
 * kernel keeps it so the ops watchdog view can find hung components and cycles of components
 * waiting on each other. One small object per ask, added and removed: asks are on the hot path.
 */
export class PendingAsks {
  private readonly pending = new Set<Entry>();
  private next = 1;

  /** Records an ask being posted; pass the handle to {@link settle} when it is answered or expires. */
  add(from: string, to: string, event: string, since: number, timeoutMs: number): PendingAsk {
    const entry: Entry = { id: this.next++, from, to, event, since, timeoutMs, orphaned: false };
    this.pending.add(entry);
    return entry;
  }

  /** The ask got its answer, or its deadline passed. */
  settle(ask: PendingAsk): void {
    this.pending.delete(ask as Entry);
  }

  /** An incarnation of `actor` ended: asks to it will not be answered, asks from it wait for no one live. */
  orphan(actor: string): void {
    for (const entry of this.pending) if (entry.to === actor || entry.from === actor) entry.orphaned = true;
  }

  /** Asks pending now, oldest first (copies). */
  list(): PendingAsk[] {
    return [...this.pending].map((entry) => ({ ...entry }));
  }

  /** How many are pending. */
  get size(): number {
    return this.pending.size;
  }
}
