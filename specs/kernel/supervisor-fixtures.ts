import * as path from 'node:path';
import type { ExecutionContext } from 'ava';
import { setup } from 'xstate';
import { z } from 'zod';
import { VirtualClock } from '../../actors/kernel/clock-virtual';
import { defineComponent } from '../../actors/kernel/component';
import type { ComponentDefinition } from '../../actors/kernel/component';
import { ComponentActor } from '../../actors/kernel/component-actor';
import type { JournalEntry } from '../../actors/kernel/journal-entry';
import { silentLogger } from '../../actors/kernel/logger';
import { ComponentRegistry } from '../../actors/kernel/registry';
import { Runtime } from '../../actors/kernel/runtime';
import { MemoryStore } from '../../actors/kernel/store-memory';
import type { ComponentView, RestartType, SupervisorView } from '../../actors/kernel/system-view';

/**
 * A worker that runs until told to finish: `{ type: 'finish' }` takes it to a final state, which its
 * host reports to the supervisor as a `normal` exit. Crashes come from the host (`sys.fault.crash`).
 */
export const workerMachine = setup({
  types: {} as { events: { type: 'finish' } },
}).createMachine({
  id: 'worker',
  initial: 'working',
  states: {
    working: { on: { finish: 'done' } },
    done: { type: 'final' },
  },
});

/** The `worker` component kind: {@link workerMachine}, no config. */
const worker = defineComponent({
  kind: 'worker',
  description: 'Conformance-spec worker: runs until `finish`',
  machine: workerMachine,
  configSchema: z.strictObject({}),
  input: () => ({}),
});
export default worker;

/** Thrown by a `flaky` worker's start while its start budget says fail. */
export class StartRefusedError extends Error {
  constructor(readonly actor: string) {
    super(`${actor} refused to start (spec fixture)`);
    this.name = 'StartRefusedError';
  }
}

/**
 * A `flaky` kind: the same machine as `worker`, but a start fails (its input throws) while the
 * component's budget of refused starts lasts. Built per test so no state is shared between tests;
 * memory placement only (a forked child would load this module's default export, the plain worker).
 */
function flakyWorker(refusals: Map<string, number>): ComponentDefinition {
  return defineComponent({
    kind: 'flaky',
    description: 'Conformance-spec worker whose starts can be made to fail',
    machine: workerMachine,
    configSchema: z.strictObject({}),
    input: ({ id }) => {
      const left = refusals.get(id) ?? 0;
      if (left > 0) {
        refusals.set(id, left - 1);
        throw new StartRefusedError(id);
      }
      return {};
    },
  });
}

// ---- Tree declarations -------------------------------------------------------------------------

/** A component node of a system spec. */
export interface WorkerNode {
  readonly type: 'component';
  readonly id: string;
  readonly kind: 'worker' | 'flaky';
  readonly restart: RestartType;
  readonly shutdown: 'brutal_kill' | 'infinity' | number;
}

/** A supervisor node of a system spec. */
export interface SupervisorNode {
  readonly type: 'supervisor';
  readonly id: string;
  readonly strategy: 'one_for_one' | 'one_for_all' | 'rest_for_one';
  readonly intensity: number;
  readonly periodMs: number;
  readonly restart: RestartType;
  readonly backoff?: { readonly minMs: number; readonly maxMs: number; readonly jitter: number };
  readonly children: readonly (WorkerNode | SupervisorNode)[];
}

/** A worker node (`kind: 'flaky'` for one whose starts can be refused); shutdown 1 s unless given. */
export function workerNode(
  id: string,
  restart: RestartType = 'permanent',
  kind: 'worker' | 'flaky' = 'worker',
  shutdown: WorkerNode['shutdown'] = 1_000,
): WorkerNode {
  return { type: 'component', id, kind, restart, shutdown };
}

/** A supervisor node; OTP defaults are not assumed: every policy field is spelled out by the caller. */
export function supervisorNode(
  id: string,
  policy: Omit<SupervisorNode, 'type' | 'id' | 'children'>,
  children: readonly (WorkerNode | SupervisorNode)[],
): SupervisorNode {
  return { type: 'supervisor', id, ...policy, children };
}

// ---- A running system ---------------------------------------------------------------------------

/** A system under test on its own virtual clock and in-memory store. */
export interface Subject {
  readonly runtime: Runtime;
  readonly clock: VirtualClock;
  /** Makes the next `count` starts of flaky component `id` fail. */
  refuseStarts(id: string, count: number): void;
  /**
   * Builds a component the way the runtime does, for `SupervisorActor.startChild`. The runtime does
   * not know it (`runtime.send` dead-letters it): deliver events with `deliver`.
   */
  dynamicWorker(id: string, restart: RestartType, kind?: 'worker' | 'flaky'): ComponentActor;
}

/**
 * Starts `root` as a system on a fresh virtual clock, every component in memory, and stops it
 * when the test ends.
 */
export async function startSystem(
  t: ExecutionContext,
  root: SupervisorNode,
  options: { seed?: number } = {},
): Promise<Subject> {
  const clock = new VirtualClock();
  const refusals = new Map<string, number>();
  const module = path.join(__dirname, 'supervisor-fixtures.ts');
  const registry = new ComponentRegistry().register(worker, module).register(flakyWorker(refusals), module);
  const runtime = await Runtime.start({
    config: { instance: 'otp', seed: options.seed ?? 1, root },
    clock,
    store: new MemoryStore({ instance: 'otp' }),
    logger: silentLogger(),
    registry,
    placement: 'memory',
  });
  t.teardown(() => runtime.stop());
  await clock.settle();
  return {
    runtime,
    clock,
    refuseStarts: (id, count) => refusals.set(id, count),
    // There is no public factory for a dynamic child: this mirrors Runtime.build (see the report).
    dynamicWorker: (id, restart, kind = 'worker') => {
      const entry = registry.get(kind);
      return new ComponentActor(
        {
          id,
          kind,
          placement: 'memory',
          restart,
          shutdown: 1_000,
          subscribe: [],
          config: registry.resolveConfig(kind, {}),
          definition: entry.definition,
          module: entry.module,
        },
        runtime.kernel,
      );
    },
  };
}

// ---- Reading the outcome ------------------------------------------------------------------------

/** A node of the tree by id, or undefined when its supervisor no longer has it. */
export function nodeOf(runtime: Runtime, id: string): ComponentView | SupervisorView | undefined {
  const find = (node: SupervisorView): ComponentView | SupervisorView | undefined => {
    for (const child of node.children) {
      if (child.id === id) return child;
      if (child.type === 'supervisor') {
        const found = find(child);
        if (found) return found;
      }
    }
    return undefined;
  };
  const root = runtime.tree().root;
  return root.id === id ? root : find(root);
}

/** A supervisor's view by id; throws when it is not in the tree. */
export function supervisorView(runtime: Runtime, id: string): SupervisorView {
  const node = nodeOf(runtime, id);
  if (node?.type !== 'supervisor') throw new Error(`${id} is not a supervisor in the tree`);
  return node;
}

/** A component's view by id; throws when it is not in the tree. */
export function componentView(runtime: Runtime, id: string): ComponentView {
  const node = nodeOf(runtime, id);
  if (node?.type !== 'component') throw new Error(`${id} is not a component in the tree`);
  return node;
}

/** How many times a child in the tree was started again: a component's or a supervisor's own restarts. */
export function timesRestarted(runtime: Runtime, id: string): number | undefined {
  const node = nodeOf(runtime, id);
  if (node === undefined) return undefined;
  return node.type === 'component' ? node.restarts : node.selfRestarts;
}

/** Every journal entry so far, oldest first. */
export async function journal(runtime: Runtime): Promise<JournalEntry[]> {
  return runtime.journal({ limit: 1_000_000 });
}

/** Entries after `since` of one actor's machine, as `from → to` steps. */
export function steps(entries: readonly JournalEntry[], actor: string, machine: string, since = 0): string[] {
  return entries
    .filter((e) => e.seq > since && e.actor === actor && e.machine === machine)
    .map((e) => `${e.from} → ${e.to}`);
}

/** Ids of components whose lifecycle went `from → to` after `since`, in journal order. */
export function whoWent(entries: readonly JournalEntry[], from: string, to: string, since = 0): string[] {
  return entries
    .filter((e) => e.seq > since && e.machine === 'lifecycle' && e.from === from && e.to === to)
    .map((e) => e.actor);
}

/** Journal times of one actor's lifecycle moves `from → to` after `since`. */
export function timesOf(
  entries: readonly JournalEntry[],
  actor: string,
  from: string,
  to: string,
  since = 0,
): number[] {
  return entries
    .filter(
      (e) =>
        e.seq > since && e.actor === actor && e.machine === 'lifecycle' && e.from === from && e.to === to,
    )
    .map((e) => e.t);
}

/** Lifecycle steps of a component stopped by its supervisor. */
export const STOPPED = ['running → stopping', 'stopping → stopped'];
/** Lifecycle steps of a component started again after it stopped. */
export const STARTED_AGAIN = ['stopped → ready', 'ready → starting', 'starting → running'];
/** Lifecycle steps of a component started again after it crashed. */
export const STARTED_AFTER_FAULT = ['faulted → ready', 'ready → starting', 'starting → running'];
