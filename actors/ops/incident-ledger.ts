import type { IncidentEvent } from '../../machines/incident.machine';
import type { Clock } from '../kernel/clock';
import type { Incident } from '../kernel/incidents';
import type { Journal } from '../kernel/journal';
import type { JournalEntry } from '../kernel/journal-entry';
import type { Logger } from '../kernel/logger';
import { IncidentNotFoundError, IncidentTransitionError } from './incident-errors';
import { scopeOf } from './incident-mitigation';
import type { IncidentRecord, IncidentRecords } from './incident-records';
import { storableData } from './incident-records';
import type { IncidentStep } from './incident-step';
import { startIncident, stepIncident } from './incident-step';
import type { IncidentView } from './incident-view';
import { incidentActor, viewOf } from './incident-view';

/**
 * The book's write side: every change of an incident goes through here — the machine decides,
 * the record is stored, then the transition is journaled (actor `incident/<id>`, machine
 * `incident`) and listeners are told. A refused event throws and changes nothing. Not serialised
 * itself: the book runs one change at a time.
 */
export class IncidentLedger {
  private readonly listeners = new Set<(incident: IncidentView) => void>();

  constructor(
    readonly records: IncidentRecords,
    private readonly journal: Pick<Journal, 'record'>,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly recurrenceWindowMs: number,
  ) {}

  /** The stored incident; throws {@link IncidentNotFoundError}. */
  need(id: number): IncidentRecord {
    const record = this.records.get(id);
    if (!record) throw new IncidentNotFoundError(id);
    return record;
  }

  /**
   * Takes in one raise: a recurrence of the newest incident of the same actor and kind if its
   * machine takes it (open or mitigated; resolved within the recurrence window), else a new
   * incident pointing back to that one. The same raise delivered twice (same journal `seq`) is
   * taken once: undefined.
   */
  async take(
    incident: Incident,
    entry: JournalEntry,
  ): Promise<{ readonly record: IncidentRecord; readonly opened: boolean } | undefined> {
    const last = this.records.meta.lastRaiseSeq;
    if (entry.seq === last || this.records.list().some((r) => r.raisedSeq === entry.seq)) return undefined;
    // Why not drop it: numbering only goes back if the journal stream was deleted; losing an
    // incident would be worse than a warning.
    if (entry.seq < last)
      this.logger.warn({ seq: entry.seq, last }, 'incident raise numbered below the last taken in');
    const previous = this.records
      .list()
      .reverse()
      .find((r) => r.actor === incident.actor && r.kind === incident.kind);
    if (previous && previous.state !== 'postmortem_written') {
      const after = await this.offer(previous, { type: 'incident.recurred', t: incident.t });
      if (after) {
        await this.records.markRaise(entry.seq);
        return { record: after, opened: false };
      }
    }
    return { record: await this.open(incident, entry, previous?.id ?? null), opened: true };
  }

  /** Opens a new incident for a raise, under a fresh id. */
  async open(incident: Incident, entry: JournalEntry, relatedTo: number | null): Promise<IncidentRecord> {
    const id = await this.records.nextId(entry.seq);
    const input = { id, kind: incident.kind, actor: incident.actor, raisedAt: incident.t };
    const started = startIncident({ ...input, recurrenceWindowMs: this.recurrenceWindowMs });
    const record: IncidentRecord = {
      ...input,
      detail: incident.detail,
      data: storableData(incident.data),
      scope: scopeOf(incident.actor, incident.data),
      raisedSeq: entry.seq,
      relatedTo,
      state: started.state,
      snapshot: started.snapshot,
      updatedAt: this.clock.now(),
    };
    await this.save(record);
    this.journalize(id, '', 'incident.opened', record.state);
    return record;
  }

  /** Runs an operator's event; throws {@link IncidentTransitionError} when the machine refuses it. */
  async apply(record: IncidentRecord, event: IncidentEvent, action: string): Promise<IncidentRecord> {
    const step = stepIncident(record, event);
    if (!step.accepted)
      throw new IncidentTransitionError(
        record.id,
        action,
        step.state,
        `\`${event.type}\` is not allowed there`,
      );
    return this.commit(record, step, event.type);
  }

  /** Runs an event the runtime offers (a recurrence, an automatic mitigation); undefined when refused. */
  async offer(record: IncidentRecord, event: IncidentEvent): Promise<IncidentRecord | undefined> {
    const step = stepIncident(record, event);
    return step.accepted ? this.commit(record, step, event.type) : undefined;
  }

  /** Calls `listener` after every stored change; returns the unsubscribe function. */
  onChange(listener: (incident: IncidentView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async commit(
    record: IncidentRecord,
    step: Extract<IncidentStep, { accepted: true }>,
    event: string,
  ): Promise<IncidentRecord> {
    const next: IncidentRecord = {
      ...record,
      state: step.to,
      snapshot: step.snapshot,
      updatedAt: this.clock.now(),
    };
    await this.save(next);
    if (step.from !== step.to) this.journalize(record.id, step.from, event, step.to);
    return next;
  }

  private async save(record: IncidentRecord): Promise<void> {
    const displaced = await this.records.save(record);
    if (displaced && displaced.state !== 'postmortem_written')
      this.logger.warn(
        { incident: displaced.id, state: displaced.state, capacity: this.records.meta.capacity },
        'incident dropped from the book without a signed post-mortem (retention)',
      );
    const view = viewOf(record);
    for (const listener of this.listeners) {
      try {
        listener(view);
      } catch (error) {
        // A broken view (an SSE client) must not undo a change that is already stored.
        this.logger.error({ err: error, incident: record.id }, 'incident listener failed');
      }
    }
  }

  private journalize(id: number, from: string, event: string, to: string): void {
    this.journal.record({
      t: this.clock.now(),
      actor: incidentActor(id),
      machine: 'incident',
      from,
      event,
      to,
    });
  }
}
