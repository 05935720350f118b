import type { PendingAsk } from '../kernel/pending-asks';
import { EXTERNAL_ASKER } from '../kernel/pending-asks';

/** Components waiting on each other in a ring: none can answer before the next one has. */
export interface WaitCycle {
  /** The ring in waiting order from its smallest id: `a` waits on `members[1]`, …, the last on `a`. */
  readonly members: readonly string[];
  /** The ask of each member to the next, in the same order (the oldest, where one waits twice). */
  readonly asks: readonly PendingAsk[];
}

/**
 * The cycles of the wait-for graph of `asks`: a node per component, an edge from the asker to the
 * component asked. One cycle per strongly connected part (Tarjan), the one through its smallest
 * id with the fewest hops; a component asking itself is a cycle of one. Asks from outside the tree
 * never close a cycle and orphaned ones wait for no one live: both are left out. Sorted by first member.
 *
 * @example
 * waitCycles([ask('a', 'b'), ask('b', 'a'), ask('external', 'a')]); // [{ members: ['a', 'b'], asks: [a→b, b→a] }]
 */
export function waitCycles(asks: readonly PendingAsk[]): WaitCycle[] {
  const edges = new Map<string, Map<string, PendingAsk>>();
  for (const ask of asks) {
    if (ask.from === EXTERNAL_ASKER || ask.orphaned) continue;
    const out = edges.get(ask.from) ?? new Map<string, PendingAsk>();
    const known = out.get(ask.to);
    if (!known || ask.since < known.since) out.set(ask.to, ask);
    edges.set(ask.from, out);
  }
  const cycles: WaitCycle[] = [];
  for (const part of stronglyConnected(edges)) {
    const first = [...part].sort()[0] as string;
    if (part.size === 1 && !edges.get(first)?.has(first)) continue;
    const members = shortestRing(first, part, edges);
    const ring = members.map((from, i) => edges.get(from)?.get(members[(i + 1) % members.length] as string));
    cycles.push({ members, asks: ring as PendingAsk[] });
  }
  return cycles.sort((a, b) => ((a.members[0] as string) < (b.members[0] as string) ? -1 : 1));
}

/** Tarjan's strongly connected components; graphs here are a handful of components. */
function stronglyConnected(edges: ReadonlyMap<string, ReadonlyMap<string, unknown>>): Set<string>[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const parts: Set<string>[] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node) as number);
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node)?.keys() ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const part = new Set<string>();
    let member: string;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      part.add(member);
    } while (member !== node);
    parts.push(part);
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return parts;
}

/** The fewest-hop ring from `start` back to it inside `part` (breadth first, ties by id). */
function shortestRing(
  start: string,
  part: ReadonlySet<string>,
  edges: ReadonlyMap<string, ReadonlyMap<string, unknown>>,
): string[] {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i] as string;
    for (const next of [...(edges.get(node)?.keys() ?? [])].sort()) {
      if (!part.has(next)) continue;
      if (next === start) {
        const ring = [node];
        while (ring[0] !== start) ring.unshift(cameFrom.get(ring[0] as string) as string);
        return ring;
      }
      if (cameFrom.has(next)) continue;
      cameFrom.set(next, node);
      queue.push(next);
    }
  }
  return [start];
}
