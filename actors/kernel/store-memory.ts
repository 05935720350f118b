import type { JournalEntry, JournalQuery } from './journal-entry';
import type { ActorRecord, Store, StoreStatus } from './store';

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  readonly instance: string;
  /**
   * Journal entries kept; older ones are dropped, as Redis trims the stream with `MAXLEN ~`.
   * Why a bound: a months-long run must not grow the heap without limit.
   */
  readonly journalLimit?: number;
}

/**
 * The embedded store: same interface as `RedisStore`, in this process's memory. Nothing survives
 * the process; the runtime says so loudly when it runs on this store.
 */
export class MemoryStore implements Store {
  readonly kind = 'memory' as const;
  readonly durable = false;
  readonly instance: string;
  private readonly journalLimit: number;
  /** Entries before `head` are dropped and cleared (undefined), so they are not kept alive. */
  private journal: (JournalEntry | undefined)[] = [];
  /** Index of the first live entry in `journal`; trimming moves it instead of shifting the array. */
  private head = 0;
  private lastSeq = 0;
  /** Snapshots as JSON, as Redis keeps them (cheaper to write than a structured clone, too). */
  private readonly actors = new Map<
    string,
    { readonly snapshot: string; readonly state: string; readonly savedAt: number }
  >();
  private readonly values = new Map<string, string>();

  constructor(options: MemoryStoreOptions) {
    this.instance = options.instance;
    this.journalLimit = options.journalLimit ?? 100_000;
  }

  async connect(): Promise<void> {}

  async close(): Promise<void> {}

  status(): StoreStatus {
    return 'up';
  }

  onStatus(_listener: (status: StoreStatus) => void): () => void {
    return () => {};
  }

  async appendJournal(entries: readonly JournalEntry[]): Promise<void> {
    for (const entry of entries) {
      if (entry.seq <= this.lastSeq) continue;
      this.journal.push(entry);
      this.lastSeq = entry.seq;
    }
    // A dropped entry is cleared at once: until the array is compacted, a slot still pointing at it
    // would keep up to `journalLimit` dropped entries alive (twice the bound; issue 5).
    while (this.journal.length - this.head > this.journalLimit) this.journal[this.head++] = undefined;
    if (this.head > this.journalLimit) {
      this.journal = this.journal.slice(this.head);
      this.head = 0;
    }
  }

  async readJournal(query: JournalQuery): Promise<JournalEntry[]> {
    const since = query.since ?? 0;
    const out: JournalEntry[] = [];
    let i = this.firstIndexAfter(since);
    for (; i < this.journal.length && out.length < query.limit; i++) {
      const entry = this.journal[i] as JournalEntry;
      if (query.actor === undefined || entry.actor === query.actor) out.push(entry);
    }
    return out;
  }

  async lastJournalSeq(): Promise<number> {
    return this.lastSeq;
  }

  async saveActor(actor: string, record: ActorRecord): Promise<void> {
    // A copy, as Redis keeps one: later changes to the caller's objects must not reach the store.
    const snapshot = JSON.stringify(record.snapshot);
    if (snapshot === undefined) throw new TypeError(`snapshot of ${actor} is not JSON-serialisable`);
    this.actors.set(actor, { snapshot, state: record.state, savedAt: record.savedAt });
  }

  async loadActor(actor: string): Promise<ActorRecord | undefined> {
    const kept = this.actors.get(actor);
    return kept === undefined ? undefined : { ...kept, snapshot: JSON.parse(kept.snapshot) as unknown };
  }

  async deleteActor(actor: string): Promise<void> {
    this.actors.delete(actor);
  }

  async getValue<T>(key: string): Promise<T | undefined> {
    const raw = this.values.get(key);
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  }

  async setValue(key: string, value: unknown): Promise<void> {
    this.values.set(key, JSON.stringify(value));
  }

  /** Binary search: seqs are strictly increasing. */
  private firstIndexAfter(since: number): number {
    let lo = this.head;
    let hi = this.journal.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.journal[mid] as JournalEntry).seq <= since) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
