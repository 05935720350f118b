import type { AnyStateMachine } from 'xstate';
import type { GraphEdge, GraphNode, MachineGraph } from './system-view';

interface StateNodeLike {
  id: string;
  key: string;
  type: GraphNode['type'];
  path: string[];
  parent?: StateNodeLike;
  initial?: { target?: StateNodeLike[] };
  states: Record<string, StateNodeLike>;
  transitions: Map<string, TransitionLike[]>;
  always?: TransitionLike[];
}

interface TransitionLike {
  target?: StateNodeLike[];
  guard?: unknown;
}

/**
 * Nodes and edges of a machine, read from the machine object itself — the diagram can never drift
 * from the code. Targetless transitions (context-only updates) are left out: they change no state.
 */
export function machineGraph(machine: AnyStateMachine, actor: string, activePath: string): MachineGraph {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const visit = (node: StateNodeLike): void => {
    const parent = node.parent;
    nodes.push({
      id: node.id,
      key: node.key,
      path: node.path.join('.'),
      parent: parent ? parent.id : null,
      type: node.type,
      initial: parent?.initial?.target?.some((t) => t.id === node.id) ?? false,
    });
    const add = (event: string, transition: TransitionLike): void => {
      for (const target of transition.target ?? []) {
        edges.push({
          id: `${node.id}|${event}|${target.id}|${edges.length}`,
          source: node.id,
          target: target.id,
          event,
          guard: guardName(transition.guard),
        });
      }
    };
    for (const [event, transitions] of node.transitions) {
      for (const transition of transitions) add(eventLabel(event), transition);
    }
    for (const transition of node.always ?? []) add('always', transition);
    for (const child of Object.values(node.states)) visit(child);
  };
  visit(machine.root as unknown as StateNodeLike);
  return { actor, machine: machine.id, nodes, edges, active: activeIds(machine.id, activePath) };
}

/** `tracking.above` → [`m`, `m.tracking`, `m.tracking.above`]; parallel paths are `,`-joined. */
function activeIds(machineId: string, activePath: string): string[] {
  if (activePath === '') return [];
  const ids = new Set<string>([machineId]);
  for (const region of activePath.split(',')) {
    let id = machineId;
    for (const key of region.split('.')) {
      id = `${id}.${key}`;
      ids.add(id);
    }
  }
  return [...ids];
}

function eventLabel(event: string): string {
  const delayed = /^xstate\.after\.(\d+)\./.exec(event);
  return delayed ? `after ${delayed[1]}ms` : event;
}

function guardName(guard: unknown): string | null {
  if (guard === undefined || guard === null) return null;
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'object' && 'type' in guard) return String((guard as { type: unknown }).type);
  if (typeof guard === 'function') return guard.name || 'inline';
  return 'inline';
}
