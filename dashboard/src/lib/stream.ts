import type { JournalEntry } from '../../../actors/kernel/journal-entry';

/** Where the transition stream stands, as the connection indicator shows it. */
export type StreamStatus = 'connecting' | 'live' | 'reconnecting';

/** What a {@link subscribeTransitions} caller hears. */
export interface StreamHandlers {
  /** One journaled transition, in `seq` order within one connection. */
  transition(entry: JournalEntry): void;
  /** The connection state changed. */
  status(status: StreamStatus): void;
  /**
   * A connection (the first or a later one) is open. Whatever happened while it was down has to be
   * fetched again: a fresh `EventSource` after a failed one does not resend `Last-Event-ID`.
   */
  opened(): void;
}

/** Backoff of reconnects this module makes itself (the browser's own retries come first). */
const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 15_000;

function parseEntry(data: string): JournalEntry | undefined {
  try {
    const entry = JSON.parse(data) as Partial<JournalEntry>;
    return typeof entry.seq === 'number' && typeof entry.actor === 'string'
      ? (entry as JournalEntry)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Subscribes to `GET /api/stream`. While the gateway merely drops the connection the browser
 * reconnects by itself and resends `Last-Event-ID`, so the gateway replays what was missed. When the
 * browser gives up (an error status, a wrong content type — e.g. a dev proxy's 502 while the gateway
 * restarts), this opens a new `EventSource` with exponential backoff. Returns the unsubscribe
 * function.
 *
 * @example
 * const stop = subscribeTransitions('/api/stream', {
 *   transition: (entry) => feed.unshift(entry),
 *   status: (status) => (connection = status),
 *   opened: () => resync(),
 * });
 */
export function subscribeTransitions(url: string, handlers: StreamHandlers): () => void {
  let source: EventSource | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let retryMs = RETRY_MIN_MS;
  let stopped = false;

  const connect = (): void => {
    const current = new EventSource(url);
    source = current;
    current.addEventListener('open', () => {
      retryMs = RETRY_MIN_MS;
      handlers.status('live');
      handlers.opened();
    });
    current.addEventListener('transition', (event) => {
      const entry = parseEntry((event as MessageEvent<string>).data);
      if (entry === undefined) console.warn('ignoring a malformed transition event', event);
      else handlers.transition(entry);
    });
    current.addEventListener('error', () => {
      if (stopped || source !== current) return;
      handlers.status('reconnecting');
      if (current.readyState !== EventSource.CLOSED) return; // the browser is retrying by itself
      current.close();
      retryTimer = setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
    });
  };

  handlers.status('connecting');
  connect();
  return () => {
    stopped = true;
    clearTimeout(retryTimer);
    source?.close();
  };
}
