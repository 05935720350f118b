import type { SystemView } from '../kernel/system-view';
import type { ContinuityAnchor } from './gate-continuity';
import { continuityAnchor, judgeContinuity } from './gate-continuity';
import { judgeBalance, judgePostmortems } from './gate-incidents';
import type { JournalRegression, StuckTracker } from './gate-integrity';
import { judgeIntegrity } from './gate-integrity';
import type { IncidentBook } from './incident-book';
import type { StabilityRecordCriteria } from './stability-gate-result';
import type { StabilityGateConfig } from './stability-gate.config';
import type { UptimeSnapshot } from './uptime-snapshot';

/** The records the stability gate judges. */
export interface StabilityRecords {
  /** The uptime watcher (`UptimeWatcher.snapshot`). */
  readonly uptime: { snapshot(): UptimeSnapshot };
  /** The incident book. */
  readonly incidents: Pick<IncidentBook, 'list' | 'withoutPostmortem'>;
  /** The running tree (the runtime); the stuck-component check is skipped without it. */
  readonly system?: Pick<SystemView, 'tree'>;
}

/** What the gate itself remembers between judgements. */
export interface GateMemory {
  /** Continuity anchor kept in the gate's record; null the first time. */
  readonly continuity: ContinuityAnchor | null;
  readonly regressions: readonly JournalRegression[];
  readonly stuck: StuckTracker;
}

/**
 * Judges the four record criteria now, each with its evidence, and the continuity anchor to keep.
 * Reads only: the caller steps the machine and stores.
 */
export function judgeRecords(
  records: StabilityRecords,
  memory: GateMemory,
  config: StabilityGateConfig,
  now: number,
): { readonly criteria: StabilityRecordCriteria; readonly anchor: ContinuityAnchor } {
  const snapshot = records.uptime.snapshot();
  const all = records.incidents.list();
  const tree = records.system?.tree();
  const stuck = tree === undefined ? null : memory.stuck.observe(tree, now, config.stuckAfterMs);
  const anchor = continuityAnchor(memory.continuity, snapshot, config.maxPlannedDowntimeMs);
  return {
    anchor,
    criteria: {
      continuousOperation: judgeContinuity(anchor, snapshot, config),
      stateIntegrity: judgeIntegrity(all, stuck, memory.regressions, config),
      balanceEvents: judgeBalance(all, config),
      postmortems: judgePostmortems(all.length, records.incidents.withoutPostmortem()),
    },
  };
}
