import type { JournalEntry } from '../kernel/journal-entry';
import type { AnomalyDetector } from './anomaly-detector';
import { NOTHING } from './anomaly-detector';
import type { AnomalyObservation } from './anomaly-record';

/** The breaker machine's id in the journal (`machines/circuit-breaker.machine.ts`). */
const BREAKER_MACHINE = 'circuit-breaker';

/**
 * A circuit breaker that went YELLOW and cooled back to GREEN by itself: a near miss. Fed from the
 * journal: the `breaker-<name>` components' behaviour transitions (machine `circuit-breaker`,
 * states `GREEN`, `YELLOW`, `RED`). `YELLOW → GREEN` is the recovery (on `breaker.reading`, after
 * the breaker's cooldown); `RED → GREEN` is an operator's reset, not a recovery, and a trip to RED
 * is the breaker doing its job, not a near miss. The evidence says how long it stayed YELLOW, when
 * this process saw it go YELLOW.
 */
export class BreakerRecoveryDetector implements AnomalyDetector {
  readonly name = 'breakers';
  /** When each breaker last went YELLOW, by actor. */
  private readonly yellowSince = new Map<string, number>();

  onEntry(entry: JournalEntry): readonly AnomalyObservation[] {
    if (entry.machine !== BREAKER_MACHINE) return NOTHING;
    if (entry.to === 'YELLOW') {
      this.yellowSince.set(entry.actor, entry.t);
      return NOTHING;
    }
    const since = this.yellowSince.get(entry.actor);
    this.yellowSince.delete(entry.actor);
    if (entry.from !== 'YELLOW' || entry.to !== 'GREEN') return NOTHING;
    const yellowMs = since === undefined ? null : entry.t - since;
    const lasted = yellowMs === null ? '' : ` after ${Math.round(yellowMs / 1_000)} s`;
    return [
      {
        kind: 'breaker-recovered',
        subject: { type: 'actor', id: entry.actor },
        severity: 'info',
        t: entry.t,
        summary: `${entry.actor} went YELLOW and recovered to GREEN${lasted}`,
        evidence: { seq: entry.seq, yellowMs },
      },
    ];
  }
}
