import Redis from 'ioredis';
import { RealClock } from '../actors/kernel/clock';
import { silentLogger } from '../actors/kernel/logger';
import { RedisStore } from '../actors/kernel/store-redis';
import { clientOrderId } from '../actors/trading/client-order-id';
import { runTrading } from '../actors/trading/run-trading';
import { parseTradingConfig } from '../actors/trading/trading-config';
import type { Intent } from '../actors/trading/types';
import { SYMBOLS, strategyId, tradingBenchConfig } from './trading-market';

/** Redis traffic of one order's life, counted from the client side and from Redis's own stats. */
export interface OrderWrites {
  /** Execution-store round trips (`RedisStore.withConnection` calls; each one `EVAL`). */
  readonly execRoundTrips: number;
  /** Journal appends (round trips) that carried this order's transitions, and the entries. */
  readonly journalAppends: number;
  readonly journalEntries: number;
  /** Kernel snapshot saves in the window (throttled per component, not per order). */
  readonly snapshotSaves: number;
  /** Write commands Redis executed (inside scripts and transactions included), from `INFO commandstats`. */
  readonly redisWrites: number;
  /** Commands Redis executed in all, reads inside scripts included. */
  readonly redisCommands: number;
}

const WRITE_COMMANDS = ['set', 'zadd', 'zrem', 'sadd', 'srem', 'rpush', 'lpop', 'xadd', 'hset', 'del'];

/**
 * Counts what one order costs the store, on a quiet shadow engine over a real Redis at `url`: a
 * limit order that rests and is then cancelled, and a marketable limit order that fills at once.
 * Intents are sent to the engine directly (no strategy is live), one at a time; each window ends
 * once the order is terminal, the journal is acknowledged and no store call is in flight.
 */
export async function orderWrites(url: string): Promise<{ rest: OrderWrites; fill: OrderWrites }> {
  const config = parseTradingConfig(tradingBenchConfig('bench-writes'));
  const store = new RedisStore({ url, instance: config.instance });
  const counts = { exec: 0, journal: 0, entries: 0, snapshots: 0 };
  let inFlight = 0;
  const track = <T>(pending: Promise<T>): Promise<T> => {
    inFlight++;
    return pending.finally(() => inFlight--);
  };
  const withConnection = store.withConnection.bind(store);
  store.withConnection = <T>(call: (client: Redis) => Promise<T>): Promise<T> => {
    counts.exec++;
    return track(withConnection(call));
  };
  const appendJournal = store.appendJournal.bind(store);
  store.appendJournal = (entries) => {
    counts.journal++;
    counts.entries += entries.length;
    return track(appendJournal(entries));
  };
  const saveActor = store.saveActor.bind(store);
  store.saveActor = (actor, record) => {
    counts.snapshots++;
    return track(saveActor(actor, record));
  };

  const clock = new RealClock();
  const logger = silentLogger();
  const { runtime, stop } = await runTrading(config, { clock, store, logger, placement: 'memory' });
  const stats = new Redis(url);
  const symbol = SYMBOLS[0] as string;
  const reached = (cid: string, state: string): Promise<void> =>
    new Promise((resolve) => {
      const off = runtime.onTransition((entry) => {
        if (entry.actor === `maker/${cid}` && entry.to === state) {
          off();
          resolve();
        }
      });
    });
  const settled = async (): Promise<void> => {
    for (let quiet = 0; quiet < 5;) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      quiet = inFlight === 0 && runtime.kernel.journal.unacknowledged === 0 ? quiet + 1 : 0;
    }
  };
  const measure = async (run: () => Promise<void>): Promise<OrderWrites> => {
    await settled();
    const before = { ...counts };
    const statsBefore = await commandStats(stats);
    await run();
    await settled();
    const statsAfter = await commandStats(stats);
    const delta = (name: string): number => (statsAfter.get(name) ?? 0) - (statsBefore.get(name) ?? 0);
    let redisCommands = 0;
    for (const name of statsAfter.keys()) if (name !== 'info') redisCommands += delta(name);
    return {
      execRoundTrips: counts.exec - before.exec,
      journalAppends: counts.journal - before.journal,
      journalEntries: counts.entries - before.entries,
      snapshotSaves: counts.snapshots - before.snapshots,
      redisWrites: WRITE_COMMANDS.reduce((sum, name) => sum + delta(name), 0),
      redisCommands,
    };
  };
  const intent = (intentId: string, price: number): Intent => ({
    intentId,
    engine: 'maker',
    strategy: strategyId(symbol),
    symbol,
    side: 'buy',
    type: 'limit',
    qty: 1,
    price,
    t: clock.now(),
  });
  try {
    const t = clock.now();
    const book = {
      symbol,
      t,
      seq: 1,
      bids: [{ price: 99.99, qty: 20 }],
      asks: [{ price: 100.01, qty: 20 }],
    };
    runtime.kernel.publish(`market.${symbol}`, { type: 'book.accepted', venue: 'sim', symbol, book, t });
    const rest = await measure(async () => {
      const cid = clientOrderId(config.instance, 'writes-rest');
      const open = reached(cid, 'open');
      runtime.send('maker', { type: 'intent.proposed', intent: intent('writes-rest', 99.9) });
      await open;
      const cancelled = reached(cid, 'cancelled');
      runtime.send('maker', { type: 'intent.cancel', intentId: 'writes-rest', t: clock.now() });
      await cancelled;
    });
    const fill = await measure(async () => {
      const filled = reached(clientOrderId(config.instance, 'writes-fill'), 'filled');
      runtime.send('maker', { type: 'intent.proposed', intent: intent('writes-fill', 100.01) });
      await filled;
    });
    return { rest, fill };
  } finally {
    stats.disconnect();
    await stop();
  }
}

/** Calls per command name from `INFO commandstats`. */
async function commandStats(client: Redis): Promise<Map<string, number>> {
  const info = await client.info('commandstats');
  const out = new Map<string, number>();
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    out.set(match[1] as string, Number(match[2]));
  }
  return out;
}
