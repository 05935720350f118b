/**
 * Dynamic children, after OTP `start_child/2`, `terminate_child/2`, `delete_child/2`: a started
 * child is appended to the start order and supervised by its restart type; a child that fails to
 * start is discarded; `terminate_child` keeps the spec except for a temporary child; unknown ids are
 * `{error, not_found}`; a supervisor restarted by its parent runs `init/1` again, so dynamic children
 * do not come back with it.
 */
import test from 'ava';
import type { ExecutionContext } from 'ava';
import type { SupervisorActor } from '../../actors/kernel/supervisor';
import type { SupervisorStrategy } from '../../actors/kernel/system-view';
import {
  STARTED_AGAIN,
  STOPPED,
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
import type { Subject } from './supervisor-fixtures';

/** root → sup (strategy, intensity 5) → alpha, beta, plus whatever the test adds. */
async function dynamicSystem(
  t: ExecutionContext,
  strategy: SupervisorStrategy = 'one_for_one',
  intensity = 5,
): Promise<Subject & { sup: SupervisorActor }> {
  const subject = await startSystem(
    t,
    supervisorNode(
      'root',
      { strategy: 'one_for_one', intensity: 10, periodMs: 60_000, restart: 'permanent' },
      [
        supervisorNode('sup', { strategy, intensity, periodMs: 5_000, restart: 'permanent' }, [
          workerNode('alpha'),
          workerNode('beta', 'temporary'),
        ]),
      ],
    ),
  );
  const sup = subject.runtime.supervisor('sup');
  if (!sup) throw new Error('no sup');
  return { ...subject, sup };
}

const childIds = (subject: Subject): string[] =>
  supervisorView(subject.runtime, 'sup').children.map((c) => c.id);

test('startChild appends a child to the start order, starts it, and supervises it by its restart type', async (t) => {
  const subject = await dynamicSystem(t);
  const zeta = subject.dynamicWorker('zeta', 'permanent');
  await subject.sup.startChild(zeta);
  t.deepEqual(childIds(subject), ['alpha', 'beta', 'zeta']);
  t.is(componentView(subject.runtime, 'zeta').lifecycle, 'running');
  zeta.deliver({ type: 'sys.fault.crash' });
  await subject.clock.advance(0);
  t.is(componentView(subject.runtime, 'zeta').restarts, 1);
  t.is(componentView(subject.runtime, 'zeta').lifecycle, 'running');
  t.is(supervisorView(subject.runtime, 'sup').restarts, 1);
});

test('a dynamic child comes last for rest_for_one: it is restarted when an earlier sibling crashes', async (t) => {
  const subject = await dynamicSystem(t, 'rest_for_one');
  await subject.sup.startChild(subject.dynamicWorker('zeta', 'permanent'));
  const mark = subject.runtime.kernel.journal.lastSeq;
  subject.runtime.send('alpha', { type: 'sys.fault.crash' });
  await subject.clock.advance(0);
  const entries = await journal(subject.runtime);
  t.deepEqual(whoWent(entries, 'running', 'stopping', mark), ['zeta', 'beta']);
  t.deepEqual(whoWent(entries, 'ready', 'starting', mark), ['alpha', 'zeta']);
  t.deepEqual(steps(entries, 'zeta', 'lifecycle', mark), [...STOPPED, ...STARTED_AGAIN]);
  t.deepEqual(childIds(subject), ['alpha', 'zeta'], 'temporary beta removed');
});

test('a temporary dynamic child is removed after it exits, and its exit is no restart', async (t) => {
  const subject = await dynamicSystem(t);
  const zeta = subject.dynamicWorker('zeta', 'temporary');
  await subject.sup.startChild(zeta);
  zeta.deliver({ type: 'sys.fault.crash' });
  await subject.clock.advance(0);
  t.is(nodeOf(subject.runtime, 'zeta'), undefined);
  t.is(supervisorView(subject.runtime, 'sup').restarts, 0);
});

test('startChild with an id already present is refused and changes nothing', async (t) => {
  const subject = await dynamicSystem(t);
  await t.throwsAsync(subject.sup.startChild(subject.dynamicWorker('alpha', 'permanent')), {
    message: /already exists/,
  });
  t.deepEqual(childIds(subject), ['alpha', 'beta']);
  t.is(componentView(subject.runtime, 'alpha').restarts, 0);
  t.is(componentView(subject.runtime, 'alpha').lifecycle, 'running');
});

test('startChild of a child that fails to start is refused and leaves no child behind (OTP discards the spec)', async (t) => {
  const subject = await dynamicSystem(t, 'one_for_all');
  subject.refuseStarts('zeta', 1);
  await t.throwsAsync(subject.sup.startChild(subject.dynamicWorker('zeta', 'permanent', 'flaky')));
  t.deepEqual(childIds(subject), ['alpha', 'beta'], 'no trace of zeta in the tree');
  // Nor in the supervisor's lists: a later one_for_all restart must not start it.
  const mark = subject.runtime.kernel.journal.lastSeq;
  subject.runtime.send('alpha', { type: 'sys.fault.crash' });
  await subject.clock.advance(0);
  t.deepEqual(whoWent(await journal(subject.runtime), 'ready', 'starting', mark), ['alpha']);
});

test('terminateChild stops a child without restarting it and keeps its spec', async (t) => {
  const subject = await dynamicSystem(t, 'one_for_one');
  await subject.sup.startChild(subject.dynamicWorker('zeta', 'permanent'));
  const mark = subject.runtime.kernel.journal.lastSeq;
  await subject.sup.terminateChild('zeta');
  await subject.clock.advance(60_000);
  t.deepEqual(steps(await journal(subject.runtime), 'zeta', 'lifecycle', mark), STOPPED);
  t.deepEqual(childIds(subject), ['alpha', 'beta', 'zeta']);
  t.is(componentView(subject.runtime, 'zeta').lifecycle, 'stopped');
  t.is(supervisorView(subject.runtime, 'sup').restarts, 0);
});

test('a terminated child is started again by a one_for_all restart, since its spec was kept', async (t) => {
  const subject = await dynamicSystem(t, 'one_for_all');
  await subject.sup.startChild(subject.dynamicWorker('zeta', 'permanent'));
  await subject.sup.terminateChild('zeta');
  const mark = subject.runtime.kernel.journal.lastSeq;
  subject.runtime.send('alpha', { type: 'sys.fault.crash' });
  await subject.clock.advance(0);
  t.deepEqual(whoWent(await journal(subject.runtime), 'ready', 'starting', mark), ['alpha', 'zeta']);
  t.is(componentView(subject.runtime, 'zeta').lifecycle, 'running');
});

test('terminateChild of a temporary child deletes its spec too (OTP)', async (t) => {
  const subject = await dynamicSystem(t);
  await subject.sup.terminateChild('beta');
  t.is(subject.runtime.component('beta')?.lifecycleState, 'stopped');
  t.deepEqual(childIds(subject), ['alpha']);
});

test('deleteChild refuses a running child', async (t) => {
  const subject = await dynamicSystem(t);
  await t.throwsAsync(subject.sup.deleteChild('alpha'), { message: /running/ });
  t.deepEqual(childIds(subject), ['alpha', 'beta']);
  t.is(componentView(subject.runtime, 'alpha').lifecycle, 'running');
});

test('deleteChild removes a terminated child: a later one_for_all restart does not start it', async (t) => {
  const subject = await dynamicSystem(t, 'one_for_all');
  await subject.sup.startChild(subject.dynamicWorker('zeta', 'permanent'));
  await subject.sup.terminateChild('zeta');
  await subject.sup.deleteChild('zeta');
  t.deepEqual(childIds(subject), ['alpha', 'beta']);
  const mark = subject.runtime.kernel.journal.lastSeq;
  subject.runtime.send('alpha', { type: 'sys.fault.crash' });
  await subject.clock.advance(0);
  t.deepEqual(whoWent(await journal(subject.runtime), 'ready', 'starting', mark), ['alpha']);
});

test('terminateChild of an unknown child is refused (OTP {error, not_found})', async (t) => {
  const subject = await dynamicSystem(t);
  await t.throwsAsync(subject.sup.terminateChild('nobody'));
});

test('deleteChild of an unknown child is refused (OTP {error, not_found})', async (t) => {
  const subject = await dynamicSystem(t);
  await t.throwsAsync(subject.sup.deleteChild('nobody'));
});

test('a supervisor restarted by its parent comes back with the children of its spec only: dynamic children are gone (OTP re-runs init)', async (t) => {
  const subject = await dynamicSystem(t, 'one_for_one', 0);
  const zeta = subject.dynamicWorker('zeta', 'permanent');
  await subject.sup.startChild(zeta);
  const mark = subject.runtime.kernel.journal.lastSeq;
  subject.runtime.send('alpha', { type: 'sys.fault.crash' });
  await subject.clock.advance(0);
  t.is(subject.sup.escalations, 1);
  t.is(supervisorView(subject.runtime, 'sup').selfRestarts, 1);
  t.deepEqual(whoWent(await journal(subject.runtime), 'ready', 'starting', mark), ['alpha', 'beta']);
  t.deepEqual(childIds(subject), ['alpha', 'beta']);
  t.false(zeta.running);
});
