import type { JournalEntry } from '../kernel/journal-entry';

/** Store key (`predator:{inst}:kv:uptime:counters`) of the {@link UptimeCounters}. */
export const COUNTERS_KEY = 'uptime:counters';

/** Restarts and crashes of one actor of the tree, for ever. */
export interface ActorCounts {
  /** `component` (lifecycle machine) or `supervisor`. */
  type: 'component' | 'supervisor';
  /** Starts by a supervisor after a crash or a sibling's restart (not the first start, not a resume). */
  restarts: number;
  /** A component going `faulted`, a supervisor going `failed` (it gave up: an escalation). */
  crashes: number;
  lastCrashAt: number | null;
  lastRestartAt: number | null;
}

/** One kernel GLOBAL HALT: when it began, when an operator resumed it, and the recorded reason. */
export interface HaltRecord {
  readonly at: number;
  until: number | null;
  reason: string | null;
}

/**
 * What the watcher derives from the journal and persists, as one value so that the counts and the
 * journal position they cover are always written together: after a crash the next process goes on
 * from `cursor` and counts nothing twice.
 */
export interface UptimeCounters {
  /** Last journal `seq` folded in. */
  cursor: number;
  /** The system machine's state as of `cursor` (null before it was ever seen). */
  system: string | null;
  actors: Record<string, ActorCounts>;
  /** Unplanned GLOBAL HALTs ever. */
  unplannedHalts: number;
  /** The newest halts, oldest first, bounded; the source of halted time in the uptime window. */
  halts: HaltRecord[];
}

/** Counters of a watcher that has seen nothing yet. */
export function emptyCounters(cursor: number, system: string | null): UptimeCounters {
  return { cursor, system, actors: {}, unplannedHalts: 0, halts: [] };
}

/** What folding one entry changed, so the watcher knows whether to persist at once. */
export type FoldResult = 'none' | 'crash' | 'restart' | 'halt' | 'halted' | 'resume';

/**
 * Folds one journal entry into the counters (in place: this runs for every transition). What the
 * kernel journals, and how it is read:
 *
 * - component crash: machine `lifecycle`, `to` = `faulted` (`sys.fault`: crash, missed heartbeats,
 *   failed start); restart: `lifecycle` event `sys.reset` (`faulted|stopped → ready`) while the
 *   system is `running` — a supervisor bringing it back. A fresh process starts components without
 *   `sys.reset`, and the restarts of an operator resume happen while the system is `booting`.
 * - supervisor crash: machine `supervisor`, `to` = `failed` (intensity exceeded, it escalates);
 *   restart: `supervisor` event `sys.start` while the system is `running`.
 * - GLOBAL HALT: machine `system`, `to` = `halting` (`sys.halt.requested`). Every kernel GLOBAL HALT
 *   is unplanned: the root gave up, the boot failed, or a boot loop was declared — the operator's
 *   `halt` command is a kill switch on the trading state, not this. One exception: a process that
 *   starts while the persisted halt holds journals `booting → halting` again; that is the old halt
 *   restored, recognised by the system having been `halting`/`halted` before.
 * - resume: `system` event `sys.resume` closes the open halt.
 */
export function foldEntry(counters: UptimeCounters, entry: JournalEntry, keepHalts: number): FoldResult {
  if (entry.seq <= counters.cursor) return 'none';
  counters.cursor = entry.seq;
  switch (entry.machine) {
    case 'lifecycle':
      if (entry.to === 'faulted') return crash(counters, entry, 'component');
      if (entry.event === 'sys.reset' && counters.system === 'running')
        return restart(counters, entry, 'component');
      return 'none';
    case 'supervisor':
      if (entry.to === 'failed') return crash(counters, entry, 'supervisor');
      if (entry.event === 'sys.start' && counters.system === 'running')
        return restart(counters, entry, 'supervisor');
      return 'none';
    case 'system':
      return entry.actor === 'system' ? system(counters, entry, keepHalts) : 'none';
    default:
      return 'none';
  }
}

/** The halt still in force, if any. */
export function openHalt(counters: UptimeCounters): HaltRecord | undefined {
  const last = counters.halts.at(-1);
  return last !== undefined && last.until === null ? last : undefined;
}

function system(counters: UptimeCounters, entry: JournalEntry, keepHalts: number): FoldResult {
  const before = counters.system;
  counters.system = entry.to;
  if (entry.to === 'halting') {
    const restored = entry.from === 'booting' && (before === 'halted' || before === 'halting');
    if (restored) return 'none';
    counters.unplannedHalts++;
    counters.halts.push({ at: entry.t, until: null, reason: null });
    if (counters.halts.length > keepHalts) counters.halts.splice(0, counters.halts.length - keepHalts);
    return 'halt';
  }
  if (entry.to === 'halted') return 'halted';
  if (entry.event === 'sys.resume') {
    const open = openHalt(counters);
    if (open !== undefined) open.until = entry.t;
    return 'resume';
  }
  return 'none';
}

function counts(counters: UptimeCounters, actor: string, type: ActorCounts['type']): ActorCounts {
  let found = counters.actors[actor];
  if (found === undefined) {
    found = { type, restarts: 0, crashes: 0, lastCrashAt: null, lastRestartAt: null };
    counters.actors[actor] = found;
  }
  return found;
}

function crash(counters: UptimeCounters, entry: JournalEntry, type: ActorCounts['type']): FoldResult {
  const c = counts(counters, entry.actor, type);
  c.crashes++;
  c.lastCrashAt = entry.t;
  return 'crash';
}

function restart(counters: UptimeCounters, entry: JournalEntry, type: ActorCounts['type']): FoldResult {
  const c = counts(counters, entry.actor, type);
  c.restarts++;
  c.lastRestartAt = entry.t;
  return 'restart';
}
