import type { TimedValue, Trend } from './trend-stats';

/** What the tracker watches for; one detector reports each (the journal detector two). */
export const ANOMALY_KINDS = [
  /** A circuit breaker went YELLOW and cooled back to GREEN on its own (a near miss). */
  'breaker-recovered',
  /** Orders denied at a risk limit (position, notional, rate, price band), or admitted close to one. */
  'denied-near-limit',
  /** Reconciliation found a difference and healed it by rule. */
  'reconciliation-healed',
  /** The event loop stalled: its delay's p99 or max over a sample interval was high. */
  'event-loop-delay',
  /** The heap in use after GC keeps growing: a leak. */
  'heap-growth',
  /** An engine's venue ack latency creeps upward, long before its latency breaker trips. */
  'latency-creep',
  /** The journal is written faster than usual, or keeps less history than it should. */
  'journal-growth',
  /** Journal entries the store has not acknowledged pile up in memory. */
  'journal-backlog',
  /** A component missed heartbeats, fewer than the kill threshold, and answered again (`watchdog-view.ts`). */
  'heartbeat-missed',
  /** A running component is not under the kernel watchdog's heartbeats (`watchdog-view.ts`). */
  'heartbeat-unwatched',
  /** A source logged past its rate budget and lines were dropped (`anomaly-log-flood.ts`). */
  'log-flood',
] as const;

/** See {@link ANOMALY_KINDS}. */
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

/** How bad, calmest first. The rules per kind are in `anomaly-severity.ts`. */
export const ANOMALY_SEVERITIES = ['info', 'warning', 'critical'] as const;

/** See {@link ANOMALY_SEVERITIES}. */
export type AnomalySeverity = (typeof ANOMALY_SEVERITIES)[number];

/** What an anomaly is about. */
export interface AnomalySubject {
  /** `actor` (a component id), `engine`, `symbol`, `process` (this Node process) or `store`. */
  readonly type: 'actor' | 'engine' | 'symbol' | 'process' | 'store';
  /** `breaker-latency-maker`, `maker`, `BTCUSDT`, `heap`, `journal`. */
  readonly id: string;
}

/** One finding of a detector, before it is folded into a record. */
export interface AnomalyObservation {
  readonly kind: AnomalyKind;
  readonly subject: AnomalySubject;
  readonly severity: AnomalySeverity;
  /** Clock time of the finding. */
  readonly t: number;
  /** One line for people: what was seen against what was expected. */
  readonly summary: string;
  /** The metric's value, when the kind has one; the record's trend follows these values. */
  readonly value?: number;
  /** Unit of `value` (`ms`, `MB`, `denials`, `entries/h`). */
  readonly unit?: string;
  /** The figures the detector judged from; small and JSON-safe. */
  readonly evidence?: Readonly<Record<string, unknown>>;
}

/**
 * One anomaly: every observation of one kind about one subject, each within the de-duplication
 * window of the one before, folded together. JSON-safe: it is what the store keeps and the API serves.
 */
export interface AnomalyRecord {
  /** Unique across restarts (the store keeps the counter), from 1. */
  readonly id: number;
  /** The de-duplication key, {@link dedupKey}. */
  readonly key: string;
  readonly kind: AnomalyKind;
  readonly subject: AnomalySubject;
  /** The worst seen so far, raised further by repetition (see `anomaly-severity.ts`); never lowered. */
  severity: AnomalySeverity;
  readonly firstSeen: number;
  lastSeen: number;
  /** Observations folded in. */
  count: number;
  /** Of the values when the kind reports any, else of how often it happens. */
  trend: Trend;
  /** The latest observation's summary. */
  summary: string;
  unit: string | null;
  /** The most recent values with their times, oldest first (bounded). */
  values: TimedValue[];
  /** The most recent observation times, oldest first (bounded). */
  seen: number[];
  /** The latest observation's evidence. */
  evidence: Record<string, unknown>;
}

/** The de-duplication key: one kind about one subject. */
export function dedupKey(kind: AnomalyKind, subject: AnomalySubject): string {
  return `${kind}/${subject.type}:${subject.id}`;
}

/** Rank of a severity, for comparing: info 0, warning 1, critical 2. */
export function severityRank(severity: AnomalySeverity): number {
  return ANOMALY_SEVERITIES.indexOf(severity);
}

/** The worse of two severities. */
export function worse(a: AnomalySeverity, b: AnomalySeverity): AnomalySeverity {
  return severityRank(a) >= severityRank(b) ? a : b;
}
