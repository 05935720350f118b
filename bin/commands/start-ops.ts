import type { Clock } from '../../actors/kernel/clock';
import type { Logger } from '../../actors/kernel/logger';
import type { Runtime } from '../../actors/kernel/runtime';
import type { Store } from '../../actors/kernel/store';
import type { BootLoopVerdict } from '../../actors/ops/boot-loop';
import type { IncidentBook } from '../../actors/ops/incident-book';
import { openOpsStack } from '../../actors/ops/ops-stack';
import type { StabilityGate } from '../../actors/ops/stability-gate';
import type { UptimeWatcher } from '../../actors/ops/uptime-watcher';
import type { Trading } from '../../actors/trading/build-trading';
import type { IncidentsView, OpsView } from '../../gateway/routes/ops';

/** What {@link startOpsRecords} keeps for the instance. */
export interface OpsRecords {
  /** What the gateway serves under `/api/ops` and `/api/incidents`. */
  readonly ops: OpsView;
  /** The incident book, for the operator commands that resolve incidents and sign post-mortems. */
  readonly incidents: IncidentBook;
  /** The stability gate, for the operator's sign-off. */
  readonly gate: StabilityGate;
  /** Stops sampling and writes the clean-stop marker; before the runtime closes the store. */
  stop(): Promise<void>;
}

/**
 * The operations records of a running instance ({@link openOpsStack}), once its runtime has
 * started, with the views the gateway serves over them.
 */
export async function startOpsRecords(o: {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly runtime: Runtime;
  readonly trading: Trading | undefined;
  readonly uptime: UptimeWatcher;
  readonly bootLoop: BootLoopVerdict;
}): Promise<OpsRecords> {
  const { trading, ...rest } = o;
  const stack = await openOpsStack({ ...rest, ...(trading ? { services: trading.services } : {}) });
  const { uptime, anomalies, watchdog, gate, reports } = stack;
  return {
    ops: {
      uptime: (windowMs) => uptime.snapshot(windowMs),
      incidents: incidentsView(stack.incidents),
      anomalies: (query) => anomalies.snapshot(query),
      watchdog: () => watchdog.snapshot(),
      gates: { stability: () => gate.evaluate() },
      reports,
    },
    incidents: stack.incidents,
    gate,
    stop: () => stack.stop(),
  };
}

/** The book as the gateway reads it: a post-mortem not drafted yet is drafted on first read. */
function incidentsView(book: IncidentBook): IncidentsView {
  const postmortem = async (id: number) => (await book.postmortem(id)) ?? (await book.draftPostmortem(id));
  return {
    list: (state) => book.list(state),
    get: (id) => book.get(id),
    postmortem,
    postmortemMarkdown: async (id) => {
      await postmortem(id);
      return book.postmortemMarkdown(id);
    },
  };
}
