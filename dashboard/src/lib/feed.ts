import type { JournalEntry } from '../../../actors/kernel/journal-entry';

/** Entries the journal feed keeps in memory. */
export const FEED_SIZE = 200;

/**
 * Merges `incoming` into the feed: newest first, each `seq` once, at most `cap` entries. Replays after
 * a reconnect overlap what the page already has, so duplicates are expected, not an error.
 */
export function mergeEntries(
  current: readonly JournalEntry[],
  incoming: readonly JournalEntry[],
  cap = FEED_SIZE,
): JournalEntry[] {
  const head = current[0];
  const only = incoming.length === 1 ? incoming[0] : undefined;
  // The common case, one live entry newer than everything: no sort.
  if (only !== undefined && (head === undefined || only.seq > head.seq))
    return [only, ...current.slice(0, cap - 1)];
  const bySeq = new Map<number, JournalEntry>();
  for (const entry of current) bySeq.set(entry.seq, entry);
  for (const entry of incoming) bySeq.set(entry.seq, entry);
  return [...bySeq.values()].sort((a, b) => b.seq - a.seq).slice(0, cap);
}
