import test from 'ava';
import { createMachine } from 'xstate';
import { machineGraph } from '../../actors/kernel/machine-graph';
import { statePath } from '../../actors/kernel/state-path';

test('state paths name every active leaf from the root, parallel regions included', (t) => {
  t.is(statePath('running'), 'running');
  t.is(statePath({ tracking: 'above' }), 'tracking.above');
  t.is(statePath({ b: 'y', a: 'x' }), 'a.x,b.y');
  t.is(statePath({ tracking: { a: 'x', b: { deep: 'z' } } }), 'tracking.a.x,tracking.b.deep.z');
});

test('a graph marks the active nodes of nested parallel regions by their full ids', (t) => {
  const machine = createMachine({
    id: 'm',
    initial: 'tracking',
    states: {
      tracking: {
        type: 'parallel',
        states: { a: { initial: 'x', states: { x: {} } }, b: { initial: 'y', states: { y: {} } } },
      },
    },
  });
  const graph = machineGraph(machine, 'actor', 'tracking.a.x,tracking.b.y');
  t.deepEqual(graph.active, [
    'm',
    'm.tracking',
    'm.tracking.a',
    'm.tracking.a.x',
    'm.tracking.b',
    'm.tracking.b.y',
  ]);
  for (const id of graph.active) t.true(graph.nodes.some((n) => n.id === id));
});
