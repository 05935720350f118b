import type { JournalEntry, JournalQuery } from './journal-entry';

/** What the runtime keeps about one actor so it can resume after a restart. */
export interface ActorRecord {
  /** XState persisted snapshot of the behaviour machine (`getPersistedSnapshot()`), JSON-safe. */
  readonly snapshot: unknown;
  /** Dotted state value at the time of saving, for operators reading the store by hand. */
  readonly state: string;
  /** Clock time of the save. */
  readonly savedAt: number;
}

/** Connection state of a store, as reported to listeners. */
export type StoreStatus = 'up' | 'down';

/**
 * Durable state behind the runtime: the journal and actor snapshots. Implemented by `MemoryStore`
 * (embedded, not durable) and `RedisStore` (ioredis). Key layout: `docs/redis-keys.md`.
 *
 * Writes resolve only once the store has acknowledged them; callers that must not lose data keep
 * it until then (see `Journal`).
 */
export interface Store {
  /** `memory` or `redis`. */
  readonly kind: 'memory' | 'redis';
  /** Whether state survives a process restart. */
  readonly durable: boolean;
  /** Instance name, the `{inst}` in every key. */
  readonly instance: string;
  /** Connects; rejects with `StoreUnavailableError` if the store cannot be reached. */
  connect(): Promise<void>;
  /** Flushes and disconnects. */
  close(): Promise<void>;
  /** Current connection state. */
  status(): StoreStatus;
  /** Subscribes to connection changes; returns the unsubscribe function. */
  onStatus(listener: (status: StoreStatus) => void): () => void;

  /**
   * Appends entries in order. Idempotent per `seq`: an entry whose `seq` is already stored is
   * skipped, so a batch can be retried after a lost acknowledgement without duplicating history.
   */
  appendJournal(entries: readonly JournalEntry[]): Promise<void>;
  /** Reads entries oldest first, filtered by `query`. */
  readJournal(query: JournalQuery): Promise<JournalEntry[]>;
  /** Highest stored `seq`, 0 when the journal is empty. */
  lastJournalSeq(): Promise<number>;

  /** Saves the latest record of an actor, replacing the previous one. */
  saveActor(actor: string, record: ActorRecord): Promise<void>;
  /** Loads the latest record of an actor, if any. */
  loadActor(actor: string): Promise<ActorRecord | undefined>;
  /** Removes an actor's record (a temporary child that will not come back). */
  deleteActor(actor: string): Promise<void>;

  /** Reads a small JSON value stored under `predator:{inst}:kv:{key}`. */
  getValue<T>(key: string): Promise<T | undefined>;
  /** Writes a small JSON value under `predator:{inst}:kv:{key}`. */
  setValue(key: string, value: unknown): Promise<void>;
}
