import type {
  ExecutionStore,
  FillQuery,
  FillRecord,
  IntentRecord,
  OrderQuery,
  OrderRecord,
} from '../trading/execution-store';
import type { StoreOutage } from './store-outage';

/**
 * An {@link ExecutionStore} that a {@link StoreOutage} takes down together with the kernel's store,
 * as one Redis holds both in production: while it is down every call rejects with
 * `StoreUnavailableError` and nothing is written — `RedisExecutionStore`'s failure model — so
 * execution denies what it cannot record and never sends an order whose intent is not durable.
 *
 * Wrap the store `createExecutionStore` built (so its validation still runs), before the runtime
 * starts: components take the store from the trading services when they start. One difference
 * remains: a malformed record is refused for the outage first, where Redis would name the field.
 *
 * @example
 * const services = { ...trading.services, store: new OutageExecutionStore(trading.services.store, outage) };
 */
export class OutageExecutionStore implements ExecutionStore {
  constructor(
    private readonly inner: ExecutionStore,
    private readonly outage: StoreOutage,
  ) {}

  async recordIntent(intent: IntentRecord, order: OrderRecord): Promise<'written' | 'exists'> {
    this.outage.guard('recordIntent');
    return this.inner.recordIntent(intent, order);
  }

  async saveOrder(order: OrderRecord, options?: { readonly clearOutbox?: boolean }): Promise<void> {
    this.outage.guard('saveOrder');
    await this.inner.saveOrder(order, options);
  }

  async appendFill(fill: FillRecord): Promise<'recorded' | 'duplicate'> {
    this.outage.guard('appendFill');
    return this.inner.appendFill(fill);
  }

  async intent(intentId: string): Promise<IntentRecord | undefined> {
    this.outage.guard('intent');
    return this.inner.intent(intentId);
  }

  async order(clientOrderId: string): Promise<OrderRecord | undefined> {
    this.outage.guard('order');
    return this.inner.order(clientOrderId);
  }

  async orders(query?: OrderQuery): Promise<OrderRecord[]> {
    this.outage.guard('orders');
    return this.inner.orders(query);
  }

  async outbox(engine?: string): Promise<IntentRecord[]> {
    this.outage.guard('outbox');
    return this.inner.outbox(engine);
  }

  async fills(query?: FillQuery): Promise<FillRecord[]> {
    this.outage.guard('fills');
    return this.inner.fills(query);
  }

  async forgottenBefore(): Promise<number> {
    this.outage.guard('forgottenBefore');
    return this.inner.forgottenBefore();
  }
}
