import type { BootRecord } from './uptime-boots';
import type { HaltRecord } from './uptime-counters';

/** Time up, halted and down over a window ending now. */
export interface UptimeWindow {
  /** The window asked for. */
  readonly windowMs: number;
  /** Start of what the records cover: the window's start, or the oldest boot kept if later. */
  readonly from: number;
  /** `now - from`: the time the figures below split up. */
  readonly coveredMs: number;
  /** A process was running and the system was not halted. */
  readonly upMs: number;
  /** A process was running but the system was in a GLOBAL HALT. */
  readonly haltedMs: number;
  /** No process was running (between a crash or stop and the next start). */
  readonly downMs: number;
  /** `upMs / coveredMs`, or null when nothing is covered yet. */
  readonly ratio: number | null;
}

interface Span {
  readonly from: number;
  readonly to: number;
}

/**
 * Splits the last `windowMs` into up, halted and down time from the boot records (each run lasts
 * from its start to its `endedAt`, the current run to `now`) and the halt records (from the halt
 * to the operator's resume, or to now). Halted time is only counted while a process ran: the time
 * between processes is down whether or not a halt was persisted meanwhile. Time before the oldest
 * boot kept is not covered, so a short history gives a ratio over less than the window.
 *
 * @example
 * uptimeWindow(history.boots, counters.halts, clock.now(), 86_400_000).ratio; // 0.9987
 */
export function uptimeWindow(
  boots: readonly BootRecord[],
  halts: readonly HaltRecord[],
  now: number,
  windowMs: number,
): UptimeWindow {
  const oldest = boots[0];
  const from = oldest === undefined ? now : Math.max(now - windowMs, oldest.at);
  const coveredMs = Math.max(0, now - from);
  const runs: Span[] = [];
  for (const boot of boots) {
    const span = clip({ from: boot.at, to: boot.endedAt ?? now }, from, now);
    if (span) runs.push(span);
  }
  let runningMs = 0;
  for (const run of runs) runningMs += run.to - run.from;
  let haltedMs = 0;
  for (const halt of halts) {
    for (const run of runs) {
      const both = clip({ from: halt.at, to: halt.until ?? now }, run.from, run.to);
      if (both) haltedMs += both.to - both.from;
    }
  }
  // Runs never overlap in a correct history; clamping keeps a clock step back from going negative.
  runningMs = Math.min(runningMs, coveredMs);
  haltedMs = Math.min(haltedMs, runningMs);
  const upMs = runningMs - haltedMs;
  return {
    windowMs,
    from,
    coveredMs,
    upMs,
    haltedMs,
    downMs: coveredMs - runningMs,
    ratio: coveredMs > 0 ? upMs / coveredMs : null,
  };
}

function clip(span: Span, from: number, to: number): Span | undefined {
  const a = Math.max(span.from, from);
  const b = Math.min(span.to, to);
  return b > a ? { from: a, to: b } : undefined;
}
