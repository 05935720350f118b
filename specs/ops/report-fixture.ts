import { weekRange } from '../../actors/ops/iso-week';
import type { ReportAnomaly, ReportIncident, ReportInputs } from '../../actors/ops/report-inputs';
import type { ResourceSample } from '../../actors/ops/resource-sample';
import type { BootRecord } from '../../actors/ops/uptime-boots';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const MIB = 1_048_576;

/** 2026-W02: Monday 2026-01-05 00:00 UTC to Monday 2026-01-12 00:00 UTC. */
export const WEEK = weekRange('2026-W02');
const at = (iso: string): number => Date.parse(iso);

/** Hourly sample `i` of the scripted week (i = 168 is the next week's first, at `WEEK.to`). */
export function scriptedSample(i: number): ResourceSample {
  return {
    t: WEEK.from + i * HOUR,
    heapUsedBytes: (100 + i) * MIB,
    loopDelayP99Ms: i % 10,
    redisUsedMemoryBytes: 50 * MIB,
    journalSeq: 1_000 + 100 * i,
    equity: 10_000 + i * 0.5,
    netPnl: i * 0.5,
    restarts: 10 + Math.floor(i / 24),
    crashes: i < 60 ? 3 : 5,
  };
}

export function incident(
  id: number,
  kind: string,
  raisedAt: number,
  state: string,
  occurrences = 1,
): ReportIncident {
  return {
    id,
    kind,
    actor: 'recon-mm',
    state,
    detail: `${kind} #${id}`,
    raisedAt,
    lastSeenAt: raisedAt,
    occurrences,
  };
}

/**
 * A scripted week, the figures a report of it must show worked out by hand:
 *
 * - runs: boot-1 (from before the week) crashes Wed 10:00, boot-2 starts 10:30 and stops cleanly Fri
 *   00:00, boot-3 starts Fri 01:00 and is running: 2 starts, 1 crash, 1 clean stop, 1 h 30 m down;
 * - a GLOBAL HALT Sat 12:00–14:00 (and one the week before, not counted): 2 h halted;
 *   uptime = (168 h − 1.5 h − 2 h) / 168 h = 97.917%;
 * - 168 hourly samples and the closing one at the next Monday: restarts 10 → 17 (7), crashes 3 → 5
 *   (2), journal 1 000 → 17 800 (16 800 entries), heap 100…267 MiB (median 183.5, 24 MiB/day),
 *   loop p99 0…9 ms (median 4), Redis 50 MiB flat, equity 10 000 → 10 084, net PnL +84;
 * - incidents #2 (resolved), #3 (post-mortem written), #4 (open) raised in the week; #1 before, #5 after;
 * - near misses: three overlap the week (one critical, one warning, one info), one ended before it.
 */
export function scriptedWeek(): ReportInputs {
  const boots: BootRecord[] = [
    {
      seq: 1,
      id: 'boot-1',
      at: at('2026-01-01T00:00:00Z'),
      previous: 'first',
      endedAt: at('2026-01-07T10:00:00Z'),
      ended: 'crash',
    },
    {
      seq: 2,
      id: 'boot-2',
      at: at('2026-01-07T10:30:00Z'),
      previous: 'crash',
      endedAt: at('2026-01-09T00:00:00Z'),
      ended: 'clean',
    },
    { seq: 3, id: 'boot-3', at: at('2026-01-09T01:00:00Z'), previous: 'clean', endedAt: null, ended: null },
  ];
  const anomalies: ReportAnomaly[] = [
    {
      kind: 'breaker-recovered',
      severity: 'warning',
      subject: { type: 'actor', id: 'breaker-latency-mm' },
      firstSeen: at('2026-01-06T08:00:00Z'),
      lastSeen: at('2026-01-06T09:00:00Z'),
      count: 2,
      summary: 'YELLOW then GREEN',
    },
    {
      kind: 'heap-growth',
      severity: 'info',
      subject: { type: 'process', id: 'heap' },
      firstSeen: at('2025-12-30T00:00:00Z'),
      lastSeen: at('2026-01-05T03:00:00Z'),
      count: 5,
    },
    {
      kind: 'event-loop-delay',
      severity: 'critical',
      subject: { type: 'process', id: 'loop' },
      firstSeen: at('2026-01-03T00:00:00Z'),
      lastSeen: at('2026-01-04T00:00:00Z'),
      count: 1,
    },
    {
      kind: 'latency-creep',
      severity: 'critical',
      subject: 'engine:mm',
      firstSeen: at('2026-01-11T00:00:00Z'),
      lastSeen: at('2026-01-11T06:00:00Z'),
      count: 1,
      summary: 'ack p99 rising 2%/h',
    },
  ];
  return {
    instance: 'spec',
    durable: true,
    week: WEEK,
    now: WEEK.to,
    boots,
    halts: [
      { at: at('2026-01-02T00:00:00Z'), until: at('2026-01-02T01:00:00Z'), reason: 'earlier' },
      {
        at: at('2026-01-10T12:00:00Z'),
        until: at('2026-01-10T14:00:00Z'),
        reason: 'root supervisor gave up: market',
      },
    ],
    actors: {
      ma: { lastCrashAt: at('2025-12-31T00:00:00Z'), lastRestartAt: null },
      feed: { lastCrashAt: at('2026-01-06T07:00:00Z'), lastRestartAt: at('2026-01-06T07:00:01Z') },
    },
    incidents: [
      incident(1, 'VENUE_ERRORS', at('2026-01-02T00:00:00Z'), 'resolved'),
      incident(2, 'VENUE_ERRORS', at('2026-01-06T00:00:00Z'), 'resolved'),
      incident(3, 'BOOT_LOOP', at('2026-01-08T00:00:00Z'), 'postmortem_written'),
      incident(4, 'RECONCILIATION_MISMATCH', at('2026-01-10T00:00:00Z'), 'open'),
      incident(5, 'VENUE_ERRORS', at('2026-01-12T00:00:00Z'), 'open'),
    ],
    anomalies,
    samples: Array.from({ length: 168 }, (_, i) => scriptedSample(i)),
    before: undefined,
    after: scriptedSample(168),
    intervalMs: HOUR,
  };
}
