import type { JournalEntry, JournalQuery } from './journal-entry';

/** Restart strategies, as in OTP. */
export type SupervisorStrategy = 'one_for_one' | 'one_for_all' | 'rest_for_one';
/** Restart types, as in OTP. */
export type RestartType = 'permanent' | 'transient' | 'temporary';
/** Where a component runs: in this process, or in a child process of its own. */
export type Placement = 'memory' | 'forked';

/** A component in the tree, as the gateway and dashboard see it. */
export interface ComponentView {
  readonly type: 'component';
  readonly id: string;
  /** Component kind from the registry (`market-feed`). */
  readonly kind: string;
  readonly placement: Placement;
  readonly restart: RestartType;
  /** Lifecycle state: ready, starting, running, degraded, stopping, stopped, faulted, disposed. */
  readonly lifecycle: string;
  /** Why it is degraded or faulted (`store down`, `missed 2 heartbeats`); null otherwise. */
  readonly reason: string | null;
  /** Behaviour machine id. */
  readonly machine: string;
  /** Behaviour machine state as a dotted path; empty when the component is not running. */
  readonly state: string;
  /** Times this component has been restarted by its supervisor since the process started. */
  readonly restarts: number;
  /** Clock time of the last (re)start, if running. */
  readonly startedAt: number | null;
  /** Milliseconds since the last (re)start; 0 when not running. */
  readonly uptimeMs: number;
  /** Consecutive missed heartbeats right now. */
  readonly missedHeartbeats: number;
  /** OS process id for forked components. */
  readonly pid: number | null;
  /** A small, JSON-safe summary of the machine context chosen by the component (e.g. last price). */
  readonly summary: Readonly<Record<string, unknown>>;
}

/** A supervisor in the tree. */
export interface SupervisorView {
  readonly type: 'supervisor';
  readonly id: string;
  readonly strategy: SupervisorStrategy;
  readonly restart: RestartType;
  /** At most `intensity` restarts within `periodMs`; one more and the supervisor gives up. */
  readonly intensity: number;
  readonly periodMs: number;
  /** Supervisor machine state (`running`, `restarting`, `stopping`, `stopped`, `failed`). */
  readonly state: string;
  /** Restarts this supervisor has carried out since the process started. */
  readonly restarts: number;
  /** Restarts inside the current intensity window. */
  readonly recentRestarts: number;
  /** Times this supervisor has itself been restarted by its parent. */
  readonly selfRestarts: number;
  readonly children: readonly (SupervisorView | ComponentView)[];
}

/** The whole system: the root supervisor and the system machine above it. */
export interface SystemTreeView {
  readonly instance: string;
  /** System machine state: booting, running, halting, halted. */
  readonly state: string;
  /** Why the system halted, if it did. */
  readonly haltReason: string | null;
  readonly now: number;
  /** Clock time the process started. */
  readonly startedAt: number;
  /** Restarts the deepest chain of supervisors carries out in a burst before a GLOBAL HALT. */
  readonly maxRestartsBeforeHalt: number;
  readonly store: { readonly kind: 'memory' | 'redis'; readonly durable: boolean; readonly up: boolean };
  readonly root: SupervisorView;
}

/** `GET /api/health`. */
export interface HealthView {
  /** `ok` when running with the store up, `degraded` when the store is down, `halted`, or `starting`. */
  readonly status: 'ok' | 'degraded' | 'halted' | 'starting';
  readonly instance: string;
  readonly system: string;
  readonly store: { readonly kind: 'memory' | 'redis'; readonly durable: boolean; readonly up: boolean };
  readonly uptimeMs: number;
  readonly now: number;
  /** Highest journal sequence number so far. */
  readonly journalSeq: number;
}

/** A state node of a machine graph. */
export interface GraphNode {
  /** Full state node id (`moving-average.tracking.above`). */
  readonly id: string;
  /** Key within its parent (`above`). */
  readonly key: string;
  /** Dotted path from the root (`tracking.above`); empty for the root node. */
  readonly path: string;
  /** Parent node id; absent for the root. */
  readonly parent: string | null;
  readonly type: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
  /** Whether this node is its parent's initial state. */
  readonly initial: boolean;
}

/** A transition of a machine graph. */
export interface GraphEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  /** Event type (`price.ticked`) or `after 5000` for delayed transitions. */
  readonly event: string;
  /** Guard name, if the transition is guarded. */
  readonly guard: string | null;
}

/** `GET /api/machines/:actor/graph`: derived from the machine object, never written by hand. */
export interface MachineGraph {
  readonly actor: string;
  readonly machine: string;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  /** Ids of the currently active state nodes (leaf and ancestors). */
  readonly active: readonly string[];
}

/**
 * The read-only face of a running system: everything the gateway needs, nothing it could use to
 * change state.
 */
export interface SystemView {
  readonly instance: string;
  health(): HealthView;
  tree(): SystemTreeView;
  journal(query: JournalQuery): Promise<JournalEntry[]>;
  /** Graph of the actor's machine; `machine` picks `lifecycle` for a component instead of its behaviour. */
  graph(actor: string, machine?: 'behaviour' | 'lifecycle'): MachineGraph | undefined;
  /** Live transitions, each after it has been numbered; returns the unsubscribe function. */
  onTransition(listener: (entry: JournalEntry) => void): () => void;
}
