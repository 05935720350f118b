import type { PendingAsk } from '../kernel/pending-asks';
import type { HeartbeatConfig, HeartbeatState } from '../kernel/watchdog';
import type { AnomalyObservation } from './anomaly-record';
import type { WaitCycle } from './watchdog-deadlocks';
import type { WatchdogViewConfig } from './watchdog-view.config';

/** Incident kind of a component that stopped draining its mailbox. */
export const HUNG_COMPONENT_INCIDENT = 'HUNG_COMPONENT';
/** Incident kind of components waiting on each other's answers in a ring. */
export const DEADLOCK_INCIDENT = 'DEADLOCK';

/** What the watchdog view finds. */
export type WatchdogFindingKind = 'heartbeat-missed' | 'heartbeat-unwatched' | 'hung-component' | 'deadlock';

/** How bad a finding is; it decides how it is recorded ({@link RECORDED_AS}). */
export type WatchdogSeverity = 'warning' | 'critical';

/**
 * Severity of each finding, and so where it goes: a warning is an anomaly (the anomaly tracker's
 * record of that kind about the component), a critical finding an incident (`runtime.raiseIncident`,
 * so the incident book and the journal have it).
 *
 * | finding | severity | recorded as |
 * |---|---|---|
 * | `heartbeat-missed`: misses below the kill threshold, then an answer | warning | anomaly `heartbeat-missed`, when it answers again |
 * | `heartbeat-unwatched`: running, no heartbeats for `unwatchedAfterMs` | warning | anomaly `heartbeat-unwatched`, once per spell |
 * | `hung-component`: a probe out or an ask pending for `hungAfterMs`, or killed by the watchdog | critical | incident `HUNG_COMPONENT`, once per hang |
 * | `deadlock`: a ring of pending asks between components | critical | incident `DEADLOCK`, once per ring |
 */
export const SEVERITY: Readonly<Record<WatchdogFindingKind, WatchdogSeverity>> = {
  'heartbeat-missed': 'warning',
  'heartbeat-unwatched': 'warning',
  'hung-component': 'critical',
  deadlock: 'critical',
};

/** Where a finding of each severity is recorded. */
export const RECORDED_AS: Readonly<Record<WatchdogSeverity, 'anomaly' | 'incident'>> = {
  warning: 'anomaly',
  critical: 'incident',
};

/** One finding: a condition seen at a look, or (in {@link RecordedFinding}) one that was recorded. */
export interface WatchdogFinding {
  readonly kind: WatchdogFindingKind;
  readonly severity: WatchdogSeverity;
  /** The component, or the ring of a deadlock in waiting order. */
  readonly components: readonly string[];
  /** Clock time the condition began (the oldest probe or ask; the first look without heartbeats). */
  readonly since: number;
  /** Clock time it was seen. */
  readonly t: number;
  /** One line for people. */
  readonly summary: string;
}

/** A finding as recorded: what it became and the record's id. */
export interface RecordedFinding extends WatchdogFinding {
  readonly recordedAs: 'anomaly' | 'incident';
  /** The incident's id, or the anomaly record's; null when no anomaly tracker is wired. */
  readonly ref: number | null;
}

/** One component as the view sees it (`GET /api/ops/watchdog`). */
export interface WatchedComponentView {
  readonly id: string;
  readonly lifecycle: string;
  /** Under the kernel watchdog now (probed, if it runs). */
  readonly watched: boolean;
  readonly watchedAt: number | null;
  /** Consecutive misses now. */
  readonly missed: number;
  /** Misses since it was last watched afresh. */
  readonly missedTotal: number;
  /** Last probe answered. */
  readonly answeredAt: number | null;
  /** The oldest probe still out; null when none is. */
  readonly outstandingSince: number | null;
}

/** A pending ask as served, with its age. */
export interface PendingAskView extends PendingAsk {
  readonly ageMs: number;
}

/** `GET /api/ops/watchdog`: what the kernel watchdog knows, the asks in flight, and the findings. */
export interface WatchdogSnapshot {
  readonly now: number;
  /** The system machine's state: findings are judged only while it is `running`. */
  readonly system: string;
  readonly heartbeat: HeartbeatConfig & { readonly running: boolean; readonly failures: number };
  readonly config: WatchdogViewConfig;
  /** Clock time of the last look; null before the first. */
  readonly lastLookAt: number | null;
  /** Every component of the tree, in start order. */
  readonly components: readonly WatchedComponentView[];
  /** Asks waiting for their answer, oldest first. */
  readonly asks: readonly PendingAskView[];
  /** The conditions seen at the last look. */
  readonly findings: readonly WatchdogFinding[];
  /** Findings recorded as anomalies or incidents, newest first (bounded by `keepRecorded`). */
  readonly recorded: readonly RecordedFinding[];
}

/** What an incident about a finding says: its kind, detail and data (for `raiseIncident`). */
export interface IncidentReport {
  readonly kind: string;
  readonly detail: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/** A ring of components waiting on each other, as a finding and its `DEADLOCK` incident. */
export function deadlockFinding(
  cycle: WaitCycle,
  now: number,
): { finding: WatchdogFinding; incident: IncidentReport } {
  const since = Math.min(...cycle.asks.map((ask) => ask.since));
  const ring = [...cycle.members, cycle.members[0]].join(' → ');
  const summary = `deadlock: ${ring}, each waiting on the next's answer (the oldest for ${now - since} ms)`;
  const finding = findingOf('deadlock', cycle.members, since, now, summary);
  const asks = cycle.asks.map(({ id, from, to, event, since: at, timeoutMs }) => ({
    id,
    from,
    to,
    event,
    since: at,
    timeoutMs,
  }));
  const data = { severity: finding.severity, cycle: cycle.members, since, asks };
  return { finding, incident: { kind: DEADLOCK_INCIDENT, detail: summary, data } };
}

/**
 * A component that stopped draining its mailbox since `since`, as a finding and its `HUNG_COMPONENT`
 * incident: seen by the view (a probe or an ask too old), or `killed` by the kernel watchdog.
 */
export function hungFinding(
  id: string,
  since: number,
  state: HeartbeatState | undefined,
  asks: readonly PendingAsk[],
  now: number,
  killed: boolean,
): { finding: WatchdogFinding; incident: IncidentReport } {
  const what = killed
    ? `missed ${state?.missed ?? 0} heartbeats in a row: the watchdog fails it`
    : state?.outstandingSince === since
      ? `a heartbeat probe out for ${now - since} ms`
      : `an ask pending for ${now - since} ms`;
  const finding = findingOf('hung-component', [id], since, now, `${id} is hung: ${what}`);
  const data = {
    severity: finding.severity,
    since,
    killed,
    missed: state?.missed ?? 0,
    answeredAt: state?.answeredAt ?? null,
    outstandingSince: state?.outstandingSince ?? null,
    asks: asks.map(({ id: ask, from, event, since: at }) => ({ id: ask, from, event, since: at })),
  };
  return { finding, incident: { kind: HUNG_COMPONENT_INCIDENT, detail: finding.summary, data } };
}

/** Heartbeats missed right now, fewer than the kill threshold: shown, recorded once it answers. */
export function missingFinding(state: HeartbeatState, maxMissed: number, now: number): WatchdogFinding {
  const since = state.outstandingSince ?? state.answeredAt ?? state.watchedAt;
  const summary = `${state.id} missed ${state.missed} of ${maxMissed} heartbeats allowed`;
  return findingOf('heartbeat-missed', [state.id], since, now, summary);
}

/** `misses` heartbeats missed and the component answered again: the finding and its anomaly. */
export function recoveredFinding(
  state: HeartbeatState,
  misses: number,
  now: number,
): { finding: WatchdogFinding; observation: AnomalyObservation } {
  const summary = `${state.id} missed ${misses} heartbeat${misses === 1 ? '' : 's'} and answered again`;
  const finding = findingOf('heartbeat-missed', [state.id], state.answeredAt ?? now, now, summary);
  const evidence = { missedTotal: state.missedTotal, answeredAt: state.answeredAt };
  return { finding, observation: observationOf(finding, misses, 'misses', evidence) };
}

/** A running component without heartbeats since `since`: the finding and its anomaly. */
export function unwatchedFinding(
  id: string,
  since: number,
  watchdogRunning: boolean,
  now: number,
): { finding: WatchdogFinding; observation: AnomalyObservation } {
  const why = watchdogRunning ? 'not watched' : 'the watchdog is stopped';
  const finding = findingOf(
    'heartbeat-unwatched',
    [id],
    since,
    now,
    `${id} is running without heartbeats (${why})`,
  );
  return { finding, observation: observationOf(finding, now - since, 'ms', { since, watchdogRunning }) };
}

function findingOf(
  kind: WatchdogFindingKind,
  components: readonly string[],
  since: number,
  t: number,
  summary: string,
): WatchdogFinding {
  return { kind, severity: SEVERITY[kind], components, since, t, summary };
}

function observationOf(
  finding: WatchdogFinding,
  value: number,
  unit: string,
  evidence: Readonly<Record<string, unknown>>,
): AnomalyObservation {
  return {
    kind: finding.kind === 'heartbeat-missed' ? 'heartbeat-missed' : 'heartbeat-unwatched',
    subject: { type: 'actor', id: finding.components[0] as string },
    severity: finding.severity,
    t: finding.t,
    summary: finding.summary,
    value,
    unit,
    evidence,
  };
}
