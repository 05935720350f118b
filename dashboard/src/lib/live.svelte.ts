import type { JournalEntry } from '../../../actors/kernel/journal-entry';
import type { SystemTreeView } from '../../../actors/kernel/system-view';
import { fetchHealth, fetchJournal, fetchSystem } from './api';
import { coalesce } from './coalesce';
import { FEED_SIZE, mergeEntries } from './feed';
import type { StreamStatus } from './stream';
import { subscribeTransitions } from './stream';

/**
 * How often the tree is refreshed without any transition: uptimes and missed heartbeats move without
 * one.
 */
const TREE_POLL_MS = 5_000;

/**
 * The page's live picture of the system: the supervision tree, the latest transitions and the
 * state of the stream, kept current from `GET /api/stream`. Each transition goes into the feed at
 * once and asks for a tree refresh; refreshes are coalesced (one in flight, one trailing).
 */
export class LiveSystem {
  /** The last tree the gateway answered; `null` until the first answer. */
  tree = $state.raw<SystemTreeView | null>(null);
  /** Why the last tree refresh failed, or `null` when it succeeded. */
  treeError = $state<string | null>(null);
  /** Latest transitions, newest first. */
  entries = $state.raw<JournalEntry[]>([]);
  status = $state<StreamStatus>('connecting');

  private readonly transitionListeners = new Set<(entry: JournalEntry) => void>();
  private readonly resyncListeners = new Set<() => void>();
  private readonly treeRefresh = coalesce(() => this.loadTree());

  /** Opens the stream and starts polling; returns the function that stops both. */
  start(): () => void {
    const unsubscribe = subscribeTransitions('/api/stream', {
      transition: (entry) => this.receive(entry),
      status: (status) => (this.status = status),
      opened: () => void this.resync(),
    });
    this.treeRefresh.request();
    const poll = setInterval(() => this.treeRefresh.request(), TREE_POLL_MS);
    return () => {
      unsubscribe();
      clearInterval(poll);
      this.treeRefresh.cancel();
    };
  }

  /** Listens to every transition after it reached the feed; returns the unsubscribe function. */
  onTransition(listener: (entry: JournalEntry) => void): () => void {
    this.transitionListeners.add(listener);
    return () => this.transitionListeners.delete(listener);
  }

  /** Listens to reconnects, after which anything derived from the stream must be fetched again. */
  onResync(listener: () => void): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  private receive(entry: JournalEntry): void {
    this.entries = mergeEntries(this.entries, [entry]);
    this.treeRefresh.request();
    for (const listener of this.transitionListeners) listener(entry);
  }

  private async loadTree(): Promise<void> {
    try {
      this.tree = await fetchSystem();
      this.treeError = null;
    } catch (err) {
      this.treeError = err instanceof Error ? err.message : String(err);
    }
  }

  /**
   * Catches up after a (re)connect: the tree, and the latest page of the journal. Overlap with what
   * the feed has, and with the stream's own replay, is harmless: the feed keeps each `seq` once.
   */
  private async resync(): Promise<void> {
    this.treeRefresh.request();
    for (const listener of this.resyncListeners) listener();
    const newestBefore = this.entries[0]?.seq ?? 0;
    try {
      const health = await fetchHealth();
      // A journal behind the feed is a new life of a non-durable instance: the old feed is history.
      if (health.journalSeq < newestBefore) this.entries = [];
      const backlog = await fetchJournal({
        since: Math.max(0, health.journalSeq - FEED_SIZE),
        limit: FEED_SIZE,
      });
      this.entries = mergeEntries(this.entries, backlog);
    } catch (err) {
      console.warn('could not catch up with the journal', err);
    }
  }
}
