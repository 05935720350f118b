import type { IncidentState } from '../../machines/incident.machine';
import type { Logger } from '../kernel/logger';
import type { Store } from '../kernel/store';
import type { Postmortem } from './postmortem';

/** Kv key (`predator:{inst}:kv:incidents:meta`) of the book's counter and layout. */
export const INCIDENTS_META_KEY = 'incidents:meta';

/** Kv key (`predator:{inst}:kv:incidents:slot:{n}`) of the incident in slot `n` (`id mod capacity`). */
export function incidentSlotKey(slot: number): string {
  return `incidents:slot:${slot}`;
}

/** Kv key (`predator:{inst}:kv:incidents:postmortem:{n}`) of the post-mortem of the incident in slot `n`. */
export function postmortemSlotKey(slot: number): string {
  return `incidents:postmortem:${slot}`;
}

/** What `incidents:meta` holds. */
export interface IncidentsMeta {
  /** The last id handed out; ids are never reused, across restarts too. */
  readonly lastId: number;
  /** Slots in the ring; fixed when the book is first written. */
  readonly capacity: number;
  /** Journal `seq` of the newest raise taken in: a raise delivered twice is taken once. */
  readonly lastRaiseSeq: number;
}

/** Which trading scope an incident concerns, as far as its data tells. */
export interface IncidentScope {
  /** `data.engine`, else the raising actor (an engine raises its own incidents). */
  readonly engine: string;
  /** `data.strategy`, when given. */
  readonly strategy: string | null;
}

/** One incident as the book stores it (`incidents:slot:{id mod capacity}`). */
export interface IncidentRecord {
  readonly id: number;
  readonly kind: string;
  /** The component (or service) that raised it. */
  readonly actor: string;
  readonly detail: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly scope: IncidentScope;
  /** Clock time and journal `seq` of the kernel's raise entry (machine `incident`, event = kind). */
  readonly raisedAt: number;
  readonly raisedSeq: number;
  /** An earlier incident of the same actor and kind that this one recurs after its window closed. */
  readonly relatedTo: number | null;
  /** The incident machine's state, and its persisted snapshot (the context: who, when, why). */
  readonly state: IncidentState;
  readonly snapshot: unknown;
  /** Clock time of the latest save. */
  readonly updatedAt: number;
}

const MAX_DATA_CHARS = 4_000;

/** The incident's data as stored: a JSON-safe copy, cut to a preview when it is large. */
export function storableData(data: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  let json: string;
  try {
    json = JSON.stringify(data) ?? '{}';
  } catch {
    return { unserializable: true };
  }
  // Why a bound: the record is rewritten on every transition and loaded at every start.
  if (json.length > MAX_DATA_CHARS) return { truncated: true, preview: json.slice(0, MAX_DATA_CHARS) };
  return JSON.parse(json) as Record<string, unknown>;
}

/**
 * The incidents and post-mortems in the store: a ring of `capacity` slots under kv keys, plus one
 * meta value holding the id counter. The counter is written before the incident that takes the
 * id, so a crash between the two burns an id and never reuses one. One writer per instance (the
 * book serialises its writes); every retained incident is also held in memory.
 */
export class IncidentRecords {
  private readonly byId = new Map<number, IncidentRecord>();

  private constructor(
    private readonly store: Pick<Store, 'getValue' | 'setValue'>,
    private current: IncidentsMeta,
  ) {}

  /** Loads the meta value and every retained incident (one read per slot, all in flight at once). */
  static async load(
    store: Pick<Store, 'getValue' | 'setValue'>,
    capacity: number,
    logger: Logger,
  ): Promise<IncidentRecords> {
    const stored = await store.getValue<IncidentsMeta>(INCIDENTS_META_KEY);
    const meta = stored ?? { lastId: 0, capacity, lastRaiseSeq: 0 };
    if (stored && stored.capacity !== capacity)
      logger.warn(
        { stored: stored.capacity, configured: capacity },
        'incident book keeps the capacity it was first written with',
      );
    const records = new IncidentRecords(store, meta);
    const first = Math.max(1, meta.lastId - meta.capacity + 1);
    const ids = Array.from({ length: meta.lastId - first + 1 }, (_, i) => first + i);
    const loaded = await Promise.all(ids.map((id) => store.getValue<IncidentRecord>(records.slotKey(id))));
    loaded.forEach((record, i) => {
      // A slot may still hold the incident an interrupted write was about to replace.
      if (record && record.id === ids[i]) records.byId.set(record.id, record);
    });
    return records;
  }

  /** The counter and layout. */
  get meta(): IncidentsMeta {
    return this.current;
  }

  /** Hands out the next id, stored before it is used. */
  async nextId(lastRaiseSeq: number): Promise<number> {
    const next: IncidentsMeta = { ...this.current, lastId: this.current.lastId + 1, lastRaiseSeq };
    await this.store.setValue(INCIDENTS_META_KEY, next);
    this.current = next;
    return next.lastId;
  }

  /** Remembers the newest raise taken in (one folded into an existing incident too). */
  async markRaise(lastRaiseSeq: number): Promise<void> {
    const next: IncidentsMeta = { ...this.current, lastRaiseSeq };
    await this.store.setValue(INCIDENTS_META_KEY, next);
    this.current = next;
  }

  /** The incident with this id, if retained. */
  get(id: number): IncidentRecord | undefined {
    return this.byId.get(id);
  }

  /** Every retained incident, oldest first. */
  list(): IncidentRecord[] {
    return [...this.byId.values()].sort((a, b) => a.id - b.id);
  }

  /**
   * Writes an incident into its slot, dropping whatever older incident held it, and the memory copy
   * only once the store has it. Resolves with the incident it displaced, if any.
   */
  async save(record: IncidentRecord): Promise<IncidentRecord | undefined> {
    await this.store.setValue(this.slotKey(record.id), record);
    const displaced = this.byId.get(record.id - this.current.capacity);
    if (displaced) this.byId.delete(displaced.id);
    this.byId.set(record.id, record);
    return displaced;
  }

  /** The post-mortem of an incident, if one was drafted. */
  async loadPostmortem(id: number): Promise<Postmortem | undefined> {
    const stored = await this.store.getValue<Postmortem | null>(postmortemSlotKey(this.slot(id)));
    return stored && stored.draft.incident.id === id ? stored : undefined;
  }

  /** Writes the post-mortem of an incident into the incident's slot. */
  async savePostmortem(postmortem: Postmortem): Promise<void> {
    await this.store.setValue(postmortemSlotKey(this.slot(postmortem.draft.incident.id)), postmortem);
  }

  private slot(id: number): number {
    return id % this.current.capacity;
  }

  private slotKey(id: number): string {
    return incidentSlotKey(this.slot(id));
  }
}
