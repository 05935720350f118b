import type { JournalEntry } from '../kernel/journal-entry';
import type { AnomalyDetector } from './anomaly-detector';
import { NOTHING } from './anomaly-detector';
import type { AnomalyObservation } from './anomaly-record';

/** The machine reconciliation journals its heals under (`actors/safety/components/reconciliation.ts`). */
const HEAL_MACHINE = 'reconciliation-heal';

/**
 * Reconciliation healed a difference by rule: nothing needed a human, but the venue and our records
 * disagreed, and heals that keep coming (or come faster) say something upstream is wrong. Fed from
 * the journal: actor `recon-<engine>`, machine `reconciliation-heal`, `from` = the finding's kind
 * (`order`, `fill`, `balance`), `event` = its key, `to` = `healed`. One record per reconciliation
 * actor; the evidence names the latest finding.
 */
export class ReconciliationHealDetector implements AnomalyDetector {
  readonly name = 'heals';

  onEntry(entry: JournalEntry): readonly AnomalyObservation[] {
    if (entry.machine !== HEAL_MACHINE || entry.to !== 'healed') return NOTHING;
    return [
      {
        kind: 'reconciliation-healed',
        subject: { type: 'actor', id: entry.actor },
        severity: 'info',
        t: entry.t,
        summary: `${entry.actor} healed a ${entry.from} difference (${entry.event})`,
        evidence: { seq: entry.seq, finding: entry.from, key: entry.event },
      },
    ];
  }
}
