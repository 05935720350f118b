import test from 'ava';
import { createActor } from 'xstate';
import { machineGraph } from '../../actors/kernel/machine-graph';
import { lifecycleMachine } from '../../machines/lifecycle.machine';

test('the lifecycle has the eight shared states and its graph is derived from the machine', (t) => {
  const graph = machineGraph(lifecycleMachine, 'x', 'running');
  t.deepEqual(
    graph.nodes.filter((n) => n.parent !== null).map((n) => n.key),
    ['ready', 'starting', 'running', 'degraded', 'stopping', 'stopped', 'faulted', 'disposed'],
  );
  t.true(graph.edges.some((e) => e.source === 'lifecycle.running' && e.target === 'lifecycle.degraded'));
  t.true(graph.edges.some((e) => e.source === 'lifecycle.faulted' && e.event === 'sys.reset'));
  t.deepEqual(graph.active, ['lifecycle', 'lifecycle.running']);
  t.true(graph.nodes.find((n) => n.key === 'ready')?.initial);
});

test('a component goes ready → starting → running ⇄ degraded → stopping → stopped → disposed', (t) => {
  const actor = createActor(lifecycleMachine).start();
  const path = [actor.getSnapshot().value];
  for (const event of [
    { type: 'sys.start' },
    { type: 'sys.started' },
    { type: 'sys.degraded', reason: 'store down' },
    { type: 'sys.recovered' },
    { type: 'sys.stop' },
    { type: 'sys.stopped' },
    { type: 'sys.dispose' },
  ] as const) {
    actor.send(event);
    path.push(actor.getSnapshot().value);
  }
  t.deepEqual(path, [
    'ready',
    'starting',
    'running',
    'degraded',
    'running',
    'stopping',
    'stopped',
    'disposed',
  ]);
});
