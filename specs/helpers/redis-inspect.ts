import { execFile } from 'node:child_process';
import type { ExecutionContext } from 'ava';
import Redis from 'ioredis';
import type { JournalEntry } from '../../actors/kernel/journal-entry';
import { redisKeys } from '../../actors/kernel/store-redis';

/**
 * What an operator sees with a plain client: specs read Redis through these, never through the
 * store under test, so a bug in `RedisStore`'s reading cannot hide a bug in its writing.
 */

/** A plain ioredis client on `url`, disconnected at teardown. Not the store's client. */
export function plainClient(t: ExecutionContext, url: string): Redis {
  // Retries forever with a short backoff, so the same client works again after a Redis restart.
  const client = new Redis(url, {
    maxRetriesPerRequest: 1,
    retryStrategy: () => 50,
  });
  client.on('error', () => {});
  t.teardown(() => client.disconnect());
  return client;
}

/** A stream entry as stored: its id and its fields as Redis holds them. */
export interface StreamEntry {
  readonly id: string;
  readonly fields: Readonly<Record<string, string>>;
}

/** `XRANGE key - +`, every entry, paged. */
export async function xrangeAll(client: Redis, key: string): Promise<StreamEntry[]> {
  const out: StreamEntry[] = [];
  let start = '-';
  for (;;) {
    const page = await client.xrange(key, start, '+', 'COUNT', 1000);
    for (const [id, list] of page) {
      const fields: Record<string, string> = {};
      for (let i = 0; i + 1 < list.length; i += 2) fields[list[i] as string] = list[i + 1] as string;
      out.push({ id, fields });
    }
    if (page.length < 1000) return out;
    start = `(${(page[page.length - 1] as [string, string[]])[0]}`;
  }
}

/** The instance's journal as stored in Redis, each entry rebuilt from its stream fields. */
export async function storedJournal(client: Redis, instance: string): Promise<JournalEntry[]> {
  const entries = await xrangeAll(client, redisKeys(instance).journal);
  return entries.map(({ id, fields }) => ({
    seq: Number(id.slice(0, id.indexOf('-'))),
    t: Number(fields.t),
    actor: fields.actor ?? '',
    machine: fields.machine ?? '',
    from: fields.from ?? '',
    event: fields.event ?? '',
    to: fields.to ?? '',
  }));
}

/** Highest stream id's seq, 0 for an empty or missing stream. */
export async function storedLastSeq(client: Redis, instance: string): Promise<number> {
  const top = await client.xrevrange(redisKeys(instance).journal, '+', '-', 'COUNT', 1);
  const id = top[0]?.[0];
  return id === undefined ? 0 : Number(id.slice(0, id.indexOf('-')));
}

/** An actor hash (`HGETALL predator:{inst}:actor:{id}`) with its snapshot parsed. */
export interface StoredActor<TContext> {
  readonly state: string;
  readonly savedAt: number;
  readonly snapshot: { readonly value: unknown; readonly context: TContext };
}

/** Reads an actor's record the way an operator would; undefined when there is none. */
export async function storedActor<TContext>(
  client: Redis,
  instance: string,
  actor: string,
): Promise<StoredActor<TContext> | undefined> {
  const hash = await client.hgetall(redisKeys(instance).actor(actor));
  if (hash.snapshot === undefined) return undefined;
  return {
    state: hash.state ?? '',
    savedAt: Number(hash.savedAt),
    snapshot: JSON.parse(hash.snapshot) as StoredActor<TContext>['snapshot'],
  };
}

/**
 * Problems with a journal's numbering: it must hold exactly the seqs 1..N, in order, each once.
 * Returns an empty list when it does.
 */
export function numberingProblems(entries: readonly JournalEntry[]): string[] {
  const problems: string[] = [];
  entries.forEach((entry, i) => {
    if (entry.seq !== i + 1) problems.push(`position ${i + 1} holds seq ${entry.seq}`);
  });
  return problems.slice(0, 10);
}

/** Runs the real `redis-cli` against `port`, as an operator would, and returns its stdout. */
export function redisCli(port: number, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('redis-cli', ['-p', String(port), ...args], { timeout: 10_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`redis-cli ${args.join(' ')} failed: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}
