import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import type { Clock, TimerHandle } from './clock';
import type { JournalEntry, JournalQuery, TransitionRecord } from './journal-entry';
import type { Logger } from './logger';
import type { Store } from './store';

/** Options of {@link Journal}. */
export interface JournalOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Retry delay while the store is down (also retried as soon as it reports `up`). */
  readonly retryMs?: number;
  /** Entries per store write. */
  readonly batchSize?: number;
}

/**
 * The history of every transition of every machine. Entries are numbered here, delivered to live
 * listeners at once, and written to the store in order, in batches. An entry stays in the pending
 * buffer until the store acknowledges it, so a store outage loses nothing: the buffer is retried
 * when the store comes back (`appendJournal` is idempotent per `seq`).
 */
export class Journal {
  private seq = 0;
  private pending: JournalEntry[] = [];
  private flushing = false;
  private flushScheduled = false;
  private retryTimer: TimerHandle | undefined;
  private readonly listeners = new Set<(entry: JournalEntry) => void>();
  private readonly hash: Hash = createHash('sha256');
  private count = 0;
  private readonly retryMs: number;
  private readonly batchSize: number;
  private waiters: (() => void)[] = [];

  constructor(private readonly options: JournalOptions) {
    this.retryMs = options.retryMs ?? 1000;
    this.batchSize = options.batchSize ?? 1000;
    options.store.onStatus((status) => {
      if (status === 'up') this.scheduleFlush();
    });
  }

  /** Continues numbering after what the store already holds. */
  async init(): Promise<void> {
    this.seq = await this.options.store.lastJournalSeq();
  }

  /** Highest sequence number assigned. */
  get lastSeq(): number {
    return this.seq;
  }

  /** Entries recorded by this process. */
  get recorded(): number {
    return this.count;
  }

  /** Entries not yet acknowledged by the store. */
  get unacknowledged(): number {
    return this.pending.length;
  }

  /**
   * SHA-256 over every entry this process recorded, in order (`seq` excluded, so two runs that
   * differ only in where numbering started still compare equal). The soak's reproducibility proof.
   */
  digest(): string {
    return this.hash.copy().digest('hex');
  }

  /** Numbers, publishes and queues one transition for the store. */
  record(transition: TransitionRecord): JournalEntry {
    const entry: JournalEntry = { seq: ++this.seq, ...transition };
    this.count++;
    this.hash.update(`${entry.t}|${entry.actor}|${entry.machine}|${entry.from}|${entry.event}|${entry.to}\n`);
    this.pending.push(entry);
    for (const listener of this.listeners) {
      try {
        listener(entry);
      } catch (error) {
        // A broken listener (a gateway stream) must not fail the transition that was journaled.
        this.options.logger.error({ err: error, seq: entry.seq }, 'journal listener failed');
      }
    }
    this.scheduleFlush();
    return entry;
  }

  /** Subscribes to every new entry; returns the unsubscribe function. */
  onTransition(listener: (entry: JournalEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads history: what the store holds plus what it has not acknowledged yet. */
  async query(query: JournalQuery): Promise<JournalEntry[]> {
    // Taken before the read: an entry acknowledged while the read is in flight is in one or the other.
    const unacknowledged = this.pending.slice();
    const stored = await this.options.store.readJournal(query).catch(() => [] as JournalEntry[]);
    if (stored.length >= query.limit || unacknowledged.length === 0) return stored;
    const after = stored.length > 0 ? (stored[stored.length - 1] as JournalEntry).seq : (query.since ?? 0);
    const extra = unacknowledged.filter(
      (e) => e.seq > after && (query.actor === undefined || e.actor === query.actor),
    );
    return [...stored, ...extra].slice(0, query.limit);
  }

  /** Resolves when every entry recorded so far is acknowledged by the store. */
  drained(): Promise<void> {
    if (this.pending.length === 0) return Promise.resolve();
    this.scheduleFlush();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Cancels the retry timer (at shutdown, after a final flush attempt). */
  dispose(): void {
    this.options.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.flushing) return;
    this.flushScheduled = true;
    queueMicrotask(() => {
      this.flushScheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.slice(0, this.batchSize);
        await this.options.store.appendJournal(batch);
        this.pending.splice(0, batch.length);
      }
      const waiters = this.waiters;
      this.waiters = [];
      for (const resolve of waiters) resolve();
    } catch (error) {
      this.options.logger.warn(
        { err: error, pending: this.pending.length },
        'journal write failed; entries kept and retried',
      );
      if (this.retryTimer === undefined) {
        this.retryTimer = this.options.clock.setTimeout(() => {
          this.retryTimer = undefined;
          this.scheduleFlush();
        }, this.retryMs);
      }
    } finally {
      this.flushing = false;
    }
    if (this.pending.length > 0 && this.retryTimer === undefined) this.scheduleFlush();
  }
}
