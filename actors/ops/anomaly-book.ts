import type { TransitionRecord } from '../kernel/journal-entry';
import type { AnomalyObservation, AnomalyRecord, AnomalySeverity } from './anomaly-record';
import { dedupKey, worse } from './anomaly-record';
import { severityByCount } from './anomaly-severity';
import { rateTrendOf, trendOf } from './trend-stats';

/** What the book keeps in the store (`kv:anomalies`): the id counter and the retained records. */
export interface StoredAnomalies {
  readonly version: 1;
  /** The id the next record gets: ids are never reused, across restarts too. */
  readonly nextId: number;
  readonly records: readonly AnomalyRecord[];
}

/** How an observation landed. */
export type AnomalyChange = 'opened' | 'escalated' | 'folded';

/** Options of {@link AnomalyBook}. */
export interface AnomalyBookOptions {
  /** Where openings and escalations are journaled (machine `anomaly`); none in a pure spec. */
  readonly journal?: { record(transition: TransitionRecord): unknown };
  readonly capacity: number;
  readonly dedupWindowMs: number;
  readonly keepPerRecord: number;
  /** Called after every change, so the owner can schedule a store write. */
  readonly onChange?: () => void;
}

/**
 * The anomaly records, bounded and de-duplicated. An observation of the same kind about the same
 * subject within `dedupWindowMs` of that record's last one folds into it (count, last seen, values,
 * trend, severity); otherwise it opens a new record. Past `capacity` the record seen least recently
 * is dropped. Openings and escalations are journaled: actor `anomaly/<key>`, machine `anomaly`,
 * `none → <severity>` on `anomaly.opened`, `<old> → <new>` on `anomaly.escalated`.
 *
 * @example
 * const book = new AnomalyBook(undefined, { capacity: 200, dedupWindowMs: 3_600_000, keepPerRecord: 32 });
 * book.report({ kind: 'reconciliation-healed', subject: { type: 'actor', id: 'recon-mm' },
 *               severity: 'info', t: clock.now(), summary: 'order healed' });
 */
export class AnomalyBook {
  private readonly records: AnomalyRecord[];
  /** The latest record of each key: the only one an observation may fold into. */
  private readonly latest = new Map<string, AnomalyRecord>();
  private nextId: number;

  constructor(
    stored: StoredAnomalies | undefined,
    private readonly options: AnomalyBookOptions,
  ) {
    this.records = [...(stored?.records ?? [])].sort((a, b) => a.id - b.id);
    this.nextId = Math.max(stored?.nextId ?? 1, (this.records.at(-1)?.id ?? 0) + 1);
    for (const record of this.records) this.latest.set(record.key, record);
    this.trim();
  }

  /** Folds one observation in; returns the record it landed in and how. */
  report(observation: AnomalyObservation): { record: AnomalyRecord; change: AnomalyChange } {
    const key = dedupKey(observation.kind, observation.subject);
    const open = this.latest.get(key);
    const result =
      open !== undefined && observation.t - open.lastSeen <= this.options.dedupWindowMs
        ? this.fold(open, observation)
        : { record: this.open(key, observation), change: 'opened' as const };
    this.options.onChange?.();
    return result;
  }

  /** Every retained record, oldest id first. The records are live: copy before handing out. */
  all(): readonly AnomalyRecord[] {
    return this.records;
  }

  /** The latest record of a kind about a subject, if any is retained. */
  get(key: string): AnomalyRecord | undefined {
    return this.latest.get(key);
  }

  /** What the store keeps: a deep copy, safe to serialise while the book goes on. */
  toStored(): StoredAnomalies {
    return { version: 1, nextId: this.nextId, records: structuredClone(this.records) };
  }

  private open(key: string, o: AnomalyObservation): AnomalyRecord {
    const record: AnomalyRecord = {
      id: this.nextId++,
      key,
      kind: o.kind,
      subject: { type: o.subject.type, id: o.subject.id },
      severity: worse(o.severity, severityByCount(o.kind, 1) ?? 'info'),
      firstSeen: o.t,
      lastSeen: o.t,
      count: 1,
      trend: 'flat',
      summary: o.summary,
      unit: o.unit ?? null,
      values: o.value === undefined ? [] : [{ t: o.t, value: o.value }],
      seen: [o.t],
      evidence: { ...o.evidence },
    };
    this.records.push(record);
    this.latest.set(key, record);
    this.trim(record);
    this.journal(record, 'none', 'anomaly.opened', o.t);
    return record;
  }

  private fold(
    record: AnomalyRecord,
    o: AnomalyObservation,
  ): { record: AnomalyRecord; change: AnomalyChange } {
    const before = record.severity;
    record.count++;
    record.lastSeen = Math.max(record.lastSeen, o.t);
    record.summary = o.summary;
    record.evidence = { ...o.evidence };
    if (o.unit !== undefined) record.unit = o.unit;
    if (o.value !== undefined) bounded(record.values, { t: o.t, value: o.value }, this.options.keepPerRecord);
    bounded(record.seen, o.t, this.options.keepPerRecord);
    record.severity = worse(worse(before, o.severity), severityByCount(o.kind, record.count) ?? 'info');
    // Values say where the metric goes; without any, how often the thing happens is the trend.
    record.trend = record.values.length > 0 ? trendOf(record.values).trend : rateTrendOf(record.seen);
    if (record.severity === before) return { record, change: 'folded' };
    this.journal(record, before, 'anomaly.escalated', o.t);
    return { record, change: 'escalated' };
  }

  /** Drops the records seen least recently past capacity; never `keep` (the one just opened). */
  private trim(keep?: AnomalyRecord): void {
    while (this.records.length > this.options.capacity) {
      let oldest = -1;
      for (let i = 0; i < this.records.length; i++) {
        const record = this.records[i] as AnomalyRecord;
        if (
          record !== keep &&
          (oldest < 0 || record.lastSeen < (this.records[oldest] as AnomalyRecord).lastSeen)
        )
          oldest = i;
      }
      const [dropped] = this.records.splice(oldest, 1) as [AnomalyRecord];
      if (this.latest.get(dropped.key) === dropped) this.latest.delete(dropped.key);
    }
  }

  private journal(record: AnomalyRecord, from: AnomalySeverity | 'none', event: string, t: number): void {
    this.options.journal?.record({
      t,
      actor: `anomaly/${record.key}`,
      machine: 'anomaly',
      from,
      event,
      to: record.severity,
    });
  }
}

function bounded<T>(list: T[], item: T, keep: number): void {
  list.push(item);
  if (list.length > keep) list.splice(0, list.length - keep);
}
