import type { Edge, Node } from '@xyflow/svelte';
import type { ElkExtendedEdge, ElkNode, ElkPoint } from 'elkjs/lib/elk-api.js';
import type { GraphEdge, GraphNode, MachineGraph } from '../../../actors/kernel/system-view';
import { LABEL_FONT, STATE_FONT } from './fonts';

/** What a chart node draws: a state of the machine, or the dot that points at a parent's initial state. */
export type ChartNodeKind = GraphNode['type'] | 'initial';

/** Data of a chart node. */
export interface StateNodeData extends Record<string, unknown> {
  readonly label: string;
  readonly kind: ChartNodeKind;
  /** Dotted path from the machine root; empty for the root. */
  readonly path: string;
  /** Whether the machine is in this state now (leaf and ancestors). */
  readonly active: boolean;
  /**
   * Transitions of a group that stay in it (targetless or back to itself), listed in its title
   * rather than drawn as loops around the whole group.
   */
  readonly loops: readonly string[];
}

/** Data of a chart edge: its route and label, both in flow coordinates, as ELK laid them out. */
export interface TransitionEdgeData extends Record<string, unknown> {
  readonly points: readonly ElkPoint[];
  /** One line per transition between the same two states. */
  readonly label: string;
  readonly labelX: number;
  readonly labelY: number;
}

export type ChartNode = Node<StateNodeData>;
export type ChartEdge = Edge<TransitionEdgeData>;

/** A laid-out machine graph, ready for Svelte Flow. */
export interface ChartLayout {
  readonly nodes: ChartNode[];
  readonly edges: ChartEdge[];
}

/** Width in pixels of `text` set in `font` (a CSS font shorthand). */
export type MeasureText = (text: string, font: string) => number;

/** A rough width for when no canvas is at hand. */
export const estimateText: MeasureText = (text, font) => text.length * (font === LABEL_FONT ? 6.7 : 7.2);

const STATE_HEIGHT = 32;
const INITIAL_SIZE = 10;
/** Line height of transition labels and of a group's title lines (CSS uses the same). */
const LINE_HEIGHT = 14;
const GROUP_TITLE = 34;

/** Options of every level: with hierarchy handling, each group lays out its content by its own options. */
const LAYERED_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
  'elk.edgeLabels.placement': 'CENTER',
  'elk.spacing.nodeNode': '20',
  'elk.layered.spacing.nodeNodeBetweenLayers': '28',
  'elk.spacing.edgeLabel': '4',
  'elk.spacing.edgeEdge': '10',
  'elk.layered.spacing.edgeNodeBetweenLayers': '10',
};

const ROOT_OPTIONS: Record<string, string> = {
  ...LAYERED_OPTIONS,
  // One layout across nesting levels, so transitions between nested states are routed too.
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  // Keep the machine's own order of states where the layout allows (only here: on nested levels it
  // crashes elkjs 0.12 on some graphs).
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  // Edge routes in the coordinates of the whole drawing (nodes stay relative to their parent, as
  // Svelte Flow wants them): the edge component draws them as they are.
  'elk.json.edgeCoords': 'ROOT',
  'elk.padding': '[top=8,left=8,bottom=8,right=8]',
};

/** The root options without the tuning, for a second try when ELK fails on a graph. */
const PLAIN_ROOT_OPTIONS: Record<string, string> = Object.fromEntries(
  Object.entries(ROOT_OPTIONS).filter(
    ([key]) => !key.includes('considerModelOrder') && !key.includes('nodePlacement'),
  ),
);

/** The id of the pseudo-node pointing at `parent`'s initial state. */
function initialId(parent: string): string {
  return `${parent}#initial`;
}

/** The text on a transition: its event, and its guard if it has one. */
export function edgeText(edge: Pick<GraphEdge, 'event' | 'guard'>): string {
  return edge.guard === null ? edge.event : `${edge.event} [${edge.guard}]`;
}

/**
 * A key that changes only when the machine's structure does (not its active states), so a graph is
 * laid out again only when it has to be.
 */
export function structureKey(graph: MachineGraph): string {
  const nodes = graph.nodes.map((n) => `${n.id}<${n.parent ?? ''}:${n.type}:${n.initial ? 1 : 0}`);
  const edges = graph.edges.map((e) => `${e.source}>${e.target}:${edgeText(e)}`);
  return `${graph.actor}|${graph.machine}|${nodes.join(',')}|${edges.join(',')}`;
}

/** Paths of the active states that have no active child: what the machine is "in" (one per region). */
export function activeLeaves(graph: MachineGraph): string[] {
  const active = new Set(graph.active);
  const activeParents = new Set(graph.nodes.filter((n) => active.has(n.id)).map((n) => n.parent));
  return graph.nodes.filter((n) => active.has(n.id) && !activeParents.has(n.id)).map((n) => n.path || n.key);
}

/** Transitions grouped by the pair of states they join, in the machine's order; their texts deduplicated. */
function transitionsByPair(
  graph: MachineGraph,
  ids: ReadonlySet<string>,
): Map<string, { source: string; target: string; texts: string[] }> {
  const pairs = new Map<string, { source: string; target: string; texts: string[] }>();
  for (const edge of graph.edges) {
    const target = edge.target === '' ? edge.source : edge.target;
    if (!ids.has(edge.source) || !ids.has(target)) continue;
    const key = `${edge.source}\n${target}`;
    const pair = pairs.get(key) ?? { source: edge.source, target, texts: [] };
    const text = edgeText(edge);
    if (!pair.texts.includes(text)) pair.texts.push(text);
    pairs.set(key, pair);
  }
  return pairs;
}

/**
 * The ELK graph of a machine graph: states nested as in the machine, transitions between the same two
 * states merged into one edge with a line per transition, a group's transitions to itself kept for its
 * title (see {@link StateNodeData.loops}). `plain` leaves out the layout tuning: a fallback for the
 * graphs ELK fails on with it.
 */
export function toElkGraph(graph: MachineGraph, measure: MeasureText = estimateText, plain = false): ElkNode {
  const ids = new Set(graph.nodes.map((n) => n.id));
  const children = new Map<string | null, GraphNode[]>();
  for (const node of graph.nodes) {
    const parent = node.parent !== null && ids.has(node.parent) ? node.parent : null;
    children.set(parent, [...(children.get(parent) ?? []), node]);
  }
  const isGroup = (id: string): boolean => (children.get(id)?.length ?? 0) > 0;
  const loops = groupLoops(graph, ids, isGroup);
  const edges: ElkExtendedEdge[] = [];

  const toElk = (node: GraphNode): ElkNode => {
    const inner = children.get(node.id) ?? [];
    if (inner.length === 0) {
      const label = node.key || node.id;
      const width = node.type === 'history' ? STATE_HEIGHT : Math.max(64, measure(label, STATE_FONT) + 28);
      return { id: node.id, width, height: STATE_HEIGHT };
    }
    const elkChildren = inner.map(toElk);
    const initial = inner.find((child) => child.initial);
    if (initial !== undefined && node.type !== 'parallel') {
      elkChildren.unshift({ id: initialId(node.id), width: INITIAL_SIZE, height: INITIAL_SIZE });
      edges.push({ id: `edge:${initialId(node.id)}`, sources: [initialId(node.id)], targets: [initial.id] });
    }
    const own = loops.get(node.id) ?? [];
    const titleWidth = Math.max(
      measure(node.key || node.id, STATE_FONT),
      ...own.map((text) => measure(`⟲ ${text}`, LABEL_FONT)),
    );
    return {
      id: node.id,
      layoutOptions: {
        ...LAYERED_OPTIONS,
        'elk.padding': `[top=${GROUP_TITLE + own.length * LINE_HEIGHT},left=16,bottom=16,right=16]`,
        // Wide enough for the group's own title lines.
        'elk.nodeSize.constraints': 'MINIMUM_SIZE',
        'elk.nodeSize.minimum': `(${Math.ceil(titleWidth + 32)}, 60)`,
      },
      children: elkChildren,
    };
  };

  const top = (children.get(null) ?? []).map(toElk);
  let index = 0;
  for (const { source, target, texts } of transitionsByPair(graph, ids).values()) {
    if (source === target && isGroup(source)) continue;
    const width = Math.max(...texts.map((text) => measure(text, LABEL_FONT))) + 10;
    edges.push({
      id: `edge:${index++}`,
      sources: [source],
      targets: [target],
      labels: [{ text: texts.join('\n'), width, height: texts.length * LINE_HEIGHT + 4 }],
    });
  }
  return { id: '#chart', layoutOptions: plain ? PLAIN_ROOT_OPTIONS : ROOT_OPTIONS, children: top, edges };
}

/** Texts of each group's transitions back to itself. */
function groupLoops(
  graph: MachineGraph,
  ids: ReadonlySet<string>,
  isGroup: (id: string) => boolean,
): Map<string, string[]> {
  const loops = new Map<string, string[]>();
  for (const { source, target, texts } of transitionsByPair(graph, ids).values())
    if (source === target && isGroup(source)) loops.set(source, texts);
  return loops;
}

/** Svelte Flow nodes and edges from ELK's answer; parents come before their children, as Svelte Flow requires. */
export function fromElkLayout(graph: MachineGraph, laidOut: ElkNode): ChartLayout {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const ids = new Set(byId.keys());
  const active = new Set(graph.active);
  const loops = groupLoops(graph, ids, (id) => graph.nodes.some((n) => n.parent === id));
  const nodes: ChartNode[] = [];

  const visit = (elkNode: ElkNode, parentId: string | undefined): void => {
    const state = byId.get(elkNode.id);
    const kind: ChartNodeKind = state === undefined ? 'initial' : state.type;
    const grouped = (elkNode.children?.length ?? 0) > 0;
    nodes.push({
      id: elkNode.id,
      type: kind === 'initial' ? 'initial' : grouped ? 'group' : 'state',
      position: { x: elkNode.x ?? 0, y: elkNode.y ?? 0 },
      width: elkNode.width ?? 0,
      height: elkNode.height ?? 0,
      ...(parentId === undefined ? {} : { parentId }),
      draggable: false,
      selectable: false,
      connectable: false,
      data: {
        label: state === undefined ? '' : state.key || state.id,
        kind,
        path: state?.path ?? '',
        active: active.has(elkNode.id),
        loops: loops.get(elkNode.id) ?? [],
      },
    });
    for (const child of elkNode.children ?? []) visit(child, elkNode.id);
  };
  for (const child of laidOut.children ?? []) visit(child, undefined);

  const edges: ChartEdge[] = (laidOut.edges ?? []).map((edge) => {
    const points = (edge.sections ?? []).flatMap((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint]);
    const label = edge.labels?.[0];
    return {
      id: edge.id,
      type: 'transition',
      source: edge.sources[0] ?? '',
      target: edge.targets[0] ?? '',
      selectable: false,
      data: {
        points,
        label: label?.text ?? '',
        labelX: (label?.x ?? 0) + (label?.width ?? 0) / 2,
        labelY: (label?.y ?? 0) + (label?.height ?? 0) / 2,
      },
    };
  });
  return { nodes, edges };
}

/** Marks the nodes in `active` as active, leaving the layout as it is. */
export function withActive(nodes: readonly ChartNode[], active: readonly string[]): ChartNode[] {
  const set = new Set(active);
  return nodes.map((node) =>
    node.data.active === set.has(node.id)
      ? node
      : { ...node, data: { ...node.data, active: set.has(node.id) } },
  );
}
