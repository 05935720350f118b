import test from 'ava';
import type { JournalEntry } from '../../actors/kernel/journal-entry';
import { MemoryStore } from '../../actors/kernel/store-memory';
import { releasedCount } from '../helpers/released';

const entry = (seq: number): JournalEntry => ({
  seq,
  t: seq,
  actor: 'feed',
  machine: 'feed',
  from: 'idle',
  event: 'tick',
  to: `busy.${seq}`,
});

test('issue 5: the memory journal lets go of an entry as soon as it is trimmed, not when the array is next compacted', async (t) => {
  const store = new MemoryStore({ instance: 'journal-bound', journalLimit: 100 });
  const first = Array.from({ length: 100 }, (_, i) => entry(i + 1));
  const refs = first.map((e) => new WeakRef(e));
  await store.appendJournal(first);
  first.length = 0;
  // 50 more: the oldest 50 are trimmed, but the array is not compacted until 100 are.
  await store.appendJournal(Array.from({ length: 50 }, (_, i) => entry(101 + i)));
  t.is(await releasedCount(refs.slice(0, 50)), 50, 'every trimmed entry is freed');
  t.is(await releasedCount(refs.slice(50)), 0, 'no kept entry is');
  const kept = await store.readJournal({ limit: 1_000 });
  t.is(kept.length, 100);
  t.is(kept[0]?.seq, 51);
  t.deepEqual(
    (await store.readJournal({ since: 140, limit: 1_000 })).map((e) => e.seq).slice(0, 2),
    [141, 142],
  );
});
