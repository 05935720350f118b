import type { StabilitySection } from './report-data';
import type { ReportInputs } from './report-inputs';
import type { SampleSpan } from './report-stats';
import { increase } from './report-stats';
import { uptimeWindow } from './uptime-window';

function within(t: number | null, from: number, until: number): boolean {
  return t !== null && t >= from && t < until;
}

/**
 * Stability of the week up to `until`: up, halted and down time from the boot and halt records
 * (the uptime watcher's own arithmetic, over the week instead of the last days), process starts,
 * crashes and clean stops from the boot records, unplanned GLOBAL HALTs that began in it, and the
 * tree's restarts and crashes as the growth of the sampled totals over `span`.
 */
export function stabilitySection(inputs: ReportInputs, until: number, span: SampleSpan): StabilitySection {
  const { from } = inputs.week;
  const window = uptimeWindow(inputs.boots, inputs.halts, until, Math.max(0, until - from));
  let processStarts = 0;
  let processCrashes = 0;
  let cleanStops = 0;
  for (const boot of inputs.boots) {
    if (within(boot.at, from, until)) processStarts++;
    if (within(boot.endedAt, from, until)) {
      if (boot.ended === 'crash') processCrashes++;
      else if (boot.ended === 'clean') cleanStops++;
    }
  }
  const actors = Object.keys(inputs.actors)
    .sort()
    .map((id) => {
      const c = inputs.actors[id] as { lastCrashAt: number | null; lastRestartAt: number | null };
      return { id, lastCrashAt: c.lastCrashAt, lastRestartAt: c.lastRestartAt };
    })
    .filter((a) => within(a.lastCrashAt, from, until) || within(a.lastRestartAt, from, until));
  return {
    uptimeRatio: window.ratio,
    coveredMs: window.coveredMs,
    upMs: window.upMs,
    haltedMs: window.haltedMs,
    downMs: window.downMs,
    processStarts,
    processCrashes,
    cleanStops,
    restarts: increase(span.chain, 'restarts'),
    crashes: increase(span.chain, 'crashes'),
    halts: inputs.halts
      .filter((h) => within(h.at, from, until))
      .map((h) => ({ at: h.at, until: h.until, reason: h.reason })),
    boots: inputs.boots
      .filter((b) => b.at < until && (b.endedAt === null || b.endedAt >= from))
      .map((b) => ({ id: b.id, at: b.at, previous: b.previous, endedAt: b.endedAt, ended: b.ended })),
    actors,
  };
}
