import type { EffectEnv } from '../kernel/component';
import { isOwnClientOrderId } from './client-order-id';
import { show } from './execution-venue';
import type { Fill } from './types';

/** Reported keys kept before the memory of them starts again. */
const REMEMBERED = 10_000;

/**
 * What execution does with venue data it cannot trust: a `BAD_VENUE_DATA` incident — once per key
 * (order and detail), since a venue repeats itself on every poll — and the engine to REDUCING, since
 * what the venue says about our orders can no longer be relied on to keep positions right.
 */
export class BadVenueData {
  private readonly reported = new Set<string>();

  constructor(
    private readonly env: Pick<EffectEnv, 'incident' | 'send' | 'clock'>,
    private readonly engine: string,
    private readonly instance: string,
  ) {}

  /** Reports `detail` unless `key` was reported already. */
  report(detail: string, data: Readonly<Record<string, unknown>>, key: string): void {
    if (this.reported.has(key)) return;
    if (this.reported.size >= REMEMBERED) this.reported.clear();
    this.reported.add(key);
    this.env.incident('BAD_VENUE_DATA', detail, data);
    this.env.send({
      type: 'trading.reduce',
      reason: `BAD_VENUE_DATA: ${detail}`,
      by: `${this.engine}/execution`,
      t: this.env.clock.now(),
    });
  }

  /**
   * A fill of no order this engine holds: news only if this instance never sent the order.
   * Returns whether the fill is accounted for (an order of ours), so it need not be judged again.
   */
  unmatched(fill: Fill): boolean {
    const cid: unknown = fill.clientOrderId;
    // Our own orders this engine no longer holds (closed a while ago, or another engine's).
    if (typeof cid === 'string' && isOwnClientOrderId(this.instance, cid)) return true;
    const detail = `fill ${show(fill.fillId)} for order ${show(cid)}, which this instance never sent`;
    this.report(
      detail,
      { fillId: fill.fillId, clientOrderId: cid, symbol: fill.symbol },
      `fill|${show(fill.fillId)}`,
    );
    return false;
  }
}
