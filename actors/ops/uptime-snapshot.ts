import type { BootHistory, BootRecord, PreviousRun } from './uptime-boots';
import type { ActorCounts, HaltRecord, UptimeCounters } from './uptime-counters';
import { openHalt } from './uptime-counters';
import type { UptimeWindow } from './uptime-window';
import { uptimeWindow } from './uptime-window';

/** What `GET /api/ops/uptime` answers: JSON-safe, all times in clock ms. */
export interface UptimeSnapshot {
  readonly instance: string;
  readonly now: number;
  /** Whether the store survives restarts; on the in-process store every count covers this process only. */
  readonly durable: boolean;
  readonly process: {
    /** `boot-<seq>` of the current run. */
    readonly boot: string;
    readonly startedAt: number;
    /** Continuous run time of this process. */
    readonly sinceStartMs: number;
    /** How the run before this one ended. */
    readonly previousRun: PreviousRun;
    /** Process starts ever. */
    readonly starts: number;
    /** Starts after the first (`starts - 1`): pm2 restarts and operator restarts alike. */
    readonly restarts: number;
    /** Runs that ended without a graceful stop. */
    readonly crashes: number;
    readonly cleanStops: number;
  };
  /** Whether the system is in a GLOBAL HALT now (as of the last journal entry seen). */
  readonly halted: boolean;
  /** Unplanned GLOBAL HALTs ever (since the watcher was first deployed on this store). */
  readonly unplannedHalts: number;
  readonly lastUnplannedHalt: HaltRecord | null;
  /** `now - lastUnplannedHalt.at`; null if there was none. */
  readonly sinceLastUnplannedHaltMs: number | null;
  /**
   * Continuous running since that halt ended: since its resume, or since this process started if
   * that was later; 0 while still halted; null if there was none.
   */
  readonly runningSinceLastUnplannedHaltMs: number | null;
  /** Per actor of the tree (components and supervisors), only those that ever crashed or restarted. */
  readonly actors: Readonly<Record<string, Readonly<ActorCounts>>>;
  /** Sums over `actors`. */
  readonly totals: { readonly restarts: number; readonly crashes: number };
  readonly uptime: UptimeWindow;
  /** The boot records kept, oldest first. */
  readonly boots: readonly BootRecord[];
}

/** Builds the snapshot from the watcher's state; a copy, safe to serialise or keep. */
export function uptimeSnapshot(input: {
  readonly instance: string;
  readonly durable: boolean;
  readonly now: number;
  readonly history: BootHistory;
  readonly counters: UptimeCounters;
  readonly windowMs: number;
}): UptimeSnapshot {
  const { now, history, counters } = input;
  const current = history.boots.at(-1) as BootRecord;
  const actors: Record<string, ActorCounts> = {};
  let restarts = 0;
  let crashes = 0;
  for (const [id, c] of Object.entries(counters.actors)) {
    actors[id] = { ...c };
    restarts += c.restarts;
    crashes += c.crashes;
  }
  const last = counters.halts.at(-1);
  const halted = openHalt(counters) !== undefined;
  return {
    instance: input.instance,
    now,
    durable: input.durable,
    process: {
      boot: current.id,
      startedAt: current.at,
      sinceStartMs: now - current.at,
      previousRun: current.previous,
      starts: history.total,
      restarts: Math.max(0, history.total - 1),
      crashes: history.crashes,
      cleanStops: history.cleanStops,
    },
    halted,
    unplannedHalts: counters.unplannedHalts,
    lastUnplannedHalt: last === undefined ? null : { ...last },
    sinceLastUnplannedHaltMs: last === undefined ? null : now - last.at,
    runningSinceLastUnplannedHaltMs:
      last === undefined ? null : last.until === null ? 0 : now - Math.max(last.until, current.at),
    actors,
    totals: { restarts, crashes },
    uptime: uptimeWindow(history.boots, counters.halts, now, input.windowMs),
    boots: history.boots.map((b) => ({ ...b })),
  };
}
