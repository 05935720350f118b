import type { PendingAsks } from '../kernel/pending-asks';
import type { Runtime } from '../kernel/runtime';
import type { Watchdog } from '../kernel/watchdog';
import type { AnomalyObservation } from './anomaly-record';
import type { IncidentSink } from './boot-loop';

/** One component of the tree, as the view judges it. */
export interface WatchdogComponent {
  readonly id: string;
  /** Lifecycle state: only `running` and `degraded` components must answer heartbeats. */
  readonly lifecycle: string;
}

/** Where anomaly findings go: the anomaly tracker. */
export interface AnomalySink {
  report(observation: AnomalyObservation): { readonly id: number };
}

/**
 * What the {@link WatchdogView} reads and where its findings go.
 *
 * @example
 * const sources = runtimeWatchdogSources(runtime, anomalies); // anomalies: an AnomalyTracker
 */
export interface WatchdogSources {
  /** The kernel watchdog: its view of each watched component, and its failures. */
  readonly heartbeats: Pick<Watchdog, 'view' | 'state' | 'onFailed'>;
  /** The kernel's pending asks. */
  readonly asks: Pick<PendingAsks, 'list'>;
  /** Every component of the tree, in start order. */
  components(): readonly WatchdogComponent[];
  /** The system machine's state. */
  systemState(): string;
  /** Where incidents go (`Runtime.raiseIncident`): the incident book and the journal get them. */
  readonly incidents: IncidentSink;
  /** Where anomalies go; without it they are only in the view's `recorded` list. */
  readonly anomalies?: AnomalySink;
}

/** The sources of a running instance: its runtime's kernel, and its anomaly tracker if it keeps one. */
export function runtimeWatchdogSources(runtime: Runtime, anomalies?: AnomalySink): WatchdogSources {
  return {
    heartbeats: runtime.kernel.watchdog,
    asks: runtime.kernel.asks,
    components: () =>
      runtime.componentIds().map((id) => ({ id, lifecycle: runtime.component(id)?.lifecycleState ?? '' })),
    systemState: () => runtime.state,
    incidents: runtime,
    ...(anomalies ? { anomalies } : {}),
  };
}
