import { MemoryStore } from '../actors/kernel/store-memory';
import { RedisStore } from '../actors/kernel/store-redis';
import { startRedisServer } from '../specs/helpers/redis-server';
import { bookTape } from './trading-market';
import { bareRun, hostedRun, latencyFigures } from './trading-latency';
import type { OrderWrites } from './trading-store-writes';
import { orderWrites } from './trading-store-writes';

/** How long the trading benchmark feeds books. */
export interface TradingBenchOptions {
  /** Measured seconds per store, after {@link TradingBenchOptions.warmupSeconds}. */
  readonly seconds?: number;
  readonly warmupSeconds?: number;
  /** Books per second over all 20 symbols. */
  readonly rate?: number;
}

/**
 * The trading core on a real clock: tick → intent and tick → venue answer at 10 000 books/s over
 * 20 symbols (one shadow engine, 20 market makers), with the kernel's `MemoryStore` and with a real
 * `redis-server` (`appendfsync everysec`), each against the bare strategy function on the same
 * books in the same run; then Redis traffic per order for a limit order that rests and is
 * cancelled, and one that fills at once. See docs/benchmarks.md, "Trading".
 */
export async function benchTrading(options: TradingBenchOptions = {}): Promise<Record<string, number>> {
  const rate = options.rate ?? 10_000;
  const warmup = Math.round((options.warmupSeconds ?? 3) * rate);
  const measured = Math.round((options.seconds ?? 10) * rate);
  const feed = { rate, warmup, measured, flatOut: 2 * rate };
  const tape = bookTape(warmup + measured + feed.flatOut);
  const paced = tape.slice(0, warmup + measured);
  const figures: Record<string, number> = { tradingRate: rate, tradingSymbols: 20, tradingStrategies: 20 };

  gc();
  const memory = await hostedRun(new MemoryStore({ instance: 'bench-memory' }), 'bench-memory', tape, feed);
  Object.assign(figures, latencyFigures('tradingMemory', memory, bareRun(paced, warmup)));

  const server = await startRedisServer({ appendfsync: 'everysec' });
  try {
    gc();
    const store = new RedisStore({ url: server.url, instance: 'bench-redis' });
    const redis = await hostedRun(store, 'bench-redis', tape, feed);
    Object.assign(figures, latencyFigures('tradingRedis', redis, bareRun(paced, warmup)));
    const writes = await orderWrites(server.url);
    Object.assign(figures, writeFigures('tradingWritesRestCancel', writes.rest));
    Object.assign(figures, writeFigures('tradingWritesFill', writes.fill));
  } finally {
    await server.dispose();
  }
  return figures;
}

function writeFigures(prefix: string, writes: OrderWrites): Record<string, number> {
  return {
    [`${prefix}ExecRoundTrips`]: writes.execRoundTrips,
    [`${prefix}JournalAppends`]: writes.journalAppends,
    [`${prefix}JournalEntries`]: writes.journalEntries,
    [`${prefix}SnapshotSaves`]: writes.snapshotSaves,
    [`${prefix}RedisWriteCommands`]: writes.redisWrites,
    [`${prefix}RedisCommands`]: writes.redisCommands,
  };
}

/** A full collection between runs when node runs with `--expose-gc` (as `npm run bench` does). */
function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

if (require.main === module) {
  // `npx tsx bench/trading.ts [seconds] [books/s]`
  const [seconds, rate] = process.argv.slice(2).map(Number);
  benchTrading({
    ...(seconds === undefined ? {} : { seconds }),
    ...(rate === undefined ? {} : { rate }),
  }).then(
    (figures) => {
      console.log(JSON.stringify(figures, null, 2));
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
