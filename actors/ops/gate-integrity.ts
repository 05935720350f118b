import type { IncidentState } from '../../machines/incident.machine';
import type { ComponentView, SupervisorView, SystemTreeView } from '../kernel/system-view';
import type { CriterionResult } from './gate-criteria';
import { idList, isoOf } from './gate-criteria';
import type { IncidentView } from './incident-view';
import type { StabilityGateConfig } from './stability-gate.config';

/**
 * The journal went back at a process start: the store held fewer entries than a previous process
 * had seen it acknowledge. Entries the store had confirmed were lost (a Redis restored from an
 * older copy, a stream deleted by hand): history is corrupt, and nothing in the runtime repairs it.
 */
export interface JournalRegression {
  /** Clock time of the start that found it. */
  readonly at: number;
  /** The highest `seq` the store had acknowledged, as the gate recorded it. */
  readonly acknowledged: number;
  /** Where the journal continued instead. */
  readonly found: number;
}

/** An incident of a corruption kind that nobody has settled yet. */
export interface UnrecoveredIncident {
  readonly id: number;
  readonly kind: string;
  readonly state: IncidentState;
  readonly actor: string;
  readonly raisedAt: number;
}

/** A component `faulted` or a supervisor `failed` for longer than `stuckAfterMs` while the system ran. */
export interface StuckActor {
  readonly id: string;
  readonly type: 'component' | 'supervisor';
  readonly state: string;
  /** When the gate first saw it there. */
  readonly since: number;
}

/** The figures behind the state-integrity verdict. */
export interface IntegrityEvidence {
  /** Open or mitigated incidents of a corruption kind (resolved means an operator settled them). */
  readonly unrecoveredIncidents: readonly UnrecoveredIncident[];
  readonly corruptionKinds: readonly string[];
  /** Null when the gate was given no tree to look at. */
  readonly stuckActors: readonly StuckActor[] | null;
  /** Journal regressions found within the gate's period. */
  readonly journalRegressions: readonly JournalRegression[];
}

/**
 * Remembers since when each component has been `faulted` and each supervisor `failed`, across
 * evaluations: a restart passes through `faulted` in an instant, so only one that stays is stuck.
 */
export class StuckTracker {
  private readonly seen = new Map<string, StuckActor>();

  /** Looks at the tree now; returns those there for `stuckAfterMs` or more. Nothing is stuck unless the system runs. */
  observe(tree: SystemTreeView, now: number, stuckAfterMs: number): StuckActor[] {
    const current = new Map<string, StuckActor>();
    if (tree.state === 'running') {
      for (const node of walk(tree.root)) {
        const bad = node.type === 'component' ? node.lifecycle === 'faulted' : node.state === 'failed';
        if (!bad) continue;
        const state = node.type === 'component' ? node.lifecycle : node.state;
        const before = this.seen.get(node.id);
        current.set(
          node.id,
          before?.state === state ? before : { id: node.id, type: node.type, state, since: now },
        );
      }
    }
    this.seen.clear();
    for (const [id, actor] of current) this.seen.set(id, actor);
    return [...current.values()].filter((a) => now - a.since >= stuckAfterMs);
  }
}

function* walk(node: SupervisorView | ComponentView): Generator<SupervisorView | ComponentView> {
  yield node;
  if (node.type === 'supervisor') for (const child of node.children) yield* walk(child);
}

/**
 * No unrecovered state corruption: no open or mitigated incident of a corruption kind
 * (`corruptionKinds`: a reconciliation mismatch for a human, an order whose outcome is unknown, bad
 * venue data), no component stuck `faulted` or supervisor stuck `failed`, and no journal regression
 * within the gate's period.
 */
export function judgeIntegrity(
  incidents: readonly IncidentView[],
  stuck: readonly StuckActor[] | null,
  regressions: readonly JournalRegression[],
  config: Pick<StabilityGateConfig, 'corruptionKinds' | 'periodStart'>,
): CriterionResult<IntegrityEvidence> {
  const kinds = new Set(config.corruptionKinds);
  const unrecoveredIncidents = incidents
    .filter((i) => kinds.has(i.kind) && (i.state === 'open' || i.state === 'mitigated'))
    .map((i) => ({ id: i.id, kind: i.kind, state: i.state, actor: i.actor, raisedAt: i.raisedAt }));
  const from = config.periodStart ?? -Infinity;
  const journalRegressions = regressions.filter((r) => r.at >= from);
  const evidence: IntegrityEvidence = {
    unrecoveredIncidents,
    corruptionKinds: [...config.corruptionKinds],
    stuckActors: stuck === null ? null : [...stuck],
    journalRegressions,
  };
  const problems: string[] = [];
  if (unrecoveredIncidents.length > 0)
    problems.push(
      `unresolved corruption incident(s) ${idList(unrecoveredIncidents.map((i) => i.id))}: settle them, then resolve`,
    );
  if (stuck !== null && stuck.length > 0)
    problems.push(`stuck: ${stuck.map((a) => `${a.id} ${a.state} since ${isoOf(a.since)}`).join(', ')}`);
  for (const r of journalRegressions)
    problems.push(
      `journal went back at ${isoOf(r.at)}: the store had acknowledged seq ${r.acknowledged}, continued at ${r.found}`,
    );
  if (problems.length > 0) return { met: false, evidence, detail: problems.join('; ') };
  const tree = stuck === null ? 'tree not checked' : 'no component stuck';
  return {
    met: true,
    evidence,
    detail: `no open or mitigated ${config.corruptionKinds.join('/')} incident; ${tree}; the journal never went back`,
  };
}
