import Redis, { ReplyError } from 'ioredis';
import { RealClock } from './clock';
import type { Clock } from './clock';
import { StoreUnavailableError } from './errors';
import type { JournalEntry, JournalQuery } from './journal-entry';
import type { ActorRecord, Store, StoreStatus } from './store';

/** Options of {@link RedisStore}. */
export interface RedisStoreOptions {
  /** `redis://[user:password@]host:port[/db]`; the password is never echoed in errors. */
  readonly url: string;
  /** Instance name, the `{inst}` in every key. */
  readonly instance: string;
  /**
   * Approximate number of journal entries kept (`XADD … MAXLEN ~ N`); 1 000 000 by default.
   * Why a bound: a months-long run must not grow Redis's memory without limit.
   */
  readonly journalMaxLen?: number;
  /** Deadline for the first `connect()`, handshake included; 2 000 ms by default. */
  readonly connectTimeoutMs?: number;
  /**
   * Deadline for any one command; 5 000 ms by default. Why: a Redis that is frozen (SIGSTOP, a
   * partitioned network) keeps the socket open, and a write must still fail promptly so the caller
   * keeps its data and retries.
   */
  readonly commandTimeoutMs?: number;
  /** Clock for the connect deadline; the real clock by default. */
  readonly clock?: Clock;
}

/**
 * Redis key layout of one instance (documented for operators in `docs/redis-keys.md`):
 *
 * - `predator:{inst}:journal`: STREAM, entry id `<seq>-0`, fields `seq t actor machine from event to`;
 * - `predator:{inst}:actor:{id}`: HASH, fields `snapshot` (JSON), `state`, `savedAt`;
 * - `predator:{inst}:actors`: SET of the actor ids that have a record;
 * - `predator:{inst}:kv:{key}`: STRING, a JSON value.
 */
export function redisKeys(instance: string) {
  const prefix = `predator:${instance}`;
  return {
    journal: `${prefix}:journal`,
    actors: `${prefix}:actors`,
    actor: (id: string) => `${prefix}:actor:${id}`,
    kv: (key: string) => `${prefix}:kv:${key}`,
  };
}

/** Journal entries per append script; bounds how long one script holds Redis's single thread. */
const SCRIPT_CHUNK = 1000;
/**
 * `XADD key MAXLEN ~ N <seq>-0 seq t actor machine from event to` for each entry in ARGV (after the
 * max length, 7 values per entry). An id at or below the stream's top ("equal or smaller than the
 * target stream top item") is already stored: skipped, which makes a retried batch harmless. Redis
 * keeps the top id after trimming, so this holds for entries trimmed away too.
 */
const APPEND_SCRIPT = `
local key, maxlen = KEYS[1], ARGV[1]
for i = 2, #ARGV, 7 do
  local seq = ARGV[i]
  local r = redis.pcall('XADD', key, 'MAXLEN', '~', maxlen, seq .. '-0', 'seq', seq, 't', ARGV[i + 1],
    'actor', ARGV[i + 2], 'machine', ARGV[i + 3], 'from', ARGV[i + 4], 'event', ARGV[i + 5], 'to', ARGV[i + 6])
  if type(r) == 'table' and r.err and not string.find(r.err, 'equal or smaller', 1, true) then
    return redis.error_reply(r.err)
  end
end
return 0
`;
/** XRANGE page size when filtering by actor; large enough to amortise round trips. */
const PAGE = 1000;
/** Reconnection backoff after the first successful connect: 50 ms doubling, capped. */
const BACKOFF_MIN_MS = 50;
const BACKOFF_MAX_MS = 2000;

/**
 * The durable store: the journal as a Redis stream, actor records as hashes, small values as JSON
 * strings, over one ioredis connection.
 *
 * Failure model: `connect()` fails fast with {@link StoreUnavailableError} when Redis cannot be
 * reached (no silent fallback, no endless first connect). Once connected, losing Redis crashes
 * nothing: the client reconnects forever with bounded backoff, `status()` turns `down` and back
 * `up`, and every call made meanwhile rejects promptly with `StoreUnavailableError` instead of
 * queueing, so the caller (the kernel `Journal`) keeps its entries and retries them.
 *
 * @example
 * ```ts
 * const store = new RedisStore({ url: process.env.REDIS_URL!, instance: 'main' });
 * await store.connect(); // throws StoreUnavailableError naming the URL if Redis is not there
 * store.onStatus((s) => log.warn({ store: s }, 'store connection changed'));
 * ```
 */
export class RedisStore implements Store {
  readonly kind = 'redis' as const;
  readonly durable = true;
  readonly instance: string;
  /** The URL with any password masked, safe for messages and logs. */
  readonly url: string;
  private readonly keys: ReturnType<typeof redisKeys>;
  private readonly journalMaxLen: string;
  private readonly connectTimeoutMs: number;
  private readonly commandTimeoutMs: number;
  private readonly rawUrl: string;
  private readonly clock: Clock;
  private readonly listeners = new Set<(status: StoreStatus) => void>();
  /** One ioredis client per successful `connect()`; a failed or closed one is never reused. */
  private client: Redis | undefined;
  private current: StoreStatus = 'down';
  /** Until the first `ready`, a lost connection is a failed connect, not something to retry. */
  private everConnected = false;
  private lastError: Error | undefined;
  /** The first connect in progress, shared by concurrent `connect()` calls. */
  private connecting: Promise<void> | undefined;

  constructor(options: RedisStoreOptions) {
    this.instance = options.instance;
    this.rawUrl = options.url;
    this.url = maskPassword(options.url);
    this.keys = redisKeys(options.instance);
    this.journalMaxLen = String(options.journalMaxLen ?? 1_000_000);
    this.connectTimeoutMs = options.connectTimeoutMs ?? 2000;
    this.commandTimeoutMs = options.commandTimeoutMs ?? 5000;
    this.clock = options.clock ?? new RealClock();
  }

  /**
   * Connects and waits until Redis answers. Rejects with {@link StoreUnavailableError} naming the
   * URL if it cannot within `connectTimeoutMs`; the store can be connected again later. Once
   * connected, reconnection is automatic: calling `connect()` again while down rejects at once.
   */
  connect(): Promise<void> {
    if (this.connecting !== undefined) return this.connecting;
    if (this.client !== undefined) {
      return this.client.status === 'ready' ? Promise.resolve() : Promise.reject(this.unavailable());
    }
    this.connecting = this.firstConnect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async firstConnect(): Promise<void> {
    this.everConnected = false;
    this.lastError = undefined;
    const client = this.createClient();
    this.client = client;
    let timer: ReturnType<Clock['setTimeout']> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = this.clock.setTimeout(
        () => reject(new Error(`no answer within ${this.connectTimeoutMs} ms`)),
        this.connectTimeoutMs,
      );
    });
    try {
      await Promise.race([client.connect(), deadline]);
      if (this.client !== client) throw new Error('closed while connecting');
    } catch (error) {
      if (this.client === client) this.client = undefined;
      // A half-open connect (TCP up, handshake unanswered) must not linger. Only while a socket
      // exists: ioredis's disconnect() on an ended client leaves a "manually closing" flag behind.
      if (client.status !== 'end') client.disconnect();
      const cause = this.lastError ?? error;
      throw new StoreUnavailableError(`Redis at ${this.url} is unreachable: ${describe(cause)}`, this.url, {
        cause,
      });
    } finally {
      this.clock.clearTimeout(timer);
    }
  }

  /** Sends QUIT (so pending replies arrive first) and waits for the socket to close. */
  async close(): Promise<void> {
    const client = this.client;
    if (client === undefined) return;
    this.client = undefined;
    this.current = 'down';
    if (client.status === 'ready') {
      const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
      await client.quit().catch(() => client.disconnect());
      await ended;
    } else if (client.status !== 'end') {
      // While reconnecting there is no socket, so no 'end' will come: cancelling the timer is all.
      client.disconnect();
    }
  }

  status(): StoreStatus {
    return this.current;
  }

  /**
   * Listeners hear every change between `up` and `down`, not the deliberate `close()`. A listener
   * that throws does not disturb the connection; its error is rethrown on a later tick.
   */
  onStatus(listener: (status: StoreStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Appends with one Lua script per {@link SCRIPT_CHUNK} entries, all chunks in one pipeline.
   * Why a script rather than a pipeline of XADDs: Redis executes a command only once it has read
   * all of it, so a batch costs one `appendfsync always` fsync instead of one per socket read, and
   * the client builds one command instead of a thousand; measured in `bench/journal-redis.ts`.
   */
  async appendJournal(entries: readonly JournalEntry[]): Promise<void> {
    // Redis refuses id 0-0; the memory store skips seq <= 0 as already stored, and so do we.
    const batch = entries.filter((e) => e.seq > 0);
    if (batch.length === 0) return;
    const results = await this.run((client) => {
      const pipeline = client.pipeline();
      for (let i = 0; i < batch.length; i += SCRIPT_CHUNK) {
        const args: string[] = [this.journalMaxLen];
        for (const e of batch.slice(i, i + SCRIPT_CHUNK)) {
          args.push(String(e.seq), String(e.t), e.actor, e.machine, e.from, e.event, e.to);
        }
        // EVAL, not EVALSHA: the body is small next to the arguments, and it needs no NOSCRIPT
        // fallback after Redis restarts with an empty script cache.
        pipeline.eval(APPEND_SCRIPT, 1, this.keys.journal, ...args);
      }
      return pipeline.exec();
    });
    for (const [error] of results ?? []) if (error !== null) throw this.wrap(error);
  }

  async readJournal(query: JournalQuery): Promise<JournalEntry[]> {
    const out: JournalEntry[] = [];
    if (query.limit <= 0) return out;
    let next = Math.max(0, Math.floor(query.since ?? 0)) + 1;
    for (;;) {
      const want = query.actor === undefined ? Math.min(query.limit - out.length, 10 * PAGE) : PAGE;
      const page = await this.run((client) =>
        client.xrange(this.keys.journal, `${next}-0`, '+', 'COUNT', want),
      );
      for (const [id, fields] of page) {
        const entry = toEntry(id, fields);
        next = entry.seq + 1;
        if (query.actor !== undefined && entry.actor !== query.actor) continue;
        out.push(entry);
        if (out.length >= query.limit) return out;
      }
      if (page.length < want) return out;
    }
  }

  /**
   * The stream's last generated id, not its last present entry: after an operator trims or empties
   * the stream, numbering must still continue above every id ever written, or new entries would be
   * skipped as "already stored".
   */
  async lastJournalSeq(): Promise<number> {
    const info = await this.run((client) =>
      client.xinfo('STREAM', this.keys.journal).catch((error: unknown) => {
        if (error instanceof Error && /no such key/i.test(error.message)) return null;
        throw error;
      }),
    );
    if (!Array.isArray(info)) return 0;
    const at = info.indexOf('last-generated-id');
    const id = at >= 0 ? info[at + 1] : undefined;
    return typeof id === 'string' ? seqOf(id) : 0;
  }

  async saveActor(actor: string, record: ActorRecord): Promise<void> {
    const snapshot = JSON.stringify(record.snapshot);
    if (snapshot === undefined) throw new TypeError(`snapshot of ${actor} is not JSON-serialisable`);
    await this.transaction((multi) =>
      multi
        .hset(this.keys.actor(actor), {
          snapshot,
          state: record.state,
          savedAt: String(record.savedAt),
        })
        .sadd(this.keys.actors, actor),
    );
  }

  async loadActor(actor: string): Promise<ActorRecord | undefined> {
    const hash = await this.run((client) => client.hgetall(this.keys.actor(actor)));
    if (hash.snapshot === undefined) return undefined;
    return {
      snapshot: JSON.parse(hash.snapshot) as unknown,
      state: hash.state ?? '',
      savedAt: Number(hash.savedAt ?? 0),
    };
  }

  async deleteActor(actor: string): Promise<void> {
    await this.transaction((multi) => multi.del(this.keys.actor(actor)).srem(this.keys.actors, actor));
  }

  async getValue<T>(key: string): Promise<T | undefined> {
    const raw = await this.run((client) => client.get(this.keys.kv(key)));
    return raw === null ? undefined : (JSON.parse(raw) as T);
  }

  async setValue(key: string, value: unknown): Promise<void> {
    const raw = JSON.stringify(value);
    if (raw === undefined) throw new TypeError(`value of ${key} is not JSON-serialisable`);
    await this.run((client) => client.set(this.keys.kv(key), raw));
  }

  /**
   * Runs `call` on this store's connection, for stores layered over it (the trading
   * `RedisExecutionStore`), with the same failure model as every method here: rejects at once with
   * {@link StoreUnavailableError} while Redis is down or not connected (nothing is queued), and a
   * lost connection or the command deadline during `call` rejects with it too; Redis's own error
   * replies pass through. Why a callback rather than the client: `connect()` makes a new client
   * each time, and a caller holding an old one would write to a closed connection.
   *
   * @example
   * ```ts
   * const raw = await store.withConnection((redis) => redis.get('predator:main:exec:order:pd-x'));
   * ```
   */
  withConnection<T>(call: (client: Redis) => Promise<T>): Promise<T> {
    return this.run(call);
  }

  private createClient(): Redis {
    const client: Redis = new Redis(this.rawUrl, {
      lazyConnect: true,
      connectTimeout: this.connectTimeoutMs,
      commandTimeout: this.commandTimeoutMs,
      // A frozen Redis keeps the socket open; dropping the socket after this long without a reply
      // turns it into an ordinary outage: status `down`, background reconnects.
      socketTimeout: this.commandTimeoutMs,
      // Calls made while disconnected must fail now, not wait in ioredis's offline queue: the
      // caller holds the data and decides when to retry.
      enableOfflineQueue: false,
      // In-flight commands are rejected on the first disconnect instead of being resent by
      // ioredis after reconnecting, for the same reason: the caller retries, exactly once.
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      retryStrategy: (attempt: number): number | null =>
        client === this.client && this.everConnected
          ? Math.min(BACKOFF_MIN_MS * 2 ** Math.min(attempt, 16), BACKOFF_MAX_MS)
          : null,
    });
    // Without an `error` listener ioredis prints every failed reconnect attempt to the console.
    client.on('error', (error: Error) => {
      if (client === this.client) this.lastError = error;
    });
    client.on('ready', () => {
      if (client !== this.client) return;
      this.everConnected = true;
      this.setStatus('up');
    });
    client.on('close', () => {
      if (client === this.client) this.setStatus('down');
    });
    return client;
  }

  private setStatus(next: StoreStatus): void {
    if (next === this.current) return;
    this.current = next;
    if (!this.everConnected) return;
    for (const listener of [...this.listeners]) {
      try {
        listener(next);
      } catch (error) {
        // Thrown inside ioredis's event dispatch it would corrupt the client's state machine.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  private unavailable(): StoreUnavailableError {
    const state = this.client === undefined ? 'not connected' : 'down';
    return new StoreUnavailableError(
      `Redis at ${this.url} is ${state}`,
      this.url,
      this.lastError === undefined ? undefined : { cause: this.lastError },
    );
  }

  /** Runs a MULTI/EXEC; any failed command fails the call. */
  private async transaction(
    build: (multi: ReturnType<Redis['multi']>) => ReturnType<Redis['multi']>,
  ): Promise<void> {
    const results = await this.run((client) => build(client.multi()).exec());
    if (results === null)
      throw new StoreUnavailableError(`Redis at ${this.url} aborted a transaction`, this.url);
    for (const [error] of results) if (error !== null) throw this.wrap(error);
  }

  /** Runs one call, turning connection failures into {@link StoreUnavailableError}. */
  private async run<T>(call: (client: Redis) => Promise<T>): Promise<T> {
    const client = this.client;
    if (client === undefined || client.status !== 'ready') throw this.unavailable();
    try {
      return await call(client);
    } catch (error) {
      throw this.wrap(error);
    }
  }

  /** Redis's own replies (wrong type, bad argument) are bugs and pass through; the rest is outage. */
  private wrap(error: unknown): Error {
    if (error instanceof ReplyError || error instanceof StoreUnavailableError) return error as Error;
    return new StoreUnavailableError(`Redis at ${this.url} failed: ${describe(error)}`, this.url, {
      cause: error,
    });
  }
}

function toEntry(id: string, fields: string[]): JournalEntry {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i] as string] = fields[i + 1] as string;
  return {
    seq: seqOf(id),
    t: Number(f.t),
    actor: f.actor ?? '',
    machine: f.machine ?? '',
    from: f.from ?? '',
    event: f.event ?? '',
    to: f.to ?? '',
  };
}

/** Stream ids are `<seq>-0`; the id is the authority, the `seq` field is for human readers. */
function seqOf(id: string): number {
  return Number(id.slice(0, id.indexOf('-')));
}

function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map(describe).join('; ');
  }
  return error instanceof Error ? error.message : String(error);
}

function maskPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === '') return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}
