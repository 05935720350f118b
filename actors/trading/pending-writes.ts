import type { Logger } from '../kernel/logger';
import type { ExecutionStore, FillRecord, OrderRecord } from './execution-store';

/** An order save the store refused: how to make its newest record, and whether it clears the outbox. */
interface Unsaved {
  readonly record: () => OrderRecord;
  readonly clearOutbox: boolean;
}

/**
 * Execution's writes after an order has left: order saves (serial per order) and fill appends. A
 * write the store refuses (Redis down) is kept and written again by {@link retry}, which execution
 * calls on every poll. Why: an order's last change has no next change to save it, so without a
 * retry a store outage left orders the venue had closed "open" in the store, and fills missing
 * from the record the portfolio is rebuilt from after a restart.
 *
 * @example
 * const writes = new PendingWrites(store, logger);
 * writes.saveOrder(cid, () => slot.toRecord(clock.now()));
 * writes.retry(); // on each poll
 */
export class PendingWrites {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly unsaved = new Map<string, Unsaved>();
  private readonly unstored = new Map<string, FillRecord>();

  constructor(
    private readonly store: ExecutionStore,
    private readonly logger: Logger,
  ) {}

  /** Order saves and fills refused so far and not yet written. */
  get pending(): number {
    return this.unsaved.size + this.unstored.size;
  }

  /** Saves the order's record as `record()` makes it, after any save of it still under way. */
  saveOrder(clientOrderId: string, record: () => OrderRecord, clearOutbox = false): void {
    const earlier = this.unsaved.get(clientOrderId);
    const clear = clearOutbox || earlier?.clearOutbox === true;
    const order = record();
    const previous = this.chains.get(clientOrderId) ?? Promise.resolve();
    const next = previous
      .then(() => this.store.saveOrder(order, { clearOutbox: clear }))
      .then(
        () => {
          if (this.unsaved.get(clientOrderId)?.record === record) this.unsaved.delete(clientOrderId);
        },
        (error: unknown) => {
          this.unsaved.set(clientOrderId, { record, clearOutbox: clear });
          this.logger.warn(
            { order: clientOrderId, err: error },
            'order record not saved; retried on the next poll',
          );
        },
      );
    this.unsaved.delete(clientOrderId);
    this.chains.set(clientOrderId, next);
    void next.then(() => {
      if (this.chains.get(clientOrderId) === next) this.chains.delete(clientOrderId);
    });
  }

  /** Appends a fill; one the store refuses is appended again by {@link retry}. */
  appendFill(fill: FillRecord): void {
    this.unstored.delete(fill.fillId);
    void this.store.appendFill(fill).catch((error: unknown) => {
      this.unstored.set(fill.fillId, fill);
      this.logger.warn(
        { fill: fill.fillId, err: error },
        'fill not stored; the portfolio has it; retried on the next poll',
      );
    });
  }

  /** Writes again every refused save (its newest record) and fill. */
  retry(): void {
    for (const [clientOrderId, { record, clearOutbox }] of [...this.unsaved])
      this.saveOrder(clientOrderId, record, clearOutbox);
    for (const fill of [...this.unstored.values()]) this.appendFill(fill);
  }
}
