import type { SystemConfigInput } from '../../actors/kernel/system-config';
import { sampleConfig } from '../../actors/sample/sample-config';
import type { ComponentView, SupervisorView, SystemTreeView } from '../../actors/kernel/system-view';

/** Options of {@link sampleTree}. */
export interface SampleTreeOptions {
  /** The `{inst}` in every key; each spec uses its own. */
  readonly instance: string;
  /** Feed tick period; the sample's 2 s is long for a spec. */
  readonly tickMs: number;
  /** Moving-average window; the sample's 20 by default. */
  readonly window?: number;
  readonly seed?: number;
}

/**
 * The sample tree as plain JSON (what `predator start --config` reads), every component placed
 * in-memory, with a spec's own instance name and a shorter feed tick.
 */
export function sampleTree(options: SampleTreeOptions): SystemConfigInput {
  const config = structuredClone(sampleConfig({ placement: 'memory', seed: options.seed ?? 1 }));
  const visit = (node: Record<string, unknown>): void => {
    if (node.type === 'component') {
      node.placement = 'memory';
      if (node.kind === 'market-feed') node.config = { ...(node.config as object), tickMs: options.tickMs };
      if (node.kind === 'moving-average' && options.window !== undefined) {
        node.config = { ...(node.config as object), window: options.window };
      }
      return;
    }
    for (const child of node.children as Record<string, unknown>[]) visit(child);
  };
  visit(config.root as unknown as Record<string, unknown>);
  return { ...config, instance: options.instance };
}

/** Every component of a tree view, in tree order. */
export function componentsOf(tree: SystemTreeView | SupervisorView): ComponentView[] {
  const root = 'root' in tree ? tree.root : tree;
  const out: ComponentView[] = [];
  const walk = (node: SupervisorView | ComponentView): void => {
    if (node.type === 'component') out.push(node);
    else node.children.forEach(walk);
  };
  walk(root);
  return out;
}

/** `{ feed: 'running', ma: 'degraded', … }`: each component's lifecycle state. */
export function lifecycles(tree: SystemTreeView): Record<string, string> {
  return Object.fromEntries(componentsOf(tree).map((c) => [c.id, c.lifecycle]));
}

/** The component ids of the sample tree. */
export const SAMPLE_COMPONENTS = ['feed', 'ma', 'worker', 'monitor'] as const;
