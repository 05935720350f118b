/**
 * Supervisor conformance beyond the matrix: start and stop order, what a restarted child runs, and
 * a child that fails to start during a restart (OTP `restart/2`: a failed start is retried through
 * `try_again_restart`, and every attempt goes through `add_restart`).
 */
import test from 'ava';
import type { JournalEntry } from '../../actors/kernel/journal-entry';
import {
  STARTED_AGAIN,
  STOPPED,
  componentView,
  journal,
  startSystem,
  steps,
  supervisorNode,
  supervisorView,
  timesOf,
  whoWent,
  workerNode,
} from './supervisor-fixtures';

/** `actor:state` for every lifecycle, supervisor and system transition after `since`. */
function trail(entries: readonly JournalEntry[], since = 0): string[] {
  return entries
    .filter((e) => e.seq > since && ['lifecycle', 'supervisor', 'system'].includes(e.machine))
    .map((e) => `${e.actor}:${e.to}`);
}

test('children start in start order, depth first, and stop in reverse order, depth first', async (t) => {
  const { runtime } = await startSystem(
    t,
    supervisorNode(
      'root',
      { strategy: 'one_for_one', intensity: 5, periodMs: 30_000, restart: 'permanent' },
      [
        workerNode('alpha'),
        supervisorNode(
          'mid',
          { strategy: 'one_for_one', intensity: 5, periodMs: 30_000, restart: 'permanent' },
          [workerNode('beta'), workerNode('gamma')],
        ),
        workerNode('delta'),
      ],
    ),
  );
  t.deepEqual(trail(await journal(runtime)), [
    'alpha:starting',
    'alpha:running',
    'beta:starting',
    'beta:running',
    'gamma:starting',
    'gamma:running',
    'mid:running',
    'delta:starting',
    'delta:running',
    'root:running',
    'system:running',
  ]);
  const mark = runtime.kernel.journal.lastSeq;
  await runtime.stop();
  t.deepEqual(trail(await journal(runtime), mark), [
    'system:stopping',
    'root:stopping',
    'delta:stopping',
    'delta:stopped',
    'mid:stopping',
    'gamma:stopping',
    'gamma:stopped',
    'beta:stopping',
    'beta:stopped',
    'mid:stopped',
    'alpha:stopping',
    'alpha:stopped',
    'root:stopped',
    'system:stopped',
  ]);
});

test('a permanent child restarted after a normal exit runs its machine again from the initial state, as OTP restarts from init', async (t) => {
  const { runtime, clock } = await startSystem(
    t,
    supervisorNode(
      'root',
      { strategy: 'one_for_one', intensity: 5, periodMs: 30_000, restart: 'permanent' },
      [workerNode('subject', 'permanent')],
    ),
  );
  const mark = runtime.kernel.journal.lastSeq;
  runtime.send('subject', { type: 'finish' });
  await clock.advance(0);
  const view = componentView(runtime, 'subject');
  t.is(view.restarts, 1);
  t.is(view.lifecycle, 'running');
  const entries = await journal(runtime);
  t.deepEqual(steps(entries, 'subject', 'lifecycle', mark), [...STOPPED, ...STARTED_AGAIN]);
  // The behaviour machine must be live again, not resumed into the final state it exited from.
  t.is(view.state, 'working', 'restarted into its initial state');
  t.deepEqual(steps(entries, 'subject', 'worker', mark), ['working → done', ' → working']);
});

test('a child that fails to start during a restart counts as another crash and is restarted again', async (t) => {
  const { runtime, clock, refuseStarts } = await startSystem(
    t,
    supervisorNode('root', { strategy: 'one_for_one', intensity: 3, periodMs: 5_000, restart: 'permanent' }, [
      workerNode('subject', 'permanent', 'flaky'),
    ]),
  );
  const mark = runtime.kernel.journal.lastSeq;
  refuseStarts('subject', 2);
  runtime.send('subject', { type: 'sys.fault.crash' });
  await clock.advance(0);
  const refused = ['faulted → ready', 'ready → starting', 'starting → faulted'];
  t.deepEqual(steps(await journal(runtime), 'subject', 'lifecycle', mark), [
    'running → faulted',
    ...refused,
    ...refused,
    'faulted → ready',
    'ready → starting',
    'starting → running',
  ]);
  const root = supervisorView(runtime, 'root');
  t.is(root.restarts, 3, 'every attempt is a restart');
  t.is(root.recentRestarts, 3, 'every attempt counts against intensity');
  t.is(root.state, 'running');
  t.is(componentView(runtime, 'subject').lifecycle, 'running');
  t.is(runtime.state, 'running');
});

test('a failed restart attempt counts against intensity: one refused start at intensity 1 makes the supervisor give up', async (t) => {
  const { runtime, clock, refuseStarts } = await startSystem(
    t,
    supervisorNode(
      'root',
      { strategy: 'one_for_one', intensity: 10, periodMs: 60_000, restart: 'permanent' },
      [
        supervisorNode(
          'sup',
          { strategy: 'one_for_one', intensity: 1, periodMs: 5_000, restart: 'permanent' },
          [workerNode('subject', 'permanent', 'flaky')],
        ),
      ],
    ),
  );
  const mark = runtime.kernel.journal.lastSeq;
  refuseStarts('subject', 1);
  runtime.send('subject', { type: 'sys.fault.crash' });
  await clock.advance(0);
  t.is(runtime.supervisor('sup')?.escalations, 1, 'sup gave up');
  t.deepEqual(steps(await journal(runtime), 'sup', 'supervisor', mark), [
    'running → restarting',
    'restarting → running',
    'running → failed',
    'failed → starting',
    'starting → running',
  ]);
  t.is(supervisorView(runtime, 'root').restarts, 1, 'root restarted sup');
  t.is(supervisorView(runtime, 'sup').selfRestarts, 1);
  t.is(componentView(runtime, 'subject').lifecycle, 'running');
});

test('one_for_all: a sibling that fails to start during the group restart makes the whole group restart again', async (t) => {
  const { runtime, clock, refuseStarts } = await startSystem(
    t,
    supervisorNode('root', { strategy: 'one_for_all', intensity: 5, periodMs: 5_000, restart: 'permanent' }, [
      workerNode('alpha'),
      workerNode('beta', 'permanent', 'flaky'),
      workerNode('gamma'),
    ]),
  );
  const mark = runtime.kernel.journal.lastSeq;
  refuseStarts('beta', 1);
  runtime.send('alpha', { type: 'sys.fault.crash' });
  await clock.advance(0);
  const entries = await journal(runtime);
  t.deepEqual(whoWent(entries, 'running', 'stopping', mark), ['gamma', 'beta', 'alpha']);
  t.deepEqual(whoWent(entries, 'ready', 'starting', mark), ['alpha', 'beta', 'alpha', 'beta', 'gamma']);
  t.is(supervisorView(runtime, 'root').restarts, 2);
  for (const id of ['alpha', 'beta', 'gamma']) t.is(componentView(runtime, id).lifecycle, 'running', id);
  t.is(componentView(runtime, 'alpha').restarts, 2);
  t.is(componentView(runtime, 'gamma').restarts, 1);
});

test('a child that does not stop within its shutdown timeout is killed when the timeout runs out on the clock', async (t) => {
  const { runtime, clock } = await startSystem(
    t,
    supervisorNode('root', { strategy: 'one_for_all', intensity: 5, periodMs: 5_000, restart: 'permanent' }, [
      workerNode('alpha', 'permanent', 'worker', 1_000),
      workerNode('subject'),
    ]),
  );
  const mark = runtime.kernel.journal.lastSeq;
  const t0 = clock.now();
  runtime.send('alpha', { type: 'sys.fault.hang' });
  runtime.send('subject', { type: 'sys.fault.crash' });
  await clock.advance(999);
  t.is(componentView(runtime, 'alpha').lifecycle, 'stopping', 'still given its grace period');
  t.is(componentView(runtime, 'subject').lifecycle, 'faulted', 'not restarted before its siblings are down');
  await clock.advance(1);
  const entries = await journal(runtime);
  t.deepEqual(timesOf(entries, 'alpha', 'stopping', 'stopped', mark), [t0 + 1_000]);
  t.deepEqual(whoWent(entries, 'ready', 'starting', mark), ['alpha', 'subject']);
  t.is(componentView(runtime, 'alpha').lifecycle, 'running');
  t.is(componentView(runtime, 'subject').lifecycle, 'running');
});

test('a brutal_kill child is killed at once, hung or not', async (t) => {
  const { runtime, clock } = await startSystem(
    t,
    supervisorNode('root', { strategy: 'one_for_all', intensity: 5, periodMs: 5_000, restart: 'permanent' }, [
      workerNode('alpha', 'permanent', 'worker', 'brutal_kill'),
      workerNode('subject'),
    ]),
  );
  const mark = runtime.kernel.journal.lastSeq;
  const t0 = clock.now();
  runtime.send('alpha', { type: 'sys.fault.hang' });
  runtime.send('subject', { type: 'sys.fault.crash' });
  await clock.advance(0);
  t.deepEqual(timesOf(await journal(runtime), 'alpha', 'stopping', 'stopped', mark), [t0]);
  t.is(componentView(runtime, 'alpha').lifecycle, 'running');
  t.is(componentView(runtime, 'subject').lifecycle, 'running');
});

test('one_for_all restarts a child supervisor sibling: its children stop in reverse order and start in order', async (t) => {
  const { runtime, clock } = await startSystem(
    t,
    supervisorNode('root', { strategy: 'one_for_all', intensity: 5, periodMs: 5_000, restart: 'permanent' }, [
      workerNode('subject'),
      supervisorNode(
        'mid',
        { strategy: 'one_for_one', intensity: 5, periodMs: 5_000, restart: 'permanent' },
        [workerNode('beta'), workerNode('gamma')],
      ),
    ]),
  );
  const mark = runtime.kernel.journal.lastSeq;
  runtime.send('subject', { type: 'sys.fault.crash' });
  await clock.advance(0);
  const entries = await journal(runtime);
  t.deepEqual(whoWent(entries, 'running', 'stopping', mark), ['gamma', 'beta']);
  t.deepEqual(whoWent(entries, 'ready', 'starting', mark), ['subject', 'beta', 'gamma']);
  t.deepEqual(steps(entries, 'mid', 'supervisor', mark), [
    'running → stopping',
    'stopping → stopped',
    'stopped → starting',
    'starting → running',
  ]);
  t.is(supervisorView(runtime, 'mid').selfRestarts, 1);
  t.is(supervisorView(runtime, 'root').restarts, 1);
});

test('the exit of a child that a restart already took down is not handled again (OTP flushes its EXIT when terminating it)', async (t) => {
  const { runtime, clock } = await startSystem(
    t,
    supervisorNode('root', { strategy: 'one_for_all', intensity: 5, periodMs: 5_000, restart: 'permanent' }, [
      workerNode('alpha'),
      workerNode('subject'),
      workerNode('gamma'),
    ]),
  );
  const mark = runtime.kernel.journal.lastSeq;
  // Both crash at the same instant: one group restart covers both.
  runtime.send('subject', { type: 'sys.fault.crash' });
  runtime.send('alpha', { type: 'sys.fault.crash' });
  await clock.advance(0);
  t.is(supervisorView(runtime, 'root').restarts, 1, 'one restart of the group');
  t.deepEqual(whoWent(await journal(runtime), 'ready', 'starting', mark), ['alpha', 'subject', 'gamma']);
  t.is(componentView(runtime, 'gamma').restarts, 1);
});
