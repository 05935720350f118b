import type { Clock } from './clock';
import type { Journal } from './journal';
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

/**
 * Incidents raised in this process: each one is journaled (machine `incident`, event = kind), logged
 * at `error`, and kept in a bounded list for views. Their life cycle (mitigation, post-mortem) is a
 * later concern; this is the record that they happened.
 */
export class IncidentLog {
  private readonly items: Incident[] = [];
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
    this.journal.record({ t: incident.t, actor, machine: 'incident', from: '', event: kind, to: 'open' });
    this.logger.error({ incident }, `incident ${kind}: ${detail}`);
    this.items.push(incident);
    if (this.items.length > this.capacity) this.items.splice(0, this.items.length - this.capacity);
    return incident;
  }

  /** Incidents, oldest first, optionally only those of `kind`. */
  list(kind?: string): Incident[] {
    return kind === undefined ? [...this.items] : this.items.filter((i) => i.kind === kind);
  }
}
