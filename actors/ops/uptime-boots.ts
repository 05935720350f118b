import type { Clock } from '../kernel/clock';
import type { Store } from '../kernel/store';

/** Store key (`predator:{inst}:kv:uptime:boots`) of the {@link BootHistory}. */
export const BOOTS_KEY = 'uptime:boots';
/** Store key (`predator:{inst}:kv:uptime:run`) of the current run's {@link RunMarker}. */
export const RUN_KEY = 'uptime:run';

/** How the run before a boot ended: cleanly (graceful stop), by a crash, or there was none. */
export type PreviousRun = 'first' | 'clean' | 'crash';

/** One process start of this instance. */
export interface BootRecord {
  /** 1, 2, 3 … per instance, for ever (survives trimming): the boot's deterministic id. */
  readonly seq: number;
  /** `boot-<seq>`, for people and URLs. */
  readonly id: string;
  /** Clock time of the start. */
  readonly at: number;
  /** How the run before this one ended, as found at this start. */
  readonly previous: PreviousRun;
  /**
   * When this run ended: the graceful stop's time, or, for a crash, the last heartbeat it wrote
   * (the true end lies at most one heartbeat later). Null while the run is the current one.
   */
  readonly endedAt: number | null;
  /** How this run ended; null while it is the current one. */
  readonly ended: 'clean' | 'crash' | null;
}

/** What `uptime:boots` holds: totals for ever, and the last `keepBoots` records. */
export interface BootHistory {
  /** Process starts ever recorded (the `seq` of the newest). */
  readonly total: number;
  /** Runs that ended without a graceful stop, ever. */
  readonly crashes: number;
  /** Runs that ended with a graceful stop, ever. */
  readonly cleanStops: number;
  /** The newest records, oldest first; the last one is the current run. */
  readonly boots: readonly BootRecord[];
}

/**
 * What `uptime:run` holds: proof of life of the current run, rewritten every heartbeat, and the
 * clean-shutdown marker (`stoppedAt`) written by a graceful stop. The next start reads it: a
 * marker of the previous boot with `stoppedAt` means that run ended cleanly; anything else, a crash.
 */
export interface RunMarker {
  readonly boot: number;
  readonly aliveAt: number;
  readonly stoppedAt: number | null;
}

const EMPTY: BootHistory = { total: 0, crashes: 0, cleanStops: 0, boots: [] };

/**
 * Records a process start: closes the previous run's record (clean if its marker says it stopped
 * gracefully, a crash otherwise), appends this start, keeps the last `keep` records, and writes a
 * fresh run marker. Two writes; a crash between them reads, at the next start, as a crash of this
 * run at its start time, which is what it was.
 *
 * @example
 * const history = await recordBoot(store, clock, 50);
 * history.boots.at(-1); // { seq: 7, id: 'boot-7', previous: 'crash', … }
 */
export async function recordBoot(store: Store, clock: Clock, keep: number): Promise<BootHistory> {
  const stored = (await store.getValue<BootHistory>(BOOTS_KEY)) ?? EMPTY;
  const marker = await store.getValue<RunMarker>(RUN_KEY);
  const now = clock.now();
  const boots = [...stored.boots];
  let { crashes, cleanStops } = stored;
  let previous: PreviousRun = 'first';
  const last = boots.at(-1);
  if (last !== undefined && last.ended === null) {
    const mine = marker !== undefined && marker.boot === last.seq;
    const clean = mine && marker.stoppedAt !== null;
    previous = clean ? 'clean' : 'crash';
    if (clean) cleanStops++;
    else crashes++;
    // A run with no marker of its own died before its first write: it lasted no time we can prove.
    const endedAt = clean ? (marker.stoppedAt as number) : mine ? marker.aliveAt : last.at;
    boots[boots.length - 1] = { ...last, endedAt, ended: clean ? 'clean' : 'crash' };
  } else if (last !== undefined) {
    previous = last.ended ?? 'crash';
  }
  const seq = stored.total + 1;
  boots.push({ seq, id: `boot-${seq}`, at: now, previous, endedAt: null, ended: null });
  const history: BootHistory = {
    total: seq,
    crashes,
    cleanStops,
    boots: boots.slice(Math.max(0, boots.length - keep)),
  };
  await store.setValue(BOOTS_KEY, history);
  await writeRunMarker(store, { boot: seq, aliveAt: now, stoppedAt: null });
  return history;
}

/** Writes the current run's marker (heartbeat, or the clean-shutdown marker with `stoppedAt`). */
export function writeRunMarker(store: Store, marker: RunMarker): Promise<void> {
  return store.setValue(RUN_KEY, marker);
}
