import test from 'ava';
import type { JournalEntry } from '../../actors/kernel/journal-entry';
import { silentLogger } from '../../actors/kernel/logger';
import { Runtime } from '../../actors/kernel/runtime';
import type { SystemConfigInput } from '../../actors/kernel/system-config';
import { sampleConfig } from '../../actors/sample/sample-config';
import { componentView } from '../helpers/runtime';

/** The sample tree on the real clock, the worker forked, the feed fast so the worker has state. */
function forkedTree(): SystemConfigInput {
  const config = sampleConfig({ placement: 'forked' }) as SystemConfigInput & {
    root: { children: unknown[] };
  };
  const market = config.root.children[0] as { children: { config: Record<string, unknown> }[] };
  (market.children[0] as { config: Record<string, unknown> }).config = { symbol: 'BTCUSDT', tickMs: 50 };
  return config;
}

/** Resolves with the first journal entry matching `predicate` (from now on). */
function nextEntry(runtime: Runtime, predicate: (e: JournalEntry) => boolean): Promise<JournalEntry> {
  return new Promise((resolve) => {
    const off = runtime.onTransition((entry) => {
      if (predicate(entry)) {
        off();
        resolve(entry);
      }
    });
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test.serial(
  'the watchdog kills a busy-looping forked component and its supervisor restarts it',
  async (t) => {
    const runtime = await Runtime.start({
      config: forkedTree(),
      logger: silentLogger(),
      snapshotIntervalMs: 0,
    });
    t.teardown(() => runtime.stop());
    const before = componentView(runtime, 'worker');
    t.is(before.placement, 'forked');
    t.not(before.pid, null);
    t.not(before.pid, process.pid);

    const faulted = nextEntry(
      runtime,
      (e) => e.actor === 'worker' && e.machine === 'lifecycle' && e.to === 'faulted',
    );
    const hangAt = Date.now();
    runtime.send('worker', { type: 'sys.fault.hang' });
    const fault = await faulted;
    const back = await nextEntry(
      runtime,
      (e) => e.actor === 'worker' && e.machine === 'lifecycle' && e.to === 'running',
    );
    const after = componentView(runtime, 'worker');
    t.is(after.restarts, 1);
    t.not(after.pid, before.pid);
    t.false(processAlive(before.pid as number), 'the hung process was killed');
    t.true(processAlive(after.pid as number));
    t.true(back.seq > fault.seq);
    t.log(`hang → running in ${back.t - hangAt} ms (bench/ measures this properly)`);
  },
);

test.serial(
  'a crashed forked component restarts in a new process with its state restored from the snapshot',
  async (t) => {
    const runtime = await Runtime.start({
      config: forkedTree(),
      logger: silentLogger(),
      snapshotIntervalMs: 0,
    });
    t.teardown(() => runtime.stop());
    // Enough prices for the worker to have a window worth restoring.
    await nextEntry(
      runtime,
      (e) => e.actor === 'worker' && e.machine === 'volatility' && e.from === 'collecting',
    );
    const reply = await runtime.ask('worker', {
      type: 'price.ticked',
      symbol: 'BTCUSDT',
      price: 50_000,
      t: 0,
    });
    const samples = Number(componentView(runtime, 'worker').summary.samples);
    t.true(samples >= 60);
    const pid = componentView(runtime, 'worker').pid;

    const back = nextEntry(
      runtime,
      (e) => e.actor === 'worker' && e.machine === 'lifecycle' && e.to === 'running',
    );
    runtime.send('worker', { type: 'sys.fault.crash' });
    await back;
    const after = await runtime.ask('worker', {
      type: 'price.ticked',
      symbol: 'BTCUSDT',
      price: 50_000,
      t: 0,
    });
    const view = componentView(runtime, 'worker');
    t.is(view.restarts, 1);
    t.not(view.pid, pid);
    t.false(processAlive(pid as number));
    // Restored: the window is still full and the state is not back at `collecting`.
    t.is(Number(view.summary.samples), samples);
    t.not(after.state, 'collecting');
    t.is(reply.deadLetter, false);
  },
);

test.serial('restarting a forked component leaks no process listener, timer or child process', async (t) => {
  const runtime = await Runtime.start({ config: forkedTree(), logger: silentLogger() });
  t.teardown(() => runtime.stop());
  const exitListeners = process.listenerCount('exit');
  const pids: number[] = [];
  for (let i = 0; i < 3; i++) {
    pids.push(componentView(runtime, 'worker').pid as number);
    const back = nextEntry(
      runtime,
      (e) => e.actor === 'worker' && e.machine === 'lifecycle' && e.to === 'running',
    );
    runtime.send('worker', { type: 'sys.fault.crash' });
    await back;
  }
  t.is(componentView(runtime, 'worker').restarts, 3);
  // At most the baseline: a previous test's runtime may still drop its own listener while this
  // one runs, so only growth is a leak.
  t.true(process.listenerCount('exit') <= exitListeners);
  for (const pid of pids) t.false(processAlive(pid));
});
