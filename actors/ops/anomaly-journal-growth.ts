import type { AnomalyDetector } from './anomaly-detector';
import type { AnomalyObservation, AnomalySeverity } from './anomaly-record';
import { worse } from './anomaly-record';
import type { AnomalyTrackerConfig } from './anomaly-tracker.config';
import { median } from './trend-stats';

const HOUR = 3_600_000;

/** The part of the kernel's `Journal` the detector reads (`runtime.kernel.journal`). */
export interface JournalCounters {
  /** Highest `seq` assigned: its rate is the journal's write rate. */
  readonly lastSeq: number;
  /** Entries the store has not acknowledged yet (held in memory meanwhile). */
  readonly unacknowledged: number;
}

/** What the store keeps of the journal, when the wiring can tell. */
export interface JournalRetention {
  /** The bound: `RedisStore`'s `journalMaxLen` (`MAXLEN ~`), `MemoryStore`'s `journalLimit`. */
  readonly maxLen: number;
  /** Entries held now (`XLEN predator:{inst}:journal`); undefined when unknown. */
  length?(): Promise<number | undefined> | number | undefined;
}

/** Slack over the stream's bound before it counts as not trimmed: `MAXLEN ~` trims whole macro-nodes. */
const TRIM_SLACK = 1.1;

/**
 * The journal growing faster than it should, or faster than its store lets go of it. Every
 * `everyMs` it reads the journal's write rate (entries/h, from `lastSeq`) and:
 * - `journal-growth` warning: the rate is ≥ `rateFactor` × the median rate of the last
 *   `baselineMs` (and ≥ `minRatePerHour`): something journals much more than usual (a flapping
 *   state, a dead-letter storm); or the stream holds more than its bound (trimming not working);
 * - `journal-growth` info: at this rate the bound keeps fewer than `minRetentionDays` of history;
 * - `journal-backlog` warning / critical: ≥ `pendingWarn` / `pendingCritical` entries unacknowledged
 *   by the store (memory grows until it catches up).
 * Value: entries/h (growth), entries pending (backlog).
 */
export class JournalGrowthDetector implements AnomalyDetector {
  readonly name = 'journal';
  readonly everyMs: number;
  private previous: { t: number; seq: number } | undefined;
  private readonly rates: { t: number; value: number }[] = [];

  constructor(
    private readonly journal: JournalCounters,
    private readonly config: AnomalyTrackerConfig['journal'],
    private readonly retention?: JournalRetention,
  ) {
    this.everyMs = config.everyMs;
  }

  async sample(now: number): Promise<readonly AnomalyObservation[]> {
    const out: AnomalyObservation[] = [];
    const backlog = this.backlog(now);
    if (backlog) out.push(backlog);
    const seq = this.journal.lastSeq;
    const previous = this.previous;
    this.previous = { t: now, seq };
    if (previous === undefined || now <= previous.t) return out;
    const rate = ((seq - previous.seq) / (now - previous.t)) * HOUR;
    const baseline = median(this.rates.map((r) => r.value));
    this.rates.push({ t: now, value: rate });
    while ((this.rates[0] as { t: number }).t < now - this.config.baselineMs) this.rates.shift();

    const c = this.config;
    const findings: string[] = [];
    let severity: AnomalySeverity | undefined;
    const found = (level: AnomalySeverity, text: string): void => {
      findings.push(text);
      severity = severity === undefined ? level : worse(severity, level);
    };
    const perHour = Math.round(rate);
    if (this.rates.length > 4 && rate >= c.minRatePerHour && baseline > 0 && rate >= c.rateFactor * baseline)
      found(
        'warning',
        `written at ${perHour}/h, ${(rate / baseline).toFixed(1)}× its baseline ${Math.round(baseline)}/h`,
      );
    const length = this.retention?.length === undefined ? undefined : await this.retention.length();
    const maxLen = this.retention?.maxLen;
    if (maxLen !== undefined && length !== undefined && length > maxLen * TRIM_SLACK)
      found('warning', `stream holds ${length} entries, over its bound of ${maxLen}`);
    const daysKept = maxLen !== undefined && rate > 0 ? maxLen / (rate * 24) : undefined;
    if (daysKept !== undefined && daysKept < c.minRetentionDays)
      found('info', `its bound of ${maxLen} keeps ${daysKept.toFixed(1)} days at ${perHour}/h`);
    if (severity === undefined) return out;
    out.push({
      kind: 'journal-growth',
      subject: { type: 'store', id: 'journal' },
      severity,
      t: now,
      summary: `journal ${findings.join('; ')}`,
      value: perHour,
      unit: 'entries/h',
      evidence: {
        ratePerHour: perHour,
        baselinePerHour: Number.isNaN(baseline) ? null : Math.round(baseline),
        length: length ?? null,
        maxLen: maxLen ?? null,
        daysKept: daysKept === undefined ? null : Math.round(daysKept * 10) / 10,
      },
    });
    return out;
  }

  private backlog(now: number): AnomalyObservation | undefined {
    const pending = this.journal.unacknowledged;
    const c = this.config;
    if (pending < c.pendingWarn) return undefined;
    return {
      kind: 'journal-backlog',
      subject: { type: 'store', id: 'journal' },
      severity: pending >= c.pendingCritical ? 'critical' : 'warning',
      t: now,
      summary: `${pending} journal entries not acknowledged by the store (warning at ${c.pendingWarn})`,
      value: pending,
      unit: 'entries',
      evidence: { pending },
    };
  }
}
