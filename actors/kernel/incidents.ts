import type { Clock } from './clock';
import type { Journal } from './journal';
import type { JournalEntry } from './journal-entry';
import type { Logger } from './logger';

/** Something an operator must look at, raised by a component. */
export interface Incident {
  /** Per process, from 1. */
  readonly id: number;
  readonly t: number;
  readonly actor: string;
  /** Machine-readable kind (`ORDER_OUTCOME_UNKNOWN`, `BAD_MARKET_DATA`, …). */
  readonly kind: string;
  readonly detail: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/** An incident with the journal entry that recorded its raise. */
export interface Raised {
  readonly incident: Incident;
  readonly entry: JournalEntry;
}

/**
 * Incidents raised in this process: each one is journaled (machine `incident`, event = kind), logged
 * at `error`, and kept in a bounded list for views. This is the record that they happened; their
 * life cycle (mitigation, post-mortem) is the incident book's (`actors/ops/incident-book.ts`), which
 * hears of each through {@link IncidentLog.onRaise}.
 */
export class IncidentLog {
  /** Kept incidents with their journal entries, oldest first. */
  private readonly items: Raised[] = [];
  private readonly listeners = new Set<(incident: Incident, entry: JournalEntry) => void>();
  private next = 1;

  constructor(
    private readonly journal: Journal,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly capacity = 1_000,
  ) {}

  /** Records an incident. */
  raise(actor: string, kind: string, detail: string, data: Readonly<Record<string, unknown>> = {}): Incident {
    const incident: Incident = { id: this.next++, t: this.clock.now(), actor, kind, detail, data };
    const entry = this.journal.record({
      t: incident.t,
      actor,
      machine: 'incident',
      from: '',
      event: kind,
      to: 'open',
    });
    this.logger.error({ incident }, `incident ${kind}: ${detail}`);
    this.items.push({ incident, entry });
    if (this.items.length > this.capacity) this.items.splice(0, this.items.length - this.capacity);
    for (const listener of this.listeners) {
      try {
        listener(incident, entry);
      } catch (error) {
        // A broken listener (the incident book) must not stop the component that raised it.
        this.logger.error({ err: error, incident: incident.id }, 'incident listener failed');
      }
    }
    return incident;
  }

  /**
   * Calls `listener` after every raise, with the incident and its journal entry (whose `seq`, unlike
   * the per-process `id`, is unique across restarts); returns the unsubscribe function.
   */
  onRaise(listener: (incident: Incident, entry: JournalEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Every kept incident with its journal entry, oldest first: what a listener that subscribed late
   * (the incident book attaches after the tree has booted) catches up from.
   */
  raised(): Raised[] {
    return [...this.items];
  }

  /** Incidents, oldest first, optionally only those of `kind`. */
  list(kind?: string): Incident[] {
    const all = this.items.map((r) => r.incident);
    return kind === undefined ? all : all.filter((i) => i.kind === kind);
  }
}
