import { StoreUnavailableError } from '../kernel/errors';
import type { JournalEntry, JournalQuery } from '../kernel/journal-entry';
import type { ActorRecord, Store, StoreStatus } from '../kernel/store';

/**
 * The switch of a simulated store outage — Redis going away and coming back with its data — shared
 * by every decorator it takes down ({@link OutageStore} for the kernel's store,
 * `OutageExecutionStore` for the execution store beside it, as one Redis holds both). Outages nest:
 * the store is back once every `begin()` has had its `end()`.
 *
 * @example
 * const outage = new StoreOutage();
 * const store = new OutageStore(new MemoryStore({ instance: 'main' }), outage);
 * outage.begin(); // every call now rejects with StoreUnavailableError; status() is 'down'
 * outage.end(); // back, with everything written before the outage
 */
export class StoreOutage {
  private depth = 0;
  private readonly listeners = new Set<(down: boolean) => void>();
  private readonly refused = new Map<string, number>();

  /**
   * @param url What the errors name as the store's address, as `RedisStore` names its URL.
   */
  constructor(readonly url = 'redis://simulated-outage') {}

  /** Whether an outage is on. */
  get down(): boolean {
    return this.depth > 0;
  }

  /** Takes the stores down (or keeps them down one `end()` longer). */
  begin(): void {
    if (this.depth++ === 0) this.emit(true);
  }

  /** Ends one `begin()`; the stores come back when none is left. */
  end(): void {
    if (this.depth === 0) return;
    if (--this.depth === 0) this.emit(false);
  }

  /** Hears every change between down (`true`) and back (`false`); returns the unsubscribe function. */
  onChange(listener: (down: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls refused so far, by operation (`appendJournal`, `recordIntent`, …). */
  refusals(): Readonly<Record<string, number>> {
    return Object.fromEntries(this.refused);
  }

  /**
   * Throws {@link StoreUnavailableError} while the store is down, as `RedisStore` rejects every call
   * at once instead of queueing it; counts the refusal under `op`.
   */
  guard(op: string): void {
    if (this.depth === 0) return;
    this.refused.set(op, (this.refused.get(op) ?? 0) + 1);
    throw new StoreUnavailableError(`Redis at ${this.url} is down`, this.url);
  }

  private emit(down: boolean): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(down);
      } catch (error) {
        // As RedisStore does: one listener's bug must not keep the others from hearing the change.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}

/**
 * A {@link Store} that a {@link StoreOutage} can take down: while it is down every call rejects with
 * `StoreUnavailableError` and nothing reaches the wrapped store, `status()` is `down`, and status
 * listeners hear `down` and then `up` — what `RedisStore` does while Redis is unreachable, so the
 * kernel reacts as in production: components go `degraded`, the journal keeps its pending entries
 * and retries them, snapshot keepers keep unsaved snapshots, and all is written once the store is
 * back. The wrapped store keeps its data throughout (a Redis restart with persistence).
 *
 * `kind` and `durable` are the wrapped store's. Calls already under way when the outage begins
 * complete; the in-process stores answer within the same turn, so none straddles one.
 *
 * @example
 * const store = new OutageStore(new MemoryStore({ instance: 'soak' }), outage);
 * await Runtime.start({ config, clock, store, logger });
 */
export class OutageStore implements Store {
  readonly kind: Store['kind'];
  readonly durable: boolean;
  readonly instance: string;

  constructor(
    private readonly inner: Store,
    private readonly outage: StoreOutage,
  ) {
    this.kind = inner.kind;
    this.durable = inner.durable;
    this.instance = inner.instance;
  }

  /** Rejects while down, as connecting to an unreachable Redis does. */
  async connect(): Promise<void> {
    this.outage.guard('connect');
    await this.inner.connect();
  }

  /** Closes the wrapped store, down or not (closing needs no answer from the server). */
  close(): Promise<void> {
    return this.inner.close();
  }

  status(): StoreStatus {
    return this.outage.down ? 'down' : this.inner.status();
  }

  /** Listeners hear each change of the combined status: the outage's and the wrapped store's own. */
  onStatus(listener: (status: StoreStatus) => void): () => void {
    let last = this.status();
    const changed = (): void => {
      const now = this.status();
      if (now === last) return;
      last = now;
      listener(now);
    };
    const offInner = this.inner.onStatus(changed);
    const offOutage = this.outage.onChange(changed);
    return () => {
      offInner();
      offOutage();
    };
  }

  async appendJournal(entries: readonly JournalEntry[]): Promise<void> {
    this.outage.guard('appendJournal');
    await this.inner.appendJournal(entries);
  }

  async readJournal(query: JournalQuery): Promise<JournalEntry[]> {
    this.outage.guard('readJournal');
    return this.inner.readJournal(query);
  }

  async lastJournalSeq(): Promise<number> {
    this.outage.guard('lastJournalSeq');
    return this.inner.lastJournalSeq();
  }

  async saveActor(actor: string, record: ActorRecord): Promise<void> {
    this.outage.guard('saveActor');
    await this.inner.saveActor(actor, record);
  }

  async loadActor(actor: string): Promise<ActorRecord | undefined> {
    this.outage.guard('loadActor');
    return this.inner.loadActor(actor);
  }

  async deleteActor(actor: string): Promise<void> {
    this.outage.guard('deleteActor');
    await this.inner.deleteActor(actor);
  }

  async getValue<T>(key: string): Promise<T | undefined> {
    this.outage.guard('getValue');
    return this.inner.getValue<T>(key);
  }

  async setValue(key: string, value: unknown): Promise<void> {
    this.outage.guard('setValue');
    await this.inner.setValue(key, value);
  }
}
