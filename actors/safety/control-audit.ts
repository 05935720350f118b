import type { AuditEntry, AuditLog } from './control-plane';

/**
 * An {@link AuditLog} in memory, for specs and for a single process that keeps its audit
 * elsewhere too. Holds the newest `capacity` entries (10 000 by default); older ones are dropped,
 * so a flood of refused attempts cannot exhaust memory.
 *
 * @example
 * const audit = new MemoryAuditLog({ capacity: 100 });
 * const plane = new ControlPlane({ clock, target, audit, nonce });
 * await audit.list(20); // the last 20 attempts, newest last
 */
export class MemoryAuditLog implements AuditLog {
  /** How many entries are kept. */
  readonly capacity: number;
  // Why a ring: dropping the oldest of 10 000 with Array.shift would copy the array on every append.
  private readonly ring: (AuditEntry | undefined)[];
  private start = 0;
  private size = 0;

  constructor(options: { readonly capacity?: number } = {}) {
    const capacity = options.capacity ?? 10_000;
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`audit capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.ring = new Array<AuditEntry | undefined>(capacity);
  }

  /** Number of entries held. */
  get length(): number {
    return this.size;
  }

  async append(entry: AuditEntry): Promise<void> {
    // Why a frozen copy: a caller mutating its object afterwards must not rewrite history.
    const stored = Object.freeze({ ...entry, identity: Object.freeze({ ...entry.identity }) });
    if (this.size < this.capacity) {
      this.ring[(this.start + this.size) % this.capacity] = stored;
      this.size++;
    } else {
      this.ring[this.start] = stored;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  async list(limit?: number): Promise<AuditEntry[]> {
    const count = limit === undefined ? this.size : Math.max(0, Math.min(this.size, Math.floor(limit)));
    const out: AuditEntry[] = [];
    for (let i = this.size - count; i < this.size; i++) {
      const entry = this.ring[(this.start + i) % this.capacity];
      if (entry) out.push(entry);
    }
    return out;
  }
}
