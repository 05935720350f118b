import type { ComponentView, SupervisorView, SystemTreeView } from '../../../actors/kernel/system-view';

/** A node of the supervision tree. */
export type TreeNode = SupervisorView | ComponentView;

/** What the chart panel shows: an actor of the tree, or the system machine above the root. */
export type Selection =
  | { readonly kind: 'system'; readonly id: string }
  | { readonly kind: 'supervisor'; readonly id: string }
  | { readonly kind: 'component'; readonly id: string };

/** The node with `id` under `node` (depth first), if any. */
export function findNode(node: TreeNode, id: string): TreeNode | undefined {
  if (node.id === id) return node;
  if (node.type === 'component') return undefined;
  for (const child of node.children) {
    const found = findNode(child, id);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Counts of the tree's components by lifecycle state, for the header. */
export function lifecycleCounts(tree: SystemTreeView): Map<string, number> {
  const counts = new Map<string, number>();
  const visit = (node: TreeNode): void => {
    if (node.type === 'component') counts.set(node.lifecycle, (counts.get(node.lifecycle) ?? 0) + 1);
    else node.children.forEach(visit);
  };
  visit(tree.root);
  return counts;
}

/** The selection for a node of the tree. */
export function selectionOf(node: TreeNode): Selection {
  return { kind: node.type, id: node.id };
}
