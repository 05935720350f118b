import type { Clock } from '../kernel/clock';
import type { Rng } from '../kernel/rng';
import type { Balances, Fill, Instrument, OrderBook, OrderRequest, VenueOrder } from '../trading/types';
import type { MarketSource } from './market-source';
import { parseSimVenueConfig } from './sim-venue.config';
import type { SimVenueConfig, SimVenueConfigInput } from './sim-venue.config';
import { SimVenueEngine } from './sim-venue-engine';
import type { VenueLedger } from './sim-venue-engine';
import {
  OrderNotFoundError,
  OrderRejectedError,
  VenueRateLimitError,
  VenueTimeoutError,
  VenueUnavailableError,
} from './sim-venue-errors';
import type { OrderRef, VenueOp } from './sim-venue-errors';
import { SimVenueFaults } from './sim-venue-faults';
import type { FaultTarget, VenueFaultKind } from './sim-venue-faults';

/** How a {@link SimVenue} is built. */
export interface SimVenueOptions {
  /** Every delay and timeout runs on it. */
  readonly clock: Clock;
  /** Randomness; the venue derives its latency and fault streams from it, named after the venue. */
  readonly rng: Rng;
  /** Other participants' liquidity (a {@link MarketSim}, or a {@link ManualMarket} in specs). */
  readonly market: MarketSource;
  /** Validated with zod; see {@link SimVenueConfig}. */
  readonly config?: SimVenueConfigInput;
}

/** Fault kinds decided when a request reaches the venue (`delay` is added when it is sent). */
const ARRIVAL_FAULTS: readonly VenueFaultKind[] = [
  'reject',
  'rateLimit',
  'ban',
  'unavailable',
  'timeout',
  'timeoutAfterAccept',
];

/**
 * The simulated venue as a client sees it: the {@link SimVenueEngine}'s matching and account behind
 * a network. Every call travels to the venue and back with a latency drawn from the venue's rng on
 * the clock (request leg, then response leg), and passes the {@link SimVenueFaults} on arrival.
 * A caller that gets no answer within `timeoutMs` gets a {@link VenueTimeoutError} — while the
 * request, if it arrived, was still executed: that is the unknown outcome execution must survive.
 *
 * Errors: {@link OrderRejectedError} (refused, with a machine-readable `reason`; nothing changed),
 * {@link OrderNotFoundError}, {@link VenueRateLimitError} (429/418, `retryAfterMs`),
 * {@link VenueUnavailableError} (5xx) and {@link VenueTimeoutError}. The venue has no withdrawal or
 * transfer operation.
 *
 * @example
 * const venue = new SimVenue({ clock, rng, market: sim });
 * const placed = venue.submit({ clientOrderId: 'i-1', symbol: 'BTCUSDT', side: 'buy', type: 'limit', qty: 0.01, price: 59_000 });
 * await clock.advance(100);           // the answer arrives after the drawn latency
 * (await placed).status;              // 'open'
 * venue.faults.set({ kind: 'timeoutAfterAccept', ops: ['submit'] });
 */
export class SimVenue {
  /** The validated configuration. */
  readonly config: SimVenueConfig;
  /** Fault hooks, settable by tests and the chaos engine. */
  readonly faults: SimVenueFaults;
  /** The synchronous engine underneath: no latency, no faults (admin views, shadow fill model). */
  readonly engine: SimVenueEngine;
  private readonly clock: Clock;
  private readonly latency: Rng;
  private bannedUntil = Number.NEGATIVE_INFINITY;

  constructor(options: SimVenueOptions) {
    this.config = parseSimVenueConfig(options.config ?? {});
    this.clock = options.clock;
    this.latency = options.rng.stream(`venue/${this.config.name}/latency`);
    this.faults = new SimVenueFaults(options.rng.stream(`venue/${this.config.name}/faults`));
    this.engine = new SimVenueEngine({
      market: options.market,
      config: this.config,
      now: () => this.now(),
      fillPieces: (symbol, clientOrderId) => this.faults.fillPieces(symbol, clientOrderId),
    });
  }

  /** Places an order; resolves with it as it stands after immediate matching. */
  submit(request: OrderRequest): Promise<VenueOrder> {
    const target = (): FaultTarget => ({
      op: 'submit',
      symbol: stringOr(request?.symbol),
      clientOrderId: stringOr(request?.clientOrderId),
    });
    return this.call(
      target,
      () => this.engine.submit(request),
      (reason, detail) => this.engine.refuse(request, reason, detail),
    );
  }

  /** Cancels an open order by venue or client id; resolves with the cancelled order. */
  cancel(ref: OrderRef): Promise<VenueOrder> {
    return this.call(this.refTarget('cancel', ref), () => {
      this.hideIfFaulted('cancel', ref);
      return this.engine.cancel(ref);
    });
  }

  /** One order by venue or client id (the newest of that client id). */
  order(ref: OrderRef): Promise<VenueOrder> {
    return this.call(this.refTarget('query', ref), () => {
      this.hideIfFaulted('query', ref);
      return this.engine.order(ref);
    });
  }

  /** Open and partially filled orders, of one symbol or all. */
  openOrders(symbol?: string): Promise<VenueOrder[]> {
    return this.call(
      () => ({ op: 'openOrders', symbol }),
      () => this.engine.openOrders(symbol),
    );
  }

  /** Our fills, oldest first, of one symbol or all. */
  myTrades(symbol?: string): Promise<Fill[]> {
    return this.call(
      () => ({ op: 'myTrades', symbol }),
      () => this.engine.trades(symbol),
    );
  }

  /** Free and locked balance of every asset. */
  balances(): Promise<Balances> {
    return this.call(
      () => ({ op: 'balances' }),
      () => this.engine.balances(),
    );
  }

  /** The book as the venue shows it (outside liquidity and our resting orders), `depth` levels a side. */
  book(symbol: string, depth?: number): Promise<OrderBook> {
    return this.call(
      () => ({ op: 'book', symbol }),
      () => this.engine.book(symbol, depth),
    );
  }

  /** Instruments traded here. */
  instruments(): Promise<Instrument[]> {
    return this.call(
      () => ({ op: 'instruments' }),
      () => this.engine.instruments(),
    );
  }

  /** The venue's clock when the request arrived. */
  time(): Promise<number> {
    return this.call(
      () => ({ op: 'time' }),
      () => this.now(),
    );
  }

  /**
   * The venue's own clock: ours, shifted by any `clockSkew` fault in force, as an exchange's server
   * time drifts from the host's. Every time the venue stamps reads it.
   */
  now(): number {
    return this.clock.now() + this.faults.clockSkewMs();
  }

  /**
   * Every open order and the newest ended orders, fills and refused submits (up to the config's
   * `history` caps), now: an admin view, without latency or faults.
   */
  ledger(): VenueLedger {
    return this.engine.ledger();
  }

  /** Stops following the market source. */
  close(): void {
    this.engine.close();
  }

  /**
   * Sends a request: `run` executes on arrival, its result or error is answered after the
   * response leg, unless a fault intervenes or the caller's timeout comes first.
   */
  private call<T>(
    target: () => FaultTarget,
    run: () => T,
    refuse: (reason: OrderRejectedError['reason'], detail: string) => never = (reason, detail) => {
      throw new OrderRejectedError(target().op, reason, detail);
    },
  ): Promise<T> {
    const { clock } = this;
    const op = target().op;
    const inbound = this.leg() + this.faults.delayFor(target());
    const outbound = this.leg();
    return new Promise<T>((resolve, reject) => {
      let answered = false;
      const timer = clock.setTimeout(
        () => settle(() => reject(new VenueTimeoutError(op, this.config.timeoutMs))),
        this.config.timeoutMs,
      );
      const settle = (deliver: () => void): void => {
        if (answered) return;
        answered = true;
        clock.clearTimeout(timer);
        deliver();
      };
      const answer = (outcome: () => T): void => {
        let value: T;
        try {
          value = outcome();
        } catch (error) {
          this.after(outbound, () => settle(() => reject(error)));
          return;
        }
        this.after(outbound, () => settle(() => resolve(value)));
      };
      this.after(inbound, () => {
        const now = clock.now();
        if (now < this.bannedUntil)
          return answer(() => {
            throw new VenueRateLimitError(op, 418, this.bannedUntil - now);
          });
        const fault = this.faults.next(target(), ARRIVAL_FAULTS);
        switch (fault?.kind) {
          case 'timeout':
            return;
          case 'rateLimit':
            return answer(() => {
              throw new VenueRateLimitError(op, 429, fault.retryAfterMs);
            });
          case 'ban':
            this.bannedUntil = now + fault.retryAfterMs;
            return answer(() => {
              throw new VenueRateLimitError(op, 418, fault.retryAfterMs);
            });
          case 'reject':
            return answer(() => refuse(fault.reason, 'refused by the venue (injected fault)'));
          case 'unavailable':
            if (fault.afterAccept) swallow(run);
            return answer(() => {
              throw new VenueUnavailableError(op, fault.status);
            });
          case 'timeoutAfterAccept':
            swallow(run);
            return;
          default:
            return answer(run);
        }
      });
    });
  }

  /**
   * Runs `fn` after `ms` on the clock — at once for 0 ms: a venue without latency (the shadow fill
   * model) then answers in the caller's turn (the promise still settles asynchronously), not after
   * two timer turns that a real clock rounds up to a millisecond each.
   */
  private after(ms: number, fn: () => void): void {
    if (ms <= 0) fn();
    else this.clock.setTimeout(fn, ms);
  }

  /** Throws "not found" for an existing order while a `notFound` fault hits it. */
  private hideIfFaulted(op: VenueOp, ref: OrderRef): void {
    const found = this.engine.find(ref, op);
    if (found === undefined) return;
    const target = { op, symbol: found.symbol, clientOrderId: found.clientOrderId };
    if (this.faults.next(target, ['notFound']) !== undefined) throw new OrderNotFoundError(op, ref);
  }

  /** What a request about `ref` concerns, completed from the order when the venue knows it. */
  private refTarget(op: VenueOp, ref: OrderRef): () => FaultTarget {
    return () => {
      let found: VenueOrder | undefined;
      try {
        found = this.engine.find(ref, op);
      } catch {
        found = undefined;
      }
      return {
        op,
        symbol: found?.symbol ?? stringOr(ref?.symbol),
        clientOrderId: found?.clientOrderId ?? stringOr(ref?.clientOrderId),
      };
    };
  }

  /** One leg's latency in whole milliseconds. */
  private leg(): number {
    const { baseMs, jitterMeanMs } = this.config.latency;
    return baseMs + Math.round(this.latency.exponential(jitterMeanMs));
  }
}

/** Runs an operation whose answer is lost: its effect stands, its result and error go nowhere. */
function swallow(run: () => unknown): void {
  try {
    run();
  } catch {
    // The caller never hears of it, as with any answer lost on the way back.
  }
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
