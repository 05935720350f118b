import type Redis from 'ioredis';
import type { RedisStore } from '../kernel/store-redis';
import {
  DEFAULT_FILLS_CAP,
  DEFAULT_QUERY_LIMIT,
  DEFAULT_TERMINAL_ORDERS_CAP,
  fillMatches,
  newestOrderFirst,
} from './execution-store';
import type {
  ExecutionStore,
  ExecutionStoreOptions,
  FillQuery,
  FillRecord,
  IntentRecord,
  OrderQuery,
  OrderRecord,
} from './execution-store';

/**
 * Redis keys of the execution store of one instance (for operators: `docs/redis-keys.md`). Records
 * are JSON strings; indexes are sorted sets, so `redis-cli` shows them in query order.
 */
export function executionKeys(instance: string) {
  const prefix = `predator:${instance}:exec`;
  return {
    /** Prefix of every key below. */
    prefix,
    /** STRING: an {@link IntentRecord}. */
    intent: (intentId: string) => `${prefix}:intent:${intentId}`,
    /** STRING: the latest {@link OrderRecord}. */
    order: (clientOrderId: string) => `${prefix}:order:${clientOrderId}`,
    /** ZSET: intent ids never sent, scored by the intent record's `t`. */
    outbox: `${prefix}:outbox`,
    /** ZSET: client order ids without an outcome, scored by the latest save's `t`. */
    live: `${prefix}:live`,
    /** ZSET: as `live`, for one engine. */
    engineLive: (engine: string) => `${prefix}:live:${engine}`,
    /** ZSET: client order ids with an outcome, scored by the latest save's `t`. */
    done: `${prefix}:done`,
    /** ZSET: as `done`, for one engine. */
    engineDone: (engine: string) => `${prefix}:done:${engine}`,
    /** LIST: {@link FillRecord}s, oldest at the head, at most the fills cap. */
    fills: `${prefix}:fills`,
    /** SET: the `fillId` of every fill in `fills`. */
    fillIds: `${prefix}:fill-ids`,
    /** STRING: the latest `t` of an order or fill dropped for the caps (`forgottenBefore`). */
    forgotten: `${prefix}:forgotten`,
  };
}

// Why the TYPE checks come first: a Lua script that fails halfway keeps the writes it already made,
// so every command that could fail on a key of the wrong type is ruled out before the first write.
const REQUIRE = `
local function forget(key, t)
  local known = tonumber(redis.call('GET', key) or '')
  if type(t) == 'number' and (known == nil or t > known) then redis.call('SET', key, tostring(t)) end
end
local function require_type(key, kind)
  local actual = redis.call('TYPE', key).ok
  if actual ~= 'none' and actual ~= kind then
    error({err = 'WRONGTYPE ' .. key .. ' is a ' .. actual .. ', expected a ' .. kind})
  end
end
`;

/**
 * KEYS: intent, order, outbox, live, engineLive. ARGV: intent JSON, order JSON, intentId, intent t,
 * clientOrderId, order t. 0 when the intent exists (nothing written), 1 when written.
 */
const RECORD_INTENT = `${REQUIRE}
for i = 3, 5 do require_type(KEYS[i], 'zset') end
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[3])
redis.call('ZADD', KEYS[4], ARGV[6], ARGV[5])
redis.call('ZADD', KEYS[5], ARGV[6], ARGV[5])
return 1
`;

/**
 * KEYS: order, live, engineLive, done, engineDone, outbox. ARGV: order JSON, clientOrderId, t,
 * terminal (1/0), clear the outbox (1/0), intentId, terminal orders cap, key prefix.
 *
 * A terminal save past the cap drops the oldest terminal orders with their intents. Their keys are
 * built here from the prefix, not declared: a single Redis, not a cluster, is what this store
 * supports. `redis.pcall` there: a wrong-typed per-engine index must not stop a save halfway.
 */
const SAVE_ORDER = `${REQUIRE}
for i = 2, 6 do require_type(KEYS[i], 'zset') end
redis.call('SET', KEYS[1], ARGV[1])
local into, from = 2, 4
if ARGV[4] == '1' then into, from = 4, 2 end
redis.call('ZADD', KEYS[into], ARGV[3], ARGV[2])
redis.call('ZADD', KEYS[into + 1], ARGV[3], ARGV[2])
redis.call('ZREM', KEYS[from], ARGV[2])
redis.call('ZREM', KEYS[from + 1], ARGV[2])
if ARGV[4] == '1' or ARGV[5] == '1' then redis.call('ZREM', KEYS[6], ARGV[6]) end
if ARGV[4] == '1' then
  local excess = redis.call('ZCARD', KEYS[4]) - tonumber(ARGV[7])
  if excess > 0 then
    local dropped = redis.call('ZRANGE', KEYS[4], 0, excess - 1, 'WITHSCORES')
    forget(ARGV[8] .. ':forgotten', tonumber(dropped[#dropped]))
    for i = 1, #dropped, 2 do
      local cid = dropped[i]
      local key = ARGV[8] .. ':order:' .. cid
      local ok, old = pcall(cjson.decode, redis.call('GET', key) or 'null')
      if ok and type(old) == 'table' then
        if type(old.intentId) == 'string' then redis.pcall('DEL', ARGV[8] .. ':intent:' .. old.intentId) end
        if type(old.engine) == 'string' then redis.pcall('ZREM', ARGV[8] .. ':done:' .. old.engine, cid) end
      end
      redis.call('DEL', key)
      redis.call('ZREM', KEYS[4], cid)
    end
  end
end
return 1
`;

/**
 * KEYS: fills, fillIds, forgotten. ARGV: fillId, fill JSON, cap. 0 for a known fillId (nothing written), 1
 * when appended; the oldest fills beyond the cap leave the list and the id set together.
 */
const APPEND_FILL = `${REQUIRE}
require_type(KEYS[1], 'list')
require_type(KEYS[2], 'set')
if redis.call('SADD', KEYS[2], ARGV[1]) == 0 then return 0 end
local n = redis.call('RPUSH', KEYS[1], ARGV[2])
local cap = tonumber(ARGV[3])
while n > cap do
  local ok, old = pcall(cjson.decode, redis.call('LPOP', KEYS[1]))
  if ok and type(old) == 'table' and type(old.fillId) == 'string' then
    redis.call('SREM', KEYS[2], old.fillId)
    forget(KEYS[3], old.t)
  end
  n = n - 1
end
return 1
`;

/** Records per MGET and fills per LRANGE: bounds one command's size on large queries. */
const PAGE = 1000;

/**
 * The execution store in Redis, over the kernel `RedisStore`'s connection (so it shares its
 * command deadline, reconnects and `status()`). Keys: {@link executionKeys}.
 *
 * **Store writes per order**: one round trip and one atomic Lua script (`EVAL`, one AOF fsync
 * under `appendfsync always`) per call, and nothing else:
 * - `recordIntent`: 1 script, 5 writes (SET intent, SET order, ZADD outbox, ZADD live, ZADD
 *   live:{engine}) after 1 EXISTS, or none when the intent exists;
 * - `saveOrder`: 1 script per transition, 5 writes (SET order, ZADD into and ZREM from the live or
 *   done index, global and per engine), 6 with `clearOutbox` or on the terminal save, and 4 more
 *   per order dropped past the terminal orders cap (DEL order and intent, ZREM from both indexes);
 * - `appendFill`: 1 script, 2 writes (SADD fill-ids, RPUSH fills), 4 once the list is at its cap
 *   (LPOP, SREM of the oldest); none for a duplicate.
 *
 * Each script also reads the TYPE of the keys it touches (2 to 5 reads), so that it fails before
 * its first write, never halfway. A limit order filled at once (pending → submitted → open →
 * filled, one fill) costs 5 round trips: 1 + 3 + 1.
 *
 * Failure model: every call rejects with `StoreUnavailableError` while Redis is down (nothing is
 * queued), so the caller does not send an order it could not record. A call that times out or
 * loses its connection in flight may or may not have been applied, but never partly: retrying
 * `recordIntent` answers `exists` if the first attempt landed.
 *
 * Trusts its input: build it with `createExecutionStore`, which validates every record first.
 *
 * @example
 * ```ts
 * const exec = new RedisExecutionStore(redisStore);
 * const pending = await exec.outbox('mm-1'); // intents admitted but never sent
 * ```
 */
export class RedisExecutionStore implements ExecutionStore {
  private readonly keys: ReturnType<typeof executionKeys>;
  private readonly fillsCap: string;
  private readonly terminalCap: string;

  constructor(
    private readonly store: RedisStore,
    options: ExecutionStoreOptions = {},
  ) {
    this.keys = executionKeys(store.instance);
    this.fillsCap = String(options.fillsCap ?? DEFAULT_FILLS_CAP);
    this.terminalCap = String(options.terminalOrdersCap ?? DEFAULT_TERMINAL_ORDERS_CAP);
  }

  async recordIntent(intent: IntentRecord, order: OrderRecord): Promise<'written' | 'exists'> {
    const k = this.keys;
    const id = intent.intent.intentId;
    const written = await this.script(
      RECORD_INTENT,
      [k.intent(id), k.order(order.clientOrderId), k.outbox, k.live, k.engineLive(order.engine)],
      [
        JSON.stringify(intent),
        JSON.stringify(order),
        id,
        String(intent.t),
        order.clientOrderId,
        String(order.t),
      ],
    );
    return written === 1 ? 'written' : 'exists';
  }

  async saveOrder(order: OrderRecord, options: { readonly clearOutbox?: boolean } = {}): Promise<void> {
    const k = this.keys;
    const { clientOrderId, engine } = order;
    await this.script(
      SAVE_ORDER,
      [k.order(clientOrderId), k.live, k.engineLive(engine), k.done, k.engineDone(engine), k.outbox],
      [
        JSON.stringify(order),
        clientOrderId,
        String(order.t),
        order.terminal ? '1' : '0',
        options.clearOutbox === true ? '1' : '0',
        order.intentId,
        this.terminalCap,
        k.prefix,
      ],
    );
  }

  async appendFill(fill: FillRecord): Promise<'recorded' | 'duplicate'> {
    const recorded = await this.script(
      APPEND_FILL,
      [this.keys.fills, this.keys.fillIds, this.keys.forgotten],
      [fill.fillId, JSON.stringify(fill), this.fillsCap],
    );
    return recorded === 1 ? 'recorded' : 'duplicate';
  }

  async forgottenBefore(): Promise<number> {
    const text = await this.redis((c) => c.get(this.keys.forgotten));
    const t = text === null ? Number.NaN : Number(text);
    return Number.isFinite(t) ? t : Number.NEGATIVE_INFINITY;
  }

  async intent(intentId: string): Promise<IntentRecord | undefined> {
    return parse<IntentRecord>(await this.redis((c) => c.get(this.keys.intent(intentId))));
  }

  async order(clientOrderId: string): Promise<OrderRecord | undefined> {
    return parse<OrderRecord>(await this.redis((c) => c.get(this.keys.order(clientOrderId))));
  }

  async orders(query: OrderQuery = {}): Promise<OrderRecord[]> {
    const k = this.keys;
    const { engine, live, limit } = query;
    const wanted: [key: string, terminal: boolean, count: number][] = [];
    if (live !== false)
      wanted.push([engine === undefined ? k.live : k.engineLive(engine), false, limit ?? -1]);
    if (live !== true) {
      wanted.push([engine === undefined ? k.done : k.engineDone(engine), true, limit ?? DEFAULT_QUERY_LIMIT]);
    }
    const out: OrderRecord[] = [];
    for (const [key, terminal, count] of wanted) {
      if (count === 0) continue;
      const ids = await this.redis((c) => c.zrevrange(key, 0, count < 0 ? -1 : count - 1));
      // An order saved between the two reads may have moved index: it is reported where it is now.
      for (const order of await this.load<OrderRecord>(ids.map(k.order))) {
        if (order.terminal === terminal) out.push(order);
      }
    }
    return out.sort(newestOrderFirst).slice(0, limit);
  }

  async outbox(engine?: string): Promise<IntentRecord[]> {
    const ids = await this.redis((c) => c.zrange(this.keys.outbox, '0', '-1'));
    const intents = await this.load<IntentRecord>(ids.map(this.keys.intent));
    return engine === undefined ? intents : intents.filter((i) => i.intent.engine === engine);
  }

  /**
   * Pages from the newest end of the list. Negative indexes stay valid while the head is trimmed;
   * a fill appended meanwhile shifts a page onto fills already read, which the id check skips.
   * Without `limit` matches the scan can read the whole list: the cap bounds it.
   */
  async fills(query: FillQuery = {}): Promise<FillRecord[]> {
    const limit = query.limit ?? DEFAULT_QUERY_LIMIT;
    const newestFirst: FillRecord[] = [];
    const seen = new Set<string>();
    for (let end = -1; newestFirst.length < limit; end -= PAGE) {
      const page = await this.redis((c) => c.lrange(this.keys.fills, end - PAGE + 1, end));
      for (let i = page.length - 1; i >= 0 && newestFirst.length < limit; i--) {
        const fill = JSON.parse(page[i] as string) as FillRecord;
        if (seen.has(fill.fillId)) continue;
        seen.add(fill.fillId);
        if (fillMatches(fill, query)) newestFirst.push(fill);
      }
      if (page.length < PAGE) break;
    }
    return newestFirst.reverse();
  }

  /** The records under `keys` that exist, in the same order. */
  private async load<T>(keys: readonly string[]): Promise<T[]> {
    const out: T[] = [];
    for (let i = 0; i < keys.length; i += PAGE) {
      const values = await this.redis((c) => c.mget(keys.slice(i, i + PAGE)));
      for (const value of values) {
        const record = parse<T>(value);
        if (record !== undefined) out.push(record);
      }
    }
    return out;
  }

  /**
   * One `EVAL`. EVAL rather than EVALSHA, as the kernel's journal does: the bodies are small, and
   * a Redis restarted with an empty script cache needs no NOSCRIPT retry. The arguments are built
   * by the caller, so a record JSON cannot encode fails as itself, not as an outage.
   */
  private script(body: string, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    return this.redis((c) => c.eval(body, keys.length, ...keys, ...args));
  }

  private redis<T>(call: (client: Redis) => Promise<T>): Promise<T> {
    return this.store.withConnection(call);
  }
}

function parse<T>(raw: string | null): T | undefined {
  return raw === null ? undefined : (JSON.parse(raw) as T);
}
