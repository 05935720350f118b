import { VirtualClock } from '../../actors/kernel/clock-virtual';
import { silentLogger } from '../../actors/kernel/logger';
import { Runtime } from '../../actors/kernel/runtime';
import type { RuntimeOptions } from '../../actors/kernel/runtime';
import type { Store } from '../../actors/kernel/store';
import { MemoryStore } from '../../actors/kernel/store-memory';
import type { ComponentView, SupervisorView } from '../../actors/kernel/system-view';
import { sampleConfig } from '../../actors/sample/sample-config';

/** A runtime on a virtual clock with every component in-memory: the default for kernel specs. */
export async function simulated(
  options: Partial<RuntimeOptions> & { store?: Store } = {},
): Promise<{ runtime: Runtime; clock: VirtualClock; store: Store }> {
  const clock = options.clock instanceof VirtualClock ? options.clock : new VirtualClock();
  const store = options.store ?? new MemoryStore({ instance: 'default' });
  const runtime = await Runtime.start({
    config: sampleConfig({ placement: 'memory' }),
    logger: silentLogger(),
    placement: 'memory',
    ...options,
    clock,
    store,
  });
  return { runtime, clock, store };
}

/** A node of the tree by id. */
export function findNode(root: SupervisorView, id: string): ComponentView | SupervisorView | undefined {
  if (root.id === id) return root;
  for (const child of root.children) {
    if (child.id === id) return child;
    if (child.type === 'supervisor') {
      const found = findNode(child, id);
      if (found) return found;
    }
  }
  return undefined;
}

/** A component's view by id; throws if it is not a component. */
export function componentView(runtime: Runtime, id: string): ComponentView {
  const node = findNode(runtime.tree().root, id);
  if (node?.type !== 'component') throw new Error(`${id} is not a component`);
  return node;
}
