/**
 * Restart backoff (Akka style, our extension to OTP): the n-th restart within the window waits
 * `min(maxMs, minMs * 2^(n-1)) * (1 + jitter * u)` on the clock, `u` drawn from the supervisor's
 * seeded stream.
 */
import test from 'ava';
import type { ExecutionContext } from 'ava';
import type { SupervisorStrategy } from '../../actors/kernel/system-view';
import {
  componentView,
  journal,
  startSystem,
  supervisorNode,
  supervisorView,
  timesOf,
  whoWent,
  workerNode,
} from './supervisor-fixtures';

function withBackoff(
  backoff: { minMs: number; maxMs: number; jitter: number },
  strategy: SupervisorStrategy = 'one_for_one',
) {
  return supervisorNode(
    'root',
    { strategy, intensity: 10, periodMs: 600_000, restart: 'permanent', backoff },
    [workerNode('alpha'), workerNode('worker'), workerNode('omega')],
  );
}

/** Crashes `worker` `count` times, each after the previous restart; returns each crash-to-restart delay. */
async function restartDelays(t: ExecutionContext, seed: number, count: number): Promise<number[]> {
  const { runtime, clock } = await startSystem(t, withBackoff({ minMs: 1_000, maxMs: 8_000, jitter: 0.5 }), {
    seed,
  });
  const delays: number[] = [];
  for (let i = 0; i < count; i++) {
    const mark = runtime.kernel.journal.lastSeq;
    const crashedAt = clock.now();
    runtime.send('worker', { type: 'sys.fault.crash' });
    await clock.advance(20_000);
    const [startedAt] = timesOf(await journal(runtime), 'worker', 'ready', 'starting', mark);
    if (startedAt === undefined) throw new Error('worker was not restarted');
    delays.push(startedAt - crashedAt);
  }
  t.is(componentView(runtime, 'worker').restarts, count);
  return delays;
}

test('backoff delays the n-th restart by minMs·2^(n-1) on the clock, capped at maxMs (jitter 0)', async (t) => {
  const { runtime, clock } = await startSystem(t, withBackoff({ minMs: 1_000, maxMs: 4_000, jitter: 0 }));
  for (const delay of [1_000, 2_000, 4_000, 4_000]) {
    runtime.send('worker', { type: 'sys.fault.crash' });
    await clock.advance(delay - 1);
    t.is(componentView(runtime, 'worker').lifecycle, 'faulted', `still down ${delay - 1} ms after the crash`);
    t.is(supervisorView(runtime, 'root').state, 'restarting');
    await clock.advance(1);
    t.is(componentView(runtime, 'worker').lifecycle, 'running', `restarted ${delay} ms after the crash`);
  }
  t.is(supervisorView(runtime, 'root').restarts, 4);
});

test('backoff jitter comes from the seeded stream: the same seed gives the same delays, each within [base, base·(1+jitter)]', async (t) => {
  const first = await restartDelays(t, 7, 3);
  const again = await restartDelays(t, 7, 3);
  const other = await restartDelays(t, 8, 3);
  t.deepEqual(again, first, 'deterministic per seed');
  t.notDeepEqual(other, first, 'another seed, other delays');
  [1_000, 2_000, 4_000].forEach((base, i) => {
    for (const delays of [first, other]) {
      const delay = delays[i] ?? Number.NaN;
      t.true(
        delay >= base && delay <= base * 1.5,
        `restart ${i + 1}: ${delay} ms within [${base}, ${base * 1.5}]`,
      );
    }
  });
});

test('one_for_all with backoff: siblings are stopped at once, and the whole group starts after the delay', async (t) => {
  const { runtime, clock } = await startSystem(
    t,
    withBackoff({ minMs: 3_000, maxMs: 3_000, jitter: 0 }, 'one_for_all'),
  );
  const mark = runtime.kernel.journal.lastSeq;
  const crashedAt = clock.now();
  runtime.send('worker', { type: 'sys.fault.crash' });
  await clock.advance(10_000);
  const entries = await journal(runtime);
  t.deepEqual(whoWent(entries, 'running', 'stopping', mark), ['omega', 'alpha']);
  for (const id of ['omega', 'alpha'])
    t.deepEqual(timesOf(entries, id, 'running', 'stopping', mark), [crashedAt], `${id} stopped at once`);
  t.deepEqual(whoWent(entries, 'ready', 'starting', mark), ['alpha', 'worker', 'omega']);
  for (const id of ['alpha', 'worker', 'omega'])
    t.deepEqual(
      timesOf(entries, id, 'ready', 'starting', mark),
      [crashedAt + 3_000],
      `${id} started after 3 s`,
    );
});

test('a supervisor waiting out a restart backoff still stops when asked, without waiting for the backoff', async (t) => {
  const { runtime, clock } = await startSystem(t, withBackoff({ minMs: 30_000, maxMs: 30_000, jitter: 0 }));
  runtime.send('worker', { type: 'sys.fault.crash' });
  await clock.advance(1_000);
  let stopped = false;
  const stopping = runtime.stop().then(() => {
    stopped = true;
  });
  await clock.settle();
  await clock.settle();
  const stoppedAtOnce = stopped;
  // Let the backoff run out either way, so the system can finish stopping and the test can end.
  await clock.advance(30_000);
  await stopping;
  t.true(stoppedAtOnce, 'runtime.stop() finished without the clock moving');
});
