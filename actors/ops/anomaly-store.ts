import type { Clock, TimerHandle } from '../kernel/clock';
import type { Logger } from '../kernel/logger';
import type { Store } from '../kernel/store';
import type { StoredAnomalies } from './anomaly-book';

/** The kv key of the anomaly records: `predator:{inst}:kv:anomalies` (`docs/redis-keys.md`). */
export const ANOMALIES_KEY = 'anomalies';

/** The part of a `Store` the tracker uses. */
export type AnomalyStore = Pick<Store, 'getValue' | 'setValue'>;

/**
 * The stored records, if any could be read. A value this version cannot read, or a store that is
 * down, starts the tracker empty (logged): anomalies are hints, not a ledger to block a start on.
 */
export async function loadAnomalies(
  store: AnomalyStore,
  logger: Logger,
): Promise<StoredAnomalies | undefined> {
  try {
    const stored = await store.getValue<StoredAnomalies>(ANOMALIES_KEY);
    if (stored === undefined) return undefined;
    if (stored.version === 1 && Array.isArray(stored.records)) return stored;
    logger.warn({ key: ANOMALIES_KEY }, 'stored anomalies not understood; starting with none');
  } catch (error) {
    logger.warn({ err: error }, 'stored anomalies could not be read; starting with none');
  }
  return undefined;
}

/**
 * Writes the records at most every `persistMs` after a change, one write in flight at a time, and
 * once more at {@link AnomalyPersister.flush}. A failed write is logged once and retried at the next
 * change or flush.
 */
export class AnomalyPersister {
  private timer: TimerHandle | undefined;
  private writing: Promise<void> | undefined;
  private dirty = false;
  private warned = false;

  constructor(
    private readonly store: AnomalyStore,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly persistMs: number,
    private readonly read: () => StoredAnomalies,
  ) {}

  /** Something changed: schedules a write. */
  changed(): void {
    this.dirty = true;
    if (this.timer !== undefined || this.writing !== undefined) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.write();
    }, this.persistMs);
  }

  /** Writes now if anything changed; resolves when written (or the write failed). */
  async flush(): Promise<void> {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    while (this.writing !== undefined) await this.writing;
    if (this.dirty) this.write();
    while (this.writing !== undefined) await this.writing;
  }

  /** Cancels a scheduled write (at stop, after the last flush). */
  dispose(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private write(): void {
    this.dirty = false;
    // Store I/O is not time: a simulation must not move the clock on while the value is written.
    const release = this.clock.hold();
    this.writing = this.store
      .setValue(ANOMALIES_KEY, this.read())
      .then(
        () => {
          this.warned = false;
        },
        (error: unknown) => {
          this.dirty = true;
          if (!this.warned)
            this.logger.warn({ err: error }, 'anomalies not written; retried at the next change');
          this.warned = true;
        },
      )
      .finally(() => {
        this.writing = undefined;
        release();
        if (this.dirty && !this.warned) this.changed();
      });
  }
}
