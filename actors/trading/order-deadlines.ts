import type { Clock, TimerHandle } from '../kernel/clock';

/**
 * The clock timers behind the deadlines orders keep in their context (`order.ack.overdue`,
 * `order.check.due`, …). Timers do not survive a restart; the context does, so a restored order is
 * simply armed again from it. A deadline already past fires at once.
 */
export class OrderDeadlines {
  private readonly timers = new Map<string, Map<string, TimerHandle>>();

  constructor(
    private readonly clock: Clock,
    /** Called when deadline `name` of order `clientOrderId` is reached. */
    private readonly fire: (clientOrderId: string, name: string) => void,
  ) {}

  /** Replaces the order's timers with one per deadline in `deadlines`. */
  arm(clientOrderId: string, deadlines: Readonly<Record<string, number | undefined>>): void {
    this.disarm(clientOrderId);
    const timers = new Map<string, TimerHandle>();
    for (const [name, at] of Object.entries(deadlines)) {
      if (at === undefined) continue;
      const delay = Math.max(0, at - this.clock.now());
      timers.set(
        name,
        this.clock.setTimeout(() => this.fire(clientOrderId, name), delay),
      );
    }
    if (timers.size > 0) this.timers.set(clientOrderId, timers);
  }

  /** Clears the order's timers. */
  disarm(clientOrderId: string): void {
    const timers = this.timers.get(clientOrderId);
    if (!timers) return;
    for (const handle of timers.values()) this.clock.clearTimeout(handle);
    this.timers.delete(clientOrderId);
  }

  /** Clears every timer (the engine stops). */
  clear(): void {
    for (const clientOrderId of [...this.timers.keys()]) this.disarm(clientOrderId);
  }
}
