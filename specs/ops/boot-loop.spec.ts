import test from 'ava';
import type { ExecutionContext } from 'ava';
import { VirtualClock } from '../../actors/kernel/clock-virtual';
import { ConfigError } from '../../actors/kernel/errors';
import { silentLogger } from '../../actors/kernel/logger';
import { Runtime } from '../../actors/kernel/runtime';
import type { Store } from '../../actors/kernel/store';
import { MemoryStore } from '../../actors/kernel/store-memory';
import { BOOT_LOOP_ACTOR, guardBootLoop, judgeBootLoop, reportBootLoop } from '../../actors/ops/boot-loop';
import { parseBootLoopConfig } from '../../actors/ops/boot-loop.config';
import { UptimeWatcher } from '../../actors/ops/uptime-watcher';
import { SAMPLE_COMPONENTS, lifecycles, sampleTree } from '../helpers/sample-tree';

const MINUTE = 60_000;
const POLICY = parseBootLoopConfig({}); // 5 starts within 10 minutes

/**
 * Process starts on one store, `everyMs` apart (start to start), each run ending as listed: a
 * crash abandons the process (its clock frozen, no clean-shutdown marker), `clean` stops it
 * gracefully. Returns the watcher of one more start, the one to judge.
 */
async function startsAfter(
  store: Store,
  runs: readonly ('crash' | 'clean')[],
  everyMs: number,
): Promise<{ uptime: UptimeWatcher; clock: VirtualClock }> {
  let clock = new VirtualClock();
  for (const ending of runs) {
    const uptime = await UptimeWatcher.boot({ store, clock, logger: silentLogger() });
    await clock.advance(everyMs / 2);
    if (ending === 'clean') await uptime.stop();
    clock = new VirtualClock(clock.now() + everyMs / 2);
  }
  return { uptime: await UptimeWatcher.boot({ store, clock, logger: silentLogger() }), clock };
}

function judge(uptime: UptimeWatcher) {
  return judgeBootLoop(uptime.history().boots, POLICY);
}

test('5 starts within 10 minutes, each after a crash, are a boot loop', async (t) => {
  const { uptime } = await startsAfter(
    new MemoryStore({ instance: 'loop' }),
    Array(4).fill('crash'),
    2 * MINUTE,
  );
  const verdict = judge(uptime);
  t.true(verdict.loop);
  t.deepEqual(
    verdict.starts.map((s) => s.boot),
    ['boot-1', 'boot-2', 'boot-3', 'boot-4', 'boot-5'],
  );
  t.is((verdict.starts.at(-1)?.at ?? 0) - (verdict.starts[0]?.at ?? 0), 8 * MINUTE);
  t.regex(verdict.reason, /^boot loop: 5 start\(s\) within 600000 ms/);
});

test('4 starts within 10 minutes are not', async (t) => {
  const { uptime } = await startsAfter(
    new MemoryStore({ instance: 'four' }),
    Array(3).fill('crash'),
    2 * MINUTE,
  );
  const verdict = judge(uptime);
  t.false(verdict.loop);
  t.is(verdict.starts.length, 4);
});

test('starts spread over more than 10 minutes are not', async (t) => {
  const store = new MemoryStore({ instance: 'spread' });
  // Nine crash-restarts, three minutes apart: never more than four starts in any ten minutes.
  const { uptime } = await startsAfter(store, Array(9).fill('crash'), 3 * MINUTE);
  const verdict = judge(uptime);
  t.false(verdict.loop);
  t.deepEqual(
    verdict.starts.map((s) => s.boot),
    ['boot-7', 'boot-8', 'boot-9', 'boot-10'],
  );
});

test('clean restarts do not count: a graceful stop and start ends the chain', async (t) => {
  // Two crashes, an operator's restart, two crashes: never five in one chain.
  const mixed = await startsAfter(
    new MemoryStore({ instance: 'mixed' }),
    ['crash', 'crash', 'clean', 'crash', 'crash'],
    MINUTE,
  );
  let verdict = judge(mixed.uptime);
  t.false(verdict.loop);
  t.deepEqual(
    verdict.starts.map((s) => s.boot),
    ['boot-4', 'boot-5', 'boot-6'],
  );
  // Six quick starts, the last after a graceful stop: an operator restarting is never a loop.
  const operator = await startsAfter(
    new MemoryStore({ instance: 'operator' }),
    ['crash', 'crash', 'crash', 'crash', 'clean'],
    MINUTE,
  );
  verdict = judge(operator.uptime);
  t.false(verdict.loop);
  t.regex(verdict.reason, /previous run stopped cleanly/);
});

test('a bad policy is refused naming each field, before anything is written', async (t) => {
  const error = t.throws(() => parseBootLoopConfig({ maxStarts: 1, withinMs: -5, starts: 3 }), {
    instanceOf: ConfigError,
  });
  const issues = (error as ConfigError).issues.join('\n');
  t.regex(issues, /maxStarts: .*2/);
  t.regex(issues, /withinMs: /);
  t.regex(issues, /starts/);
  const store = new MemoryStore({ instance: 'bad' });
  const { uptime, clock } = await startsAfter(store, Array(5).fill('crash'), MINUTE);
  await t.throwsAsync(
    guardBootLoop({
      store,
      clock,
      logger: silentLogger(),
      history: uptime.history(),
      config: { maxStarts: 'five' },
    }),
    { instanceOf: ConfigError, message: /maxStarts/ },
  );
  t.is(await store.getValue('system'), undefined);
});

/** A full process: watcher, boot-loop guard, runtime, incident, attached watcher — the startup path. */
async function startProcess(t: ExecutionContext, store: Store, clock: VirtualClock) {
  const logger = silentLogger();
  const uptime = await UptimeWatcher.boot({ store, clock, logger });
  const verdict = await guardBootLoop({ store, clock, logger, history: uptime.history() });
  const runtime = await Runtime.start({
    config: sampleTree({ instance: 'looping', tickMs: 1_000 }),
    store,
    clock,
    logger,
    placement: 'memory',
  });
  t.teardown(() => runtime.stop());
  const incident = reportBootLoop(runtime, verdict);
  await uptime.attach(runtime.kernel.journal);
  return { uptime, verdict, runtime, incident };
}

test('the fifth crash-restart in 10 minutes comes up HALTED with a BOOT_LOOP incident, until an operator resumes', async (t) => {
  const store = new MemoryStore({ instance: 'looping' });
  let clock = new VirtualClock();
  // Four runs that trade for a minute and crash; pm2 restarts each a minute later.
  for (let i = 0; i < 4; i++) {
    const proc = await startProcess(t, store, clock);
    t.false(proc.verdict.loop);
    t.is(proc.runtime.state, 'running');
    await clock.advance(MINUTE);
    clock = new VirtualClock(clock.now() + MINUTE);
  }
  const fifth = await startProcess(t, store, clock);
  t.true(fifth.verdict.loop);
  t.is(fifth.runtime.state, 'halted');
  t.regex(fifth.runtime.tree().haltReason ?? '', /^boot loop: 5 start\(s\)/);
  // The tree never started: nothing traded in the loop's fifth round.
  t.deepEqual(
    lifecycles(fifth.runtime.tree()),
    Object.fromEntries(SAMPLE_COMPONENTS.map((id) => [id, 'ready'])),
  );
  t.like(fifth.incident, { actor: BOOT_LOOP_ACTOR, kind: 'BOOT_LOOP' });
  t.deepEqual(
    (fifth.incident?.data.starts as { at: number }[]).map((s) => s.at),
    fifth.uptime.history().boots.map((b) => b.at),
  );
  t.deepEqual(
    fifth.runtime.incidents('BOOT_LOOP').map((i) => i.id),
    [fifth.incident?.id],
  );
  const journal = await fifth.runtime.journal({ limit: 10_000 });
  t.true(journal.some((e) => e.machine === 'incident' && e.event === 'BOOT_LOOP'));
  t.like(await store.getValue('system'), { state: 'halted' });
  // The uptime watcher, attached after the halt was journaled, counts it as unplanned.
  t.like(fifth.uptime.snapshot(), { halted: true, unplannedHalts: 1 });
  t.regex(fifth.uptime.snapshot().lastUnplannedHalt?.reason ?? '', /boot loop/);

  // Halted, the process does not crash, so pm2 leaves it be. An operator resumes it.
  await clock.advance(5 * MINUTE);
  await fifth.runtime.resume('alice');
  t.is(fifth.runtime.state, 'running');
  await clock.advance(MINUTE);
  // One more crash soon after: the loop was dealt with, the count starts afresh.
  clock = new VirtualClock(clock.now() + MINUTE);
  const sixth = await startProcess(t, store, clock);
  t.false(sixth.verdict.loop);
  t.is(sixth.runtime.state, 'running');
  t.deepEqual(
    sixth.verdict.starts.map((s) => s.boot),
    ['boot-6'],
  );
});
