import type { JournalEntry, JournalQuery } from '../kernel/journal-entry';

/** How the journal is read: `Journal.query` (stored entries plus those not yet acknowledged). */
export interface JournalReader {
  query(query: JournalQuery): Promise<JournalEntry[]>;
}

/** The journal around one incident, oldest first. */
export interface JournalWindow {
  /** Clock times the window spans (inclusive). */
  readonly from: number;
  readonly to: number;
  readonly entries: readonly JournalEntry[];
  /** Whether `maxEntries` cut the window short: entries after the last one read were not read. */
  readonly truncated: boolean;
}

/** Where and how wide to read. */
export interface WindowRequest {
  /** The incident's raise entry. */
  readonly raisedSeq: number;
  readonly raisedAt: number;
  readonly beforeMs: number;
  readonly afterMs: number;
  readonly maxEntries: number;
}

const PAGE = 1_000;

/**
 * Reads the journal from `beforeMs` before the incident to `afterMs` after it. The journal is
 * indexed by `seq`, not time, so the first entry of the window is found by bisecting `seq` below
 * the raise entry (about 20 one-entry reads for a million entries; clock times grow with `seq`),
 * then read forward in pages. Entries trimmed from the store are simply not there.
 */
export async function readJournalWindow(
  reader: JournalReader,
  request: WindowRequest,
): Promise<JournalWindow> {
  const from = request.raisedAt - request.beforeMs;
  const to = request.raisedAt + request.afterMs;
  const since = await firstSinceAtOrAfter(reader, from, Math.max(0, request.raisedSeq - 1));
  const entries: JournalEntry[] = [];
  let cursor = since;
  let truncated = false;
  for (;;) {
    const room = request.maxEntries - entries.length;
    if (room <= 0) {
      const next = await reader.query({ since: cursor, limit: 1 });
      truncated = next.length > 0 && (next[0] as JournalEntry).t <= to;
      break;
    }
    const page = await reader.query({ since: cursor, limit: Math.min(PAGE, room) });
    if (page.length === 0) break;
    let past = false;
    for (const entry of page) {
      if (entry.t > to) {
        past = true;
        break;
      }
      if (entry.t >= from) entries.push(entry);
    }
    if (past) break;
    cursor = (page[page.length - 1] as JournalEntry).seq;
  }
  const last = entries[entries.length - 1];
  return { from, to: truncated && last ? last.t : to, entries, truncated };
}

/** The smallest `since` in [0, hi] whose first entry after it is at or after `from`. */
async function firstSinceAtOrAfter(reader: JournalReader, from: number, hi: number): Promise<number> {
  let lo = 0;
  let high = hi;
  while (lo < high) {
    const mid = Math.floor((lo + high) / 2);
    const [first] = await reader.query({ since: mid, limit: 1 });
    if (first !== undefined && first.t >= from) high = mid;
    else lo = mid + 1;
  }
  return lo;
}
