import { performance } from 'node:perf_hooks';
import type { JournalEntry } from '../actors/kernel/journal-entry';
import { RedisStore } from '../actors/kernel/store-redis';
import { startRedisServer } from '../specs/helpers/redis-server';

const ENTRIES = 100_000;
const BATCH = 1000;
const RUNS = 5;

function journal(count: number): JournalEntry[] {
  const out: JournalEntry[] = [];
  for (let seq = 1; seq <= count; seq++) {
    out.push({
      seq,
      t: 1_700_000_000_000 + seq,
      actor: `engine-${seq % 8}`,
      machine: 'lifecycle',
      from: 'running.tracking',
      event: 'market.tick',
      to: 'running.tracking',
    });
  }
  return out;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/**
 * Entries per second through `RedisStore.appendJournal` to a real redis-server with the given AOF
 * fsync policy: batches of {@link BATCH}, each awaited before the next (as the kernel Journal
 * flushes), median of {@link RUNS} runs of {@link ENTRIES} entries, each run on a fresh stream.
 */
async function appendRate(appendfsync: 'always' | 'everysec'): Promise<number> {
  const server = await startRedisServer({ appendfsync });
  const entries = journal(ENTRIES);
  const rates: number[] = [];
  try {
    // Run 0 warms up the connection, the JIT and Redis's allocator; it is not counted.
    for (let run = 0; run <= RUNS; run++) {
      const store = new RedisStore({ url: server.url, instance: `bench-${appendfsync}-${run}` });
      await store.connect();
      try {
        const started = performance.now();
        for (let i = 0; i < entries.length; i += BATCH)
          await store.appendJournal(entries.slice(i, i + BATCH));
        const seconds = (performance.now() - started) / 1000;
        if ((await store.lastJournalSeq()) !== ENTRIES) throw new Error('journal incomplete after bench run');
        if (run > 0) rates.push(ENTRIES / seconds);
      } finally {
        await store.close();
      }
    }
  } finally {
    await server.dispose();
  }
  return Math.round(median(rates));
}

/**
 * Pipelined journal append throughput to a real redis-server, with `appendfsync everysec` and with
 * `always` (the setting recommended for a trading instance).
 */
export async function benchJournalRedis(): Promise<Record<string, number>> {
  return {
    journalAppendPerSecEverysec: await appendRate('everysec'),
    journalAppendPerSecAlways: await appendRate('always'),
  };
}

if (require.main === module) {
  benchJournalRedis().then(
    (figures) => console.log(JSON.stringify(figures, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
