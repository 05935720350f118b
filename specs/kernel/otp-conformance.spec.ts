/**
 * OTP supervisor conformance, after OTP's own `supervisor_SUITE`: every restart type × exit reason ×
 * strategy × escalation level, each cell on a system of its own, judged by restart counts in the
 * tree, lifecycle states and the order of journaled lifecycle transitions.
 *
 * The reference is OTP's `supervisor.erl`: `do_restart/3` (permanent always restarted, transient
 * only on an abnormal exit, temporary never), `restart/3` per strategy, `terminate_children/2`
 * (reverse start order, temporary children removed), `add_restart/3` (more than MaxR restarts within
 * MaxT and the supervisor terminates with reason `shutdown`).
 */
import test from 'ava';
import type { ExecutionContext } from 'ava';
import type { Runtime } from '../../actors/kernel/runtime';
import type { RestartType, SupervisorStrategy } from '../../actors/kernel/system-view';
import {
  STARTED_AFTER_FAULT,
  STARTED_AGAIN,
  STOPPED,
  journal,
  nodeOf,
  startSystem,
  steps,
  supervisorNode,
  supervisorView,
  timesRestarted,
  whoWent,
  workerNode,
} from './supervisor-fixtures';
import type { SupervisorNode, WorkerNode } from './supervisor-fixtures';

const STRATEGIES: readonly SupervisorStrategy[] = ['one_for_one', 'one_for_all', 'rest_for_one'];
const RESTART_TYPES: readonly RestartType[] = ['permanent', 'transient', 'temporary'];
const REASONS = ['normal', 'shutdown', 'crash'] as const;
type Reason = (typeof REASONS)[number];
const LEVELS = ['within intensity', 'exceeding intensity', 'exceeding intensity at the root'] as const;
type Level = (typeof LEVELS)[number];

/** The supervised children in start order; `subject` is the one that exits. */
const ORDER = ['alpha', 'beta', 'subject', 'gamma', 'delta'] as const;
/** Restart types of the siblings: one permanent and one temporary before, one transient and one temporary after. */
const SIBLINGS: ReadonlyArray<readonly [string, RestartType]> = [
  ['alpha', 'permanent'],
  ['beta', 'temporary'],
  ['gamma', 'transient'],
  ['delta', 'temporary'],
];
const restartOf = new Map<string, RestartType>(SIBLINGS);

interface Cell {
  readonly strategy: SupervisorStrategy;
  readonly restart: RestartType;
  readonly reason: Reason;
  readonly level: Level;
}

/**
 * The subject. A `shutdown` exit is what a child supervisor reports when it gives up, so for that
 * reason the subject is a supervisor (intensity 0) over one worker, `inner`, whose crash makes it
 * give up.
 */
function subjectNode(cell: Cell): WorkerNode | SupervisorNode {
  if (cell.reason !== 'shutdown') return workerNode('subject', cell.restart);
  return supervisorNode(
    'subject',
    { strategy: 'one_for_one', intensity: 0, periodMs: 5_000, restart: cell.restart },
    [workerNode('inner')],
  );
}

/** `sup` (or, at the root level, `root`) over alpha, beta, subject, gamma, delta. */
function treeOf(cell: Cell): SupervisorNode {
  const children = [
    workerNode('alpha', 'permanent'),
    workerNode('beta', 'temporary'),
    subjectNode(cell),
    workerNode('gamma', 'transient'),
    workerNode('delta', 'temporary'),
  ];
  if (cell.level === 'exceeding intensity at the root') {
    return supervisorNode(
      'root',
      { strategy: cell.strategy, intensity: 0, periodMs: 5_000, restart: 'permanent' },
      children,
    );
  }
  const sup = supervisorNode(
    'sup',
    {
      strategy: cell.strategy,
      intensity: cell.level === 'within intensity' ? 1 : 0,
      periodMs: 5_000,
      restart: 'permanent',
    },
    children,
  );
  return supervisorNode(
    'root',
    { strategy: 'one_for_one', intensity: 10, periodMs: 60_000, restart: 'permanent' },
    [sup],
  );
}

/** Makes the subject exit with the cell's reason. */
function exitSubject(runtime: Runtime, reason: Reason): void {
  if (reason === 'crash') runtime.send('subject', { type: 'sys.fault.crash' });
  else if (reason === 'normal') runtime.send('subject', { type: 'finish' });
  else runtime.send('inner', { type: 'sys.fault.crash' });
}

/** OTP `do_restart/3`: permanent always, transient only after an abnormal exit, temporary never. */
function needsRestart(cell: Cell): boolean {
  return cell.restart === 'permanent' || (cell.restart === 'transient' && cell.reason === 'crash');
}

/** Siblings a restart takes down, in start order (OTP `restart/3` per strategy). */
function affectedSiblings(cell: Cell): string[] {
  const siblings = ORDER.filter((id) => id !== 'subject');
  if (cell.strategy === 'one_for_one') return [];
  if (cell.strategy === 'one_for_all') return siblings;
  return ORDER.slice(ORDER.indexOf('subject') + 1);
}

/** Components that stand for the subject in start order. */
function subjectParts(cell: Cell): string[] {
  return cell.reason === 'shutdown' ? ['inner'] : ['subject'];
}

function title(cell: Cell): string {
  const head = `${cell.strategy} × ${cell.restart} × ${cell.reason} × ${cell.level}`;
  if (!needsRestart(cell)) {
    const what =
      cell.restart === 'temporary'
        ? 'the child is removed and no sibling is touched'
        : 'the child is not restarted but stays in the tree, and no sibling is touched';
    return cell.level === 'within intensity'
      ? `${head}: ${what}`
      : `${head}: ${what}; an exit that needs no restart does not count against intensity`;
  }
  if (cell.level === 'exceeding intensity')
    return `${head}: the supervisor stops every child in reverse order, reports shutdown, and its parent restarts it with a fresh window`;
  if (cell.level === 'exceeding intensity at the root')
    return `${head}: the root stops every child in reverse order and the system halts, still halted ten minutes later`;
  if (cell.strategy === 'one_for_one') return `${head}: only the child is restarted`;
  if (cell.strategy === 'one_for_all')
    return `${head}: every sibling is stopped in reverse order and restarted; temporary siblings are removed`;
  return `${head}: the siblings after it are stopped in reverse order and restarted, temporary ones removed; earlier siblings are untouched`;
}

/** The subject's own journal after its exit, up to and including a restart if `restarted`. */
function assertSubjectSteps(
  t: ExecutionContext,
  cell: Cell,
  entries: Parameters<typeof steps>[0],
  since: number,
  restarted: boolean,
): void {
  if (cell.reason === 'shutdown') {
    t.deepEqual(
      steps(entries, 'inner', 'lifecycle', since),
      restarted ? ['running → faulted', ...STARTED_AFTER_FAULT] : ['running → faulted'],
      'inner crashed (and was started again with its supervisor)',
    );
    t.deepEqual(
      steps(entries, 'subject', 'supervisor', since),
      restarted ? ['running → failed', 'failed → starting', 'starting → running'] : ['running → failed'],
      'the subject supervisor gave up (and was started again)',
    );
    return;
  }
  const exit = cell.reason === 'crash' ? ['running → faulted'] : STOPPED;
  const again = cell.reason === 'crash' ? STARTED_AFTER_FAULT : STARTED_AGAIN;
  t.deepEqual(steps(entries, 'subject', 'lifecycle', since), restarted ? [...exit, ...again] : exit);
}

async function conformance(t: ExecutionContext, cell: Cell): Promise<void> {
  const { runtime, clock } = await startSystem(t, treeOf(cell));
  const atRoot = cell.level === 'exceeding intensity at the root';
  const supId = atRoot ? 'root' : 'sup';
  t.is(runtime.state, 'running');
  const mark = runtime.kernel.journal.lastSeq;

  exitSubject(runtime, cell.reason);
  await clock.advance(0);
  const entries = await journal(runtime);
  const siblings = SIBLINGS.map(([id]) => id);
  const stoppedSiblings = whoWent(entries, 'running', 'stopping', mark).filter((id) => siblings.includes(id));
  const started = whoWent(entries, 'ready', 'starting', mark);
  const supervisor = runtime.supervisor(supId);
  if (!supervisor) throw new Error(`no supervisor ${supId}`);

  if (!needsRestart(cell)) {
    if (cell.restart === 'temporary') t.is(nodeOf(runtime, 'subject'), undefined, 'subject removed');
    else t.is(timesRestarted(runtime, 'subject'), 0, 'subject kept, not restarted');
    assertSubjectSteps(t, cell, entries, mark, false);
    for (const id of siblings) {
      t.deepEqual(steps(entries, id, 'lifecycle', mark), [], `${id} untouched`);
      t.is(timesRestarted(runtime, id), 0, `${id} restarts`);
    }
    t.deepEqual(started, [], 'nothing started');
    t.is(supervisorView(runtime, supId).restarts, 0);
    t.is(supervisorView(runtime, supId).state, 'running');
    t.is(supervisor.escalations, 0, `${supId} did not give up`);
    t.is(runtime.state, 'running');
    return;
  }

  if (cell.level === 'within intensity') {
    const affected = affectedSiblings(cell);
    t.is(timesRestarted(runtime, 'subject'), 1, 'subject restarted once');
    assertSubjectSteps(t, cell, entries, mark, true);
    for (const id of siblings) {
      const restart = restartOf.get(id);
      if (!affected.includes(id)) {
        t.deepEqual(steps(entries, id, 'lifecycle', mark), [], `${id} untouched`);
        t.is(timesRestarted(runtime, id), 0, `${id} restarts`);
      } else if (restart === 'temporary') {
        t.deepEqual(steps(entries, id, 'lifecycle', mark), STOPPED, `${id} stopped, not started again`);
        t.is(nodeOf(runtime, id), undefined, `temporary ${id} removed`);
        t.is(runtime.component(id)?.lifecycleState, 'stopped');
      } else {
        t.deepEqual(steps(entries, id, 'lifecycle', mark), [...STOPPED, ...STARTED_AGAIN], `${id} restarted`);
        t.is(timesRestarted(runtime, id), 1, `${id} restarts`);
      }
    }
    t.deepEqual(stoppedSiblings, [...affected].reverse(), 'siblings stopped in reverse start order');
    const expectedStarts = ORDER.flatMap((id) =>
      id === 'subject'
        ? subjectParts(cell)
        : affected.includes(id) && restartOf.get(id) !== 'temporary'
          ? [id]
          : [],
    );
    t.deepEqual(started, expectedStarts, 'started again in start order');
    const view = supervisorView(runtime, supId);
    t.is(view.restarts, 1);
    t.is(view.recentRestarts, 1);
    t.is(view.state, 'running');
    t.deepEqual(steps(entries, supId, 'supervisor', mark), ['running → restarting', 'restarting → running']);
    t.is(supervisor.escalations, 0);
    t.is(runtime.state, 'running');
    return;
  }

  // Exceeding: every other child stopped in reverse start order, then the supervisor reports shutdown.
  t.deepEqual(stoppedSiblings, ['delta', 'gamma', 'beta', 'alpha'], 'all children stopped in reverse order');
  t.is(supervisor.escalations, 1, `${supId} gave up`);

  if (cell.level === 'exceeding intensity') {
    // A restarted supervisor starts every child of its spec again, temporary ones too (OTP re-runs init).
    t.deepEqual(started, ['alpha', 'beta', ...subjectParts(cell), 'gamma', 'delta'], 'all started in order');
    for (const id of siblings) {
      t.deepEqual(steps(entries, id, 'lifecycle', mark), [...STOPPED, ...STARTED_AGAIN], `${id} restarted`);
      t.is(timesRestarted(runtime, id), 1, `${id} restarts`);
    }
    t.is(timesRestarted(runtime, 'subject'), 1, 'subject started again with its supervisor');
    assertSubjectSteps(t, cell, entries, mark, true);
    t.deepEqual(steps(entries, 'sup', 'supervisor', mark), [
      'running → failed',
      'failed → starting',
      'starting → running',
    ]);
    const view = supervisorView(runtime, 'sup');
    t.is(view.state, 'running');
    t.is(view.selfRestarts, 1, 'restarted by its parent');
    t.is(view.recentRestarts, 0, 'fresh restart window');
    t.is(supervisorView(runtime, 'root').restarts, 1);
    t.is(runtime.state, 'running');
    return;
  }

  // At the root: GLOBAL HALT.
  t.deepEqual(started, [], 'nothing started again');
  t.deepEqual(steps(entries, 'root', 'supervisor', mark), ['running → failed']);
  t.deepEqual(steps(entries, 'system', 'system', mark), ['running → halting', 'halting → halted']);
  t.is(runtime.state, 'halted');
  t.is(runtime.haltCount, 1);
  t.regex(runtime.tree().haltReason ?? '', /root/);
  await clock.advance(10 * 60_000);
  t.is(runtime.state, 'halted', 'still halted after ten minutes');
  const later = await journal(runtime);
  t.deepEqual(whoWent(later, 'ready', 'starting', mark), [], 'nothing restarted while halted');
  for (const id of [...siblings, ...subjectParts(cell)]) {
    t.false(runtime.component(id)?.running ?? true, `${id} is down`);
  }
}

for (const strategy of STRATEGIES) {
  for (const restart of RESTART_TYPES) {
    for (const reason of REASONS) {
      for (const level of LEVELS) {
        const cell: Cell = { strategy, restart, reason, level };
        test(title(cell), (t) => conformance(t, cell));
      }
    }
  }
}
