import type { CriterionResult } from './gate-criteria';
import { daysOf, isoOf } from './gate-criteria';
import type { StabilityGateConfig } from './stability-gate.config';
import type { HaltRecord } from './uptime-counters';
import type { UptimeSnapshot } from './uptime-snapshot';

/**
 * What started the current stretch of continuous operation:
 * - `records`: nothing broke it since the oldest process start the records hold;
 * - `crash`: the first start after a run that ended without a graceful stop;
 * - `downtime`: the first start after a graceful stop that left the instance off longer than
 *   `maxPlannedDowntimeMs`;
 * - `halt`: the operator's resume of an unplanned GLOBAL HALT;
 * - `period`: the gate's `periodStart`, later than all of the above.
 */
export type ContinuityCause = 'records' | 'crash' | 'downtime' | 'halt' | 'period';

/** Where continuous operation is counted from, and why there. */
export interface ContinuityAnchor {
  /** Clock time. */
  readonly since: number;
  readonly cause: ContinuityCause;
  /** The boot (`boot-7`) or halt (`halt at <iso>`) it names; null for `records` and `period`. */
  readonly ref: string | null;
}

/** The figures behind the continuous-operation verdict. */
export interface ContinuityEvidence {
  /** Start of the current stretch; null while a GLOBAL HALT holds. */
  readonly since: number | null;
  readonly cause: ContinuityCause | 'halted';
  readonly ref: string | null;
  /** `now - since`; 0 while halted. */
  readonly continuousMs: number;
  readonly requiredMs: number;
  readonly halted: boolean;
  /** Process runs that ended without a graceful stop, ever. */
  readonly processCrashes: number;
  /** Unplanned GLOBAL HALTs ever, and the last one. */
  readonly unplannedHalts: number;
  readonly lastUnplannedHalt: HaltRecord | null;
  /** Component and supervisor crashes the supervisors recovered: they do not break continuity. */
  readonly actorCrashes: number;
  readonly actorRestarts: number;
  /** Whether the records survive restarts; without it only this process is known. */
  readonly durable: boolean;
}

function later(a: ContinuityAnchor, b: ContinuityAnchor | null): ContinuityAnchor {
  return b !== null && b.since > a.since ? b : a;
}

/**
 * The latest break of continuity the uptime records show: the start after a crashed run, the start
 * after too long a planned stop, or the resume of the last unplanned halt. Null when none is shown
 * (or the only one is a halt still in force, which the verdict handles).
 */
export function latestBreak(snapshot: UptimeSnapshot, maxPlannedDowntimeMs: number): ContinuityAnchor | null {
  let found: ContinuityAnchor | null = null;
  for (const [i, boot] of snapshot.boots.entries()) {
    // The oldest record kept has no predecessor to measure a planned stop by: only its crash counts.
    const endedAt = snapshot.boots[i - 1]?.endedAt ?? null;
    if (boot.previous === 'crash') found = later({ since: boot.at, cause: 'crash', ref: boot.id }, found);
    else if (boot.previous === 'clean' && endedAt !== null && boot.at - endedAt > maxPlannedDowntimeMs)
      found = later({ since: boot.at, cause: 'downtime', ref: boot.id }, found);
  }
  const halt = snapshot.lastUnplannedHalt;
  if (halt !== null && halt.until !== null)
    found = later({ since: halt.until, cause: 'halt', ref: `halt at ${isoOf(halt.at)}` }, found);
  return found;
}

/**
 * Where continuous operation counts from: the later of the anchor kept in the gate's record (or, the
 * first time, the oldest process start the records hold) and the latest break they show. Only ever
 * moves forward, so boot and halt records aged out of the uptime watcher's bounds never shorten it.
 */
export function continuityAnchor(
  kept: ContinuityAnchor | null,
  snapshot: UptimeSnapshot,
  maxPlannedDowntimeMs: number,
): ContinuityAnchor {
  const oldest = snapshot.boots[0];
  const start: ContinuityAnchor = kept ?? {
    since: oldest?.at ?? snapshot.process.startedAt,
    cause: 'records',
    ref: null,
  };
  return later(start, latestBreak(snapshot, maxPlannedDowntimeMs));
}

/**
 * Continuous operation: time since the anchor ({@link continuityAnchor}) or the gate's
 * `periodStart` if later; none while a GLOBAL HALT holds. Met at `minContinuousMs`.
 */
export function judgeContinuity(
  anchor: ContinuityAnchor,
  snapshot: UptimeSnapshot,
  config: Pick<StabilityGateConfig, 'minContinuousMs' | 'periodStart'>,
): CriterionResult<ContinuityEvidence> {
  const counted =
    config.periodStart !== null && config.periodStart > anchor.since
      ? { since: config.periodStart, cause: 'period' as const, ref: null }
      : anchor;
  const halted = snapshot.halted;
  const continuousMs = halted ? 0 : Math.max(0, snapshot.now - counted.since);
  const evidence: ContinuityEvidence = {
    since: halted ? null : counted.since,
    cause: halted ? 'halted' : counted.cause,
    ref: halted ? null : counted.ref,
    continuousMs,
    requiredMs: config.minContinuousMs,
    halted,
    processCrashes: snapshot.process.crashes,
    unplannedHalts: snapshot.unplannedHalts,
    lastUnplannedHalt: snapshot.lastUnplannedHalt,
    actorCrashes: snapshot.totals.crashes,
    actorRestarts: snapshot.totals.restarts,
    durable: snapshot.durable,
  };
  const met = !halted && continuousMs >= config.minContinuousMs;
  return { met, evidence, detail: continuityDetail(evidence, counted, met) };
}

const CAUSES: Readonly<Record<ContinuityCause, string>> = {
  records: 'the oldest process start on record',
  crash: 'the restart after a process crash',
  downtime: 'the start after a planned stop longer than allowed',
  halt: 'the resume of an unplanned GLOBAL HALT',
  period: "the gate's period start",
};

function continuityDetail(evidence: ContinuityEvidence, counted: ContinuityAnchor, met: boolean): string {
  const required = daysOf(evidence.requiredMs);
  if (evidence.halted)
    return `GLOBAL HALT in force since ${isoOf(evidence.lastUnplannedHalt?.at ?? 0)}: not operating (${required} required after the resume)`;
  const ref = counted.ref === null ? '' : ` (${counted.ref})`;
  const stretch = `${daysOf(evidence.continuousMs)} since ${isoOf(counted.since)}, ${CAUSES[counted.cause]}${ref}`;
  const scope = evidence.durable ? '' : '; the store is not durable: only this process is known';
  return met ? `${stretch} ≥ ${required}${scope}` : `${stretch} < ${required}${scope}`;
}
