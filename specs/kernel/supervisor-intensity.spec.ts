/**
 * Restart intensity and escalation, after OTP `add_restart/3`: restarts are kept while
 * `R >= Now - Period`; one more than `intensity` and the supervisor terminates with `shutdown`;
 * its parent then restarts it (a new process: `init/1` runs again, with an empty restart list).
 */
import test from 'ava';
import {
  STARTED_AGAIN,
  componentView,
  journal,
  nodeOf,
  startSystem,
  steps,
  supervisorNode,
  supervisorView,
  whoWent,
  workerNode,
} from './supervisor-fixtures';
import type { SupervisorNode, WorkerNode } from './supervisor-fixtures';

/** root (one_for_one, generous) over `sup` with the given intensity and period over `children`. */
function nested(
  intensity: number,
  periodMs: number,
  children: readonly (WorkerNode | SupervisorNode)[] = [workerNode('worker')],
): SupervisorNode {
  return supervisorNode(
    'root',
    { strategy: 'one_for_one', intensity: 10, periodMs: 600_000, restart: 'permanent' },
    [supervisorNode('sup', { strategy: 'one_for_one', intensity, periodMs, restart: 'permanent' }, children)],
  );
}

test('the restart window slides: restarts older than periodMs no longer count', async (t) => {
  const { runtime, clock } = await startSystem(t, nested(2, 10_000));
  for (let i = 0; i < 5; i++) {
    runtime.send('worker', { type: 'sys.fault.crash' });
    await clock.advance(6_000);
  }
  t.is(runtime.supervisor('sup')?.escalations, 0, 'never more than 2 restarts within 10 s');
  const sup = supervisorView(runtime, 'sup');
  t.is(sup.restarts, 5);
  t.is(sup.selfRestarts, 0);
  t.is(componentView(runtime, 'worker').restarts, 5);
  t.is(componentView(runtime, 'worker').lifecycle, 'running');
});

test('one restart more than intensity within periodMs makes the supervisor give up', async (t) => {
  const { runtime, clock } = await startSystem(t, nested(2, 10_000));
  for (let i = 0; i < 2; i++) {
    runtime.send('worker', { type: 'sys.fault.crash' });
    await clock.advance(4_000);
  }
  t.is(runtime.supervisor('sup')?.escalations, 0);
  runtime.send('worker', { type: 'sys.fault.crash' });
  await clock.advance(0);
  t.is(runtime.supervisor('sup')?.escalations, 1, 'third restart within 10 s exceeds intensity 2');
  t.is(supervisorView(runtime, 'sup').selfRestarts, 1);
});

test('a restart exactly periodMs ago still counts against intensity, as in OTP (R >= Now - Period)', async (t) => {
  const { runtime, clock } = await startSystem(t, nested(1, 5_000));
  runtime.send('worker', { type: 'sys.fault.crash' });
  await clock.advance(5_000);
  runtime.send('worker', { type: 'sys.fault.crash' });
  await clock.advance(0);
  t.is(runtime.supervisor('sup')?.escalations, 1, 'two restarts within [now - 5 s, now]');
});

test('a permanent child supervisor that gave up is restarted by its parent with a fresh restart window', async (t) => {
  const { runtime, clock } = await startSystem(t, nested(1, 60_000));
  runtime.send('worker', { type: 'sys.fault.crash' });
  await clock.advance(1_000);
  runtime.send('worker', { type: 'sys.fault.crash' });
  await clock.advance(1_000);
  t.is(runtime.supervisor('sup')?.escalations, 1);
  t.is(supervisorView(runtime, 'sup').recentRestarts, 0);
  // Within the old window this would be a third restart; in the fresh one it is the first.
  runtime.send('worker', { type: 'sys.fault.crash' });
  await clock.advance(0);
  t.is(runtime.supervisor('sup')?.escalations, 1, 'did not give up again');
  const sup = supervisorView(runtime, 'sup');
  t.is(sup.recentRestarts, 1);
  t.is(sup.selfRestarts, 1);
  t.is(supervisorView(runtime, 'root').restarts, 1);
  t.is(componentView(runtime, 'worker').lifecycle, 'running');
});

test('a transient child supervisor that gave up reports shutdown and is not restarted by its parent', async (t) => {
  const { runtime, clock } = await startSystem(
    t,
    supervisorNode(
      'root',
      { strategy: 'one_for_one', intensity: 10, periodMs: 60_000, restart: 'permanent' },
      [
        supervisorNode(
          'sup',
          { strategy: 'one_for_one', intensity: 0, periodMs: 5_000, restart: 'transient' },
          [workerNode('alpha'), workerNode('worker')],
        ),
        workerNode('other'),
      ],
    ),
  );
  const mark = runtime.kernel.journal.lastSeq;
  runtime.send('worker', { type: 'sys.fault.crash' });
  await clock.advance(60_000);
  t.is(runtime.supervisor('sup')?.escalations, 1);
  const sup = supervisorView(runtime, 'sup');
  t.is(sup.state, 'failed', 'kept in the tree, not restarted');
  t.is(sup.selfRestarts, 0);
  t.is(supervisorView(runtime, 'root').restarts, 0);
  t.is(componentView(runtime, 'alpha').lifecycle, 'stopped');
  t.is(componentView(runtime, 'other').lifecycle, 'running');
  t.deepEqual(whoWent(await journal(runtime), 'ready', 'starting', mark), []);
  t.is(runtime.state, 'running');
});

test('escalation climbs the tree: each restart of a child supervisor counts at its parent until the root halts', async (t) => {
  const { runtime, clock } = await startSystem(
    t,
    supervisorNode(
      'root',
      { strategy: 'one_for_one', intensity: 1, periodMs: 60_000, restart: 'permanent' },
      [
        supervisorNode(
          'sup',
          { strategy: 'one_for_one', intensity: 0, periodMs: 5_000, restart: 'permanent' },
          [workerNode('worker')],
        ),
      ],
    ),
  );
  runtime.send('worker', { type: 'sys.fault.crash' });
  await clock.advance(1_000);
  t.is(runtime.state, 'running');
  t.is(supervisorView(runtime, 'root').restarts, 1);
  runtime.send('worker', { type: 'sys.fault.crash' });
  await clock.advance(1_000);
  t.is(runtime.supervisor('sup')?.escalations, 2);
  t.is(runtime.supervisor('root')?.escalations, 1);
  t.is(runtime.state, 'halted');
  await clock.advance(3_600_000);
  t.is(runtime.state, 'halted', 'a GLOBAL HALT outlasts any restart window');
  t.false(runtime.component('worker')?.running ?? true);
});

test('a supervisor restarted by its parent starts every child of its spec again, a temporary child removed earlier too (OTP re-runs init)', async (t) => {
  const { runtime, clock } = await startSystem(
    t,
    nested(0, 5_000, [workerNode('alpha', 'permanent'), workerNode('beta', 'temporary')]),
  );
  runtime.send('beta', { type: 'sys.fault.crash' });
  await clock.advance(1_000);
  t.is(nodeOf(runtime, 'beta'), undefined, 'temporary child removed after its exit');
  const mark = runtime.kernel.journal.lastSeq;
  runtime.send('alpha', { type: 'sys.fault.crash' });
  await clock.advance(0);
  t.is(runtime.supervisor('sup')?.escalations, 1);
  t.is(supervisorView(runtime, 'sup').selfRestarts, 1);
  t.deepEqual(whoWent(await journal(runtime), 'ready', 'starting', mark), ['alpha', 'beta']);
  t.is(componentView(runtime, 'beta').lifecycle, 'running');
});

test('a supervisor restarted by its parent starts a transient child that had exited normally', async (t) => {
  const { runtime, clock } = await startSystem(
    t,
    nested(0, 5_000, [workerNode('alpha', 'permanent'), workerNode('beta', 'transient')]),
  );
  runtime.send('beta', { type: 'finish' });
  await clock.advance(1_000);
  t.is(componentView(runtime, 'beta').lifecycle, 'stopped');
  const mark = runtime.kernel.journal.lastSeq;
  runtime.send('alpha', { type: 'sys.fault.crash' });
  await clock.advance(0);
  t.is(runtime.supervisor('sup')?.escalations, 1);
  t.deepEqual(steps(await journal(runtime), 'beta', 'lifecycle', mark), STARTED_AGAIN);
  t.is(componentView(runtime, 'beta').lifecycle, 'running');
});
