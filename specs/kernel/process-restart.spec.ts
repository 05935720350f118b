import test from 'ava';
import type { ExecutionContext } from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { HealthView, SystemTreeView } from '../../actors/kernel/system-view';
import { nextTick } from '../../machines/sample/market-feed.machine';
import type { MarketFeedContext } from '../../machines/sample/market-feed.machine';
import type { MovingAverageContext } from '../../machines/sample/moving-average.machine';
import { spawnPredator, waitForRunning } from '../helpers/predator-process';
import type { PredatorProcess } from '../helpers/predator-process';
import {
  numberingProblems,
  plainClient,
  storedActor,
  storedJournal,
  storedLastSeq,
} from '../helpers/redis-inspect';
import { pollUntil, startRedisServer } from '../helpers/redis-server';
import type { RedisServer } from '../helpers/redis-server';
import { SAMPLE_COMPONENTS, componentsOf, lifecycles, sampleTree } from '../helpers/sample-tree';

/**
 * Integration: the whole `predator start` process is killed (SIGKILL) and started again on the same
 * Redis. The runtime must pick up where its store says it was: snapshots restored, journal numbering
 * continued. Every test has its own redis-server and its own child processes, killed at teardown.
 */

const TICK_MS = 200;
/**
 * A window longer than the whole test runs (50 ticks of 200 ms), so the moving average's window
 * before the kill is still entirely there after the restart and can be compared price by price.
 */
const WINDOW = 50;
/** Real-time waits: every 25 ms, at most 20 s (the CLI saves tick-only snapshots every 5 s). */
const WAIT = { attempts: 800, intervalMs: 25 } as const;

interface Setup {
  readonly redis: RedisServer;
  readonly instance: string;
  readonly args: readonly string[];
}

/** A redis-server and a config file of this test's own; both removed at teardown. */
async function setup(t: ExecutionContext, instance: string): Promise<Setup> {
  const redis = await startRedisServer();
  t.teardown(() => redis.dispose());
  const dir = mkdtempSync(path.join(tmpdir(), 'predator-spec-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'system.json');
  writeFileSync(file, JSON.stringify(sampleTree({ instance, tickMs: TICK_MS, window: WINDOW }), null, 2));
  return { redis, instance, args: ['start', '--redis', redis.url, '--port', '0', '--config', file] };
}

/** Starts `predator start` and waits for its `Predator running:` line; killed at teardown. */
async function launch(
  t: ExecutionContext,
  args: readonly string[],
): Promise<{ proc: PredatorProcess; url: string }> {
  const proc = spawnPredator(args, { t, env: { LOG_LEVEL: 'warn' } });
  const url = await waitForRunning(proc);
  return { proc, url };
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** The feed's (ticks, price, regime, rngState) after `n` more ticks from `from`, as the machine computes them. */
function ticksAfter(from: MarketFeedContext, n: number): MarketFeedContext[] {
  const out: MarketFeedContext[] = [];
  let context = from;
  for (let i = 0; i < n; i++) {
    const next = nextTick(context);
    context = { ...context, ...next, ticks: context.ticks + 1 };
    out.push(context);
  }
  return out;
}

test('a SIGKILLed predator started again on the same Redis resumes from its snapshots and continues the journal', async (t) => {
  const { redis, instance, args } = await setup(t, 'proc-restart');
  const client = plainClient(t, redis.url);

  // --- first life: run until both snapshots have been saved more than once, then SIGKILL.
  const first = await launch(t, args);
  const health = await getJson<HealthView>(`${first.url}/api/health`);
  t.like(health, { instance, system: 'running', store: { kind: 'redis', durable: true, up: true } });
  await pollUntil(
    'feed and moving-average snapshots past their first save',
    async () => {
      const feed = await storedActor<MarketFeedContext>(client, instance, 'feed');
      const ma = await storedActor<MovingAverageContext>(client, instance, 'ma');
      return (feed?.snapshot.context.ticks ?? 0) >= 2 && (ma?.snapshot.context.prices.length ?? 0) >= 2;
    },
    WAIT,
  );
  const killed = await first.proc.kill();
  t.is(killed.signal, 'SIGKILL');

  // What the store holds now is what the next process must start from.
  const feed1 = (await storedActor<MarketFeedContext>(client, instance, 'feed'))?.snapshot.context;
  const ma1 = (await storedActor<MovingAverageContext>(client, instance, 'ma'))?.snapshot.context;
  const lastSeq1 = await storedLastSeq(client, instance);
  if (feed1 === undefined || ma1 === undefined) return t.fail('no snapshots in Redis after the first run');
  t.true(lastSeq1 > 0);
  t.true(ma1.prices.length < WINDOW, 'the window is still filling, so none of it can slide out');

  // --- second life: same arguments, same Redis.
  const second = await launch(t, args);
  await pollUntil(
    'the restarted feed to tick past its snapshot',
    async () => {
      const tree = await getJson<SystemTreeView>(`${second.url}/api/system`);
      const feed = componentsOf(tree).find((c) => c.id === 'feed');
      return Number(feed?.summary.ticks) >= feed1.ticks + 2;
    },
    WAIT,
  );
  const tree = await getJson<SystemTreeView>(`${second.url}/api/system`);
  t.is(tree.state, 'running');
  t.deepEqual(tree.store, { kind: 'redis', durable: true, up: true });
  t.deepEqual(lifecycles(tree), Object.fromEntries(SAMPLE_COMPONENTS.map((id) => [id, 'running'])));
  const feedView = componentsOf(tree).find((c) => c.id === 'feed');
  const ticks = Number(feedView?.summary.ticks);
  const expected = ticksAfter(feed1, ticks - feed1.ticks).at(-1);
  t.is(feedView?.summary.price, expected?.price, `tick ${ticks} continues the random walk of the snapshot`);
  t.is(feedView?.restarts, 0);
  const health2 = await getJson<HealthView>(`${second.url}/api/health`);
  t.true(health2.journalSeq > lastSeq1, `journal seq ${health2.journalSeq} continues after ${lastSeq1}`);

  // --- a clean stop (SIGTERM) writes the final snapshots and drains the journal; exit code 0.
  second.proc.signal('SIGTERM');
  const stopped = await second.proc.exited;
  t.is(stopped.code, 0, `exit code 0 after SIGTERM; stderr:\n${stopped.stderr}`);

  const feed2 = (await storedActor<MarketFeedContext>(client, instance, 'feed'))?.snapshot.context;
  const ma2 = (await storedActor<MovingAverageContext>(client, instance, 'ma'))?.snapshot.context;
  if (feed2 === undefined || ma2 === undefined) return t.fail('no snapshots in Redis after the second run');
  const walk = ticksAfter(feed1, feed2.ticks - feed1.ticks);
  t.true(walk.length >= 2);
  t.like(
    feed2,
    { ...walk.at(-1), deadlines: feed2.deadlines },
    'the feed went on from its snapshot, tick by tick',
  );
  const journal = await storedJournal(client, instance);
  // The moving average kept its pre-kill window and appended the prices the restored feed produced.
  t.deepEqual(ma2.prices.slice(0, ma1.prices.length), ma1.prices, 'the window before the kill is all there');
  const appended = ma2.prices.slice(ma1.prices.length);
  // A price published while the consumer was not running (not yet started: the restored feed's
  // overdue tick fires at once; or already stopped: stop order is reverse) is a journaled dead letter.
  const missed = journal.filter(
    (e) => e.seq > lastSeq1 && e.machine === 'dead-letter' && e.actor === 'ma' && e.event === 'price.ticked',
  ).length;
  t.is(
    appended.length + missed,
    walk.length,
    'each price reached the moving average or is a journaled dead letter',
  );
  const skipped = [...Array(missed + 1).keys()].find((skip) =>
    walk.slice(skip, skip + appended.length).every((c, i) => c.price === appended[i]),
  );
  t.not(
    skipped,
    undefined,
    `the appended prices ${appended.join(', ')} are the feed's walk from its snapshot`,
  );
  if (skipped !== 0)
    t.log(`the first ${skipped} price(s) of the restored feed reached ma before it had started`);

  t.deepEqual(numberingProblems(journal), [], 'one numbering across both lives: 1..N, no gap, no reuse');
  const starts = journal.filter((e) => e.machine === 'lifecycle' && e.event === 'sys.start');
  for (const id of SAMPLE_COMPONENTS) {
    const seqs = starts.filter((e) => e.actor === id).map((e) => e.seq);
    t.is(seqs.length, 2, `${id} journaled a start in each life`);
    t.true(
      (seqs[0] ?? 0) <= lastSeq1 && (seqs[1] ?? 0) > lastSeq1,
      `${id}: second start numbered after ${lastSeq1}`,
    );
  }
  const system = journal.filter((e) => e.actor === 'system');
  t.like(system.at(-1), { from: 'stopping', to: 'stopped' });
});

test('predator start stops cleanly on SIGINT: exit code 0, every component stopped and journaled', async (t) => {
  const { redis, instance, args } = await setup(t, 'proc-sigint');
  const client = plainClient(t, redis.url);
  const { proc, url } = await launch(t, args);
  await pollUntil(
    'some transitions in the Redis journal',
    async () => (await storedLastSeq(client, instance)) >= 10,
    WAIT,
  );
  proc.signal('SIGINT');
  const exit = await proc.exited;
  t.is(exit.code, 0, `exit code 0 after SIGINT; stderr:\n${exit.stderr}`);
  t.is(exit.signal, null);
  await t.throwsAsync(fetch(`${url}/api/health`), undefined, 'the gateway port is closed');

  const journal = await storedJournal(client, instance);
  t.deepEqual(numberingProblems(journal), []);
  for (const id of SAMPLE_COMPONENTS) {
    const lifecycle = journal.filter((e) => e.actor === id && e.machine === 'lifecycle');
    t.is(lifecycle.at(-1)?.to, 'stopped', `${id} ends stopped`);
  }
  t.like(journal.filter((e) => e.actor === 'system').at(-1), {
    from: 'stopping',
    event: 'sys.shutdown.done',
    to: 'stopped',
  });
  t.is(await client.xlen(`predator:${instance}:journal`), journal.length);
});
