import type { AnyEventObject } from 'xstate';
import type { OrderCommand, OrderEvent, OrderPolicy } from '../../machines/order.machine';
import { effectiveTradingState, mostRestrictive, tradingStateOf } from '../../machines/trading-state.machine';
import type { TradingStateValue } from '../../machines/trading-state.machine';
import type { TimerHandle } from '../kernel/clock';
import type { EffectEnv } from '../kernel/component';
import type { KillSwitches } from '../safety/kill-switches';
import type { Venue } from '../venues/venue';
import { clientOrderId } from './client-order-id';
import {
  cancelOrder,
  checkOrder,
  fetchFills,
  fillMismatch,
  queryOrder,
  show,
  submitOrder,
  venueOrderProblem,
} from './execution-venue';
import type { ExecutionStats } from './execution-stats';
import type { ExecutionStore, FillRecord, OrderRecord, TradingMode } from './execution-store';
import { BadVenueData } from './bad-venue-data';
import {
  FLATTEN_INTENT_PREFIX,
  cancelledByKill,
  flattenIntents,
  isFlattenIntent,
  mayStillSend,
} from './execution-kills';
import { OrderDeadlines } from './order-deadlines';
import { OrderSlot } from './order-slot';
import type { OrderStep } from './order-slot';
import { GLOBAL_TRADING_STATE, strategyTradingState } from './trading-state-ids';
import type { Portfolio } from './portfolio';
import type { OpenQuantity, RecentOrder } from './risk-decision';
import { checkIntent, recordAdmitted } from './risk-engine';
import type { RiskEngineConfig } from './risk-engine.config';
import type { Fill, Instrument, Intent, VenueOrder } from './types';
import { RecentIds } from './recent-ids';
import { PendingWrites } from './pending-writes';

/** What one engine's execution works with. */
export interface ExecutionOptions {
  readonly instance: string;
  readonly engine: string;
  readonly mode: TradingMode;
  readonly venueName: string;
  /** The venue orders go to: the real one in `live`, the fill model in `shadow`. */
  readonly venue: Venue;
  readonly instruments: ReadonlyMap<string, Instrument>;
  readonly store: ExecutionStore;
  readonly portfolio: Portfolio;
  readonly risk: RiskEngineConfig;
  readonly policy: OrderPolicy;
  /** How often working orders are polled for fills and outcomes (clock ms). */
  readonly pollMs: number;
  /** Latest mids by symbol, from accepted books. */
  readonly mids: () => Readonly<Record<string, number>>;
  readonly env: EffectEnv;
  /** The kill-switch ladder: consulted on every intent and again before an order leaves. */
  readonly kills: KillSwitches;
  /** Where the venue's answers to submissions are counted, for the breakers. */
  readonly stats?: ExecutionStats;
  /**
   * The shadow fill model was built in this process: orders from a previous process are not in
   * it, so they end (cancelled, or resolved as absent) instead of being checked forever.
   */
  readonly shadowFresh?: boolean;
}

/** Events execution handles, all through the engine's serial mailbox. */
export type ExecutionEvent =
  | { type: 'intent.proposed'; intent: Intent }
  | { type: 'intent.cancel'; intentId: string; t: number }
  | { type: 'exec.order'; clientOrderId: string; event: OrderEvent }
  | { type: 'exec.venueOrder'; order: VenueOrder }
  | { type: 'exec.fills'; fills: readonly Fill[] }
  | { type: 'exec.poll' }
  /** The kill switches changed: cancel and flatten what they now cover. */
  | { type: 'exec.kill' }
  /** A step run outside the mailbox threw: rethrown in it, so the engine crashes as it should. */
  | { type: 'exec.failed'; error: string };

const EXECUTION_EVENTS = new Set([
  'intent.proposed',
  'intent.cancel',
  'exec.order',
  'exec.venueOrder',
  'exec.fills',
  'exec.poll',
  'exec.kill',
  'exec.failed',
]);

/** A terminal order is kept this long for fills that race its outcome. */
const LATE_FILL_GRACE_MS = 60_000;
/** More than a venue's trade history answers at once (`TRADE_HISTORY`, Binance's 1 000). */
const SETTLED_FILLS = 4_096;

/**
 * One engine's execution: pre-trade risk, then the intent and its outbox entry written atomically
 * before anything reaches the venue, one journaled order machine per order, in-flight checks of
 * unknown outcomes, fills into the portfolio. The client order id is derived from the instance and
 * the intent id, so no path can place a second order for one intent; an order whose outcome is
 * unknown is only ever queried, never sent again.
 */
export class Execution {
  private readonly slots = new Map<string, OrderSlot>();
  /** The same slots by intent id: cancels name intents, and deriving the id hashes. */
  private readonly byIntent = new Map<string, OrderSlot>();
  /** The slots without an outcome: what risk counts as working, walked on every intent. */
  private readonly working = new Set<OrderSlot>();
  /** Clock holds of orders whose durable writes are under way (see `propose`). */
  private readonly holds = new Map<string, () => void>();
  private readonly instrumentsByName: Readonly<Record<string, Instrument>>;
  private readonly closedAt = new Map<string, number>();
  /**
   * Fills already booked or known to be no one's here. Why: every fetch re-reads the venue's
   * recent trade history (up to a thousand), and judging each of them again on every new fill
   * cost more than the rest of the order's life together.
   */
  private readonly settledFills = new RecentIds(SETTLED_FILLS);
  private recent: RecentOrder[] = [];
  private pollTimer: TimerHandle | null = null;
  private polling = false;
  private stopped = false;
  private readonly counts = { admitted: 0, denied: 0, fills: 0, rejected: 0, unknown: 0 };
  private lastDenial: string | null = null;
  /** Denials by reason code (the text before the first colon), so a view can tell limits from halts. */
  private readonly deniedBy: Record<string, number> = {};
  private readonly bad: BadVenueData;
  private readonly deadlines: OrderDeadlines;
  private readonly writes: PendingWrites;

  constructor(private readonly o: ExecutionOptions) {
    this.writes = new PendingWrites(o.store, o.env.logger);
    this.instrumentsByName = Object.fromEntries(o.instruments);
    this.bad = new BadVenueData(o.env, o.engine, o.instance);
    this.deadlines = new OrderDeadlines(o.env.clock, (clientOrderId, name) =>
      o.env.send({
        type: 'exec.order',
        clientOrderId,
        event: { type: name, t: o.env.clock.now() } as OrderEvent,
      }),
    );
  }

  /** Resumes stored orders, then starts polling. */
  async start(): Promise<void> {
    const stored = await this.o.store.orders({ engine: this.o.engine, live: true });
    for (const record of stored) this.resume(record);
    // A kill engaged before the restart is carried out again: cancels and flattening are idempotent.
    this.enforceKills();
    this.schedulePoll();
  }

  /** Stops timers and order machines; stored state is what a restart resumes from. */
  stop(): void {
    this.stopped = true;
    if (this.pollTimer) this.o.env.clock.clearTimeout(this.pollTimer);
    this.deadlines.clear();
    for (const slot of this.slots.values()) slot.stop();
    for (const cid of [...this.holds.keys()]) this.release(cid);
  }

  /** Handles an execution event; `false` for any other event. */
  handle(event: AnyEventObject): boolean {
    if (!EXECUTION_EVENTS.has(event.type)) return false;
    const e = event as ExecutionEvent;
    switch (e.type) {
      case 'intent.proposed':
        this.propose(e.intent);
        break;
      case 'intent.cancel':
        this.cancelIntent(e.intentId, e.t);
        break;
      case 'exec.order': {
        const slot = this.slots.get(e.clientOrderId);
        if (slot) this.apply(slot, e.event);
        break;
      }
      case 'exec.venueOrder':
        this.learn(e.order);
        break;
      case 'exec.fills':
        this.onFills(e.fills);
        break;
      case 'exec.poll':
        this.poll();
        break;
      case 'exec.kill':
        this.enforceKills();
        break;
      case 'exec.failed':
        throw new Error(e.error);
    }
    return true;
  }

  /** Figures for views. */
  summary(): Record<string, unknown> {
    const live = this.working.size;
    return {
      mode: this.o.mode,
      venue: this.o.venueName,
      liveOrders: live,
      ...this.counts,
      lastDenial: this.lastDenial,
      deniedBy: { ...this.deniedBy },
    };
  }

  private get now(): number {
    return this.o.env.clock.now();
  }

  /**
   * Risk, then the durable write; the mailbox is not held while the store writes (a slow store must
   * not stall books and answers): each step continues when its write completes (`proceed`). The
   * order counts as working for risk from the moment it is admitted.
   */
  private propose(intent: Intent): void {
    const { engine } = this.o;
    if (intent.engine !== engine)
      return this.deny(intent, `MISROUTED: intent for engine ${intent.engine} sent to ${engine}`);
    // The prefix exempts an order from halts; only the kill switch may use it.
    if (isFlattenIntent(intent))
      return this.deny(
        intent,
        `INVALID_INTENT: intent ids starting with ${FLATTEN_INTENT_PREFIX} are reserved`,
      );
    const decision = checkIntent(this.o.risk, intent, {
      instruments: this.instrumentsByName,
      tradingState: this.tradingState(intent.strategy),
      // Risk reads the position of the intent's symbol only.
      positions: { [intent.symbol]: this.o.portfolio.quantity(intent.symbol, { engine }) },
      openOrders: this.openQuantities(),
      mids: this.o.mids(),
      recentOrders: this.recent,
    });
    if (!decision.admitted) return this.deny(intent, `${decision.reason}: ${decision.detail}`);
    if (this.admit(intent)) this.recent = recordAdmitted(this.o.risk, this.recent, intent);
  }

  /**
   * Writes an admitted intent and its outbox entry; its order leaves once they are durable. False
   * for an intent that already has its order here (a repeat is not a second order).
   */
  private admit(intent: Intent): boolean {
    const { env } = this.o;
    const cid = clientOrderId(this.o.instance, intent.intentId);
    if (this.slots.has(cid)) return false;
    const instrument = this.o.instruments.get(intent.symbol) as Instrument;
    const slot = OrderSlot.create(
      { clientOrderId: cid, intent, lotSize: instrument.lotSize, policy: this.o.policy },
      env.clock,
      env.record,
    );
    this.track(slot);
    this.counts.admitted++;
    const intentRecord = {
      intent,
      clientOrderId: cid,
      venue: this.o.venueName,
      mode: this.o.mode,
      t: this.now,
    };
    // Store writes are I/O, not time: a simulation must not move the clock on while they run.
    this.holds.set(cid, env.clock.hold());
    this.o.store.recordIntent(intentRecord, slot.toRecord(this.now)).then(
      (written) => this.proceed(() => this.recorded(cid, written, undefined)),
      (error: unknown) => this.proceed(() => this.recorded(cid, undefined, message(error))),
    );
    return true;
  }

  /**
   * The state the strategy trades under: the most restrictive of the instance's, this engine's and
   * the strategy's own. A level whose component is not running counts as HALTED (deny by default).
   */
  private tradingState(strategy: string): TradingStateValue {
    const { env } = this.o;
    return mostRestrictive(
      effectiveTradingState(
        tradingStateOf(env.stateOf(GLOBAL_TRADING_STATE)),
        tradingStateOf(env.state()),
        tradingStateOf(env.stateOf(strategyTradingState(strategy))),
      ),
      this.o.kills.restriction(this.o.engine, strategy),
    );
  }

  /** The intent is durable (or could not be made so): mark it sent, durably, before it leaves. */
  private recorded(cid: string, written: 'written' | 'exists' | undefined, error: string | undefined): void {
    const slot = this.slots.get(cid);
    if (!slot) return this.release(cid);
    if (error !== undefined || written === 'exists') {
      // Nothing was written by us: the order never existed here (or a replay of one that did).
      this.release(cid);
      this.forget(slot);
      if (error !== undefined) this.deny(slot.context.intent, `STORE_UNAVAILABLE: ${error}`);
      return;
    }
    if (slot.context.cancelRequestedAt !== null) return this.dropUnsent(slot);
    this.apply(slot, { type: 'order.sent', t: this.now }, false);
    // Durable before it leaves: after a crash from here on the order is unknown, never re-sent.
    this.o.store.saveOrder(slot.toRecord(this.now), { clearOutbox: true }).then(
      () => this.proceed(() => this.sendable(cid)),
      (failure: unknown) => {
        this.release(cid);
        const reason = `STORE_UNAVAILABLE: ${message(failure)}`;
        const event: OrderEvent = { type: 'order.submit.failed', kind: 'rejected', reason, t: this.now };
        this.proceed(() => {
          const slot = this.slots.get(cid);
          if (slot) this.apply(slot, event);
        });
      },
    );
  }

  /** Sends a durably `submitted` order to the venue. */
  private sendable(cid: string): void {
    this.release(cid);
    const slot = this.slots.get(cid);
    if (!slot || slot.state !== 'submitted') return;
    if (slot.context.cancelRequestedAt !== null) return this.dropUnsent(slot);
    const { intent } = slot.context;
    const state = this.tradingState(intent.strategy);
    // The position is read only when it matters: nearly every order leaves under ACTIVE.
    if (state !== 'ACTIVE') {
      const position = this.o.portfolio.quantity(intent.symbol, { engine: this.o.engine });
      if (!mayStillSend(state, intent, position)) return this.dropUnsent(slot, 'HALTED_BEFORE_SEND');
    }
    const request = {
      clientOrderId: cid,
      symbol: intent.symbol,
      side: intent.side,
      type: intent.type,
      qty: intent.qty,
      ...(intent.price === undefined ? {} : { price: intent.price }),
    };
    const sentAt = this.now;
    void submitOrder(this.o.venue, request, () => this.now).then(({ events, placed, bad, outcome }) => {
      this.o.stats?.record(this.o.engine, this.now, outcome, this.now - sentAt);
      this.proceed(() => {
        if (bad !== null)
          this.bad.report(bad, { clientOrderId: cid, symbol: intent.symbol }, `${cid}|${bad}`);
        for (const event of events) if (this.slots.get(cid) === slot) this.apply(slot, event);
        if (placed && placed.filledQty > 0) this.requestFills(intent.symbol);
      });
    });
  }

  /** Cancelled before it left: it never reaches the venue; its outcome is a refusal of our own. */
  private dropUnsent(slot: OrderSlot, reason = 'CANCELLED_BEFORE_SEND'): void {
    this.release(slot.clientOrderId);
    const t = this.now;
    this.apply(slot, { type: 'order.submit.failed', kind: 'rejected', reason, t });
  }

  /**
   * Carries out the kill switches that cover this engine: cancels the working orders of every
   * scope at `cancel` or above, then places the market orders that close positions under
   * `flatten`. Idempotent: it runs on every change, at start and on every poll.
   */
  private enforceKills(): void {
    const kills = this.o.kills.list();
    if (kills.length === 0) return;
    const { engine } = this.o;
    const t = this.now;
    for (const slot of [...this.working]) {
      if (slot.context.cancelRequestedAt !== null || !cancelledByKill(kills, engine, slot.context.intent))
        continue;
      this.apply(slot, { type: 'order.cancel.requested', by: 'kill-switch', t });
    }
    const intents = flattenIntents({
      engine,
      kills,
      portfolio: this.o.portfolio,
      instruments: this.o.instruments,
      mids: this.o.mids(),
      working: [...this.working].map((s) => ({ intent: s.context.intent, filledQty: s.context.filledQty })),
      now: t,
    });
    for (const intent of intents) this.admit(intent);
  }

  /**
   * Continues an intent's own pipeline when its I/O completes, at once rather than behind the
   * engine's queued books: handlers are synchronous, so nothing can interleave with this one, and
   * every step re-reads the order's state. A bug here crashes the engine like one in a handler.
   */
  private proceed(step: () => void): void {
    if (this.stopped) return;
    try {
      step();
    } catch (error) {
      this.o.env.send({ type: 'exec.failed', error: message(error) });
    }
  }

  private release(cid: string): void {
    const release = this.holds.get(cid);
    if (!release) return;
    this.holds.delete(cid);
    release();
  }

  private track(slot: OrderSlot): void {
    this.slots.set(slot.clientOrderId, slot);
    this.byIntent.set(slot.context.intent.intentId, slot);
    if (slot.live) this.working.add(slot);
  }

  private forget(slot: OrderSlot): void {
    this.slots.delete(slot.clientOrderId);
    this.byIntent.delete(slot.context.intent.intentId);
    this.working.delete(slot);
    this.deadlines.disarm(slot.clientOrderId);
    slot.stop();
  }

  /** `reason` is `CODE: detail`; the code is what {@link Execution.summary}'s `deniedBy` counts. */
  private deny(intent: Intent, reason: string): void {
    this.counts.denied++;
    this.lastDenial = `${intent.intentId}: ${reason}`;
    const code = reason.slice(0, Math.max(0, reason.indexOf(':'))) || 'OTHER';
    this.deniedBy[code] = (this.deniedBy[code] ?? 0) + 1;
    this.o.env.tell(intent.strategy, {
      type: 'strategy.order.closed',
      intentId: intent.intentId,
      t: this.now,
    });
  }

  private cancelIntent(intentId: string, t: number): void {
    const slot = this.byIntent.get(intentId);
    if (slot?.live) this.apply(slot, { type: 'order.cancel.requested', by: this.o.engine, t });
  }

  /** Sends an event to an order machine and carries out what follows from it. */
  private apply(slot: OrderSlot, event: OrderEvent, persist = true): OrderStep {
    const step = slot.send(event);
    this.afterStep(slot, step, persist);
    return step;
  }

  /** Saves, re-arms, runs the emitted commands and tells the strategy when the order closed. */
  private afterStep(slot: OrderSlot, step: OrderStep, persist: boolean): void {
    if (persist && (step.from !== step.to || step.filledQty > 0)) this.save(slot);
    this.arm(slot);
    for (const command of step.commands) this.run(slot, command);
    if (step.to === 'rejected' && step.from !== 'rejected') this.counts.rejected++;
    if (step.to.startsWith('unknown') && !step.from.startsWith('unknown')) this.counts.unknown++;
    // A cancel asked for before the venue knew the order is asked again once it does.
    const working = (state: string): boolean => state === 'open' || state === 'partially_filled';
    if (working(step.to) && !working(step.from) && slot.context.cancelRequestedAt !== null)
      this.apply(slot, { type: 'order.cancel.requested', by: this.o.engine, t: this.now });
    if (step.closed) {
      this.working.delete(slot);
      this.closedAt.set(slot.clientOrderId, this.now);
      const { intent } = slot.context;
      this.o.env.tell(intent.strategy, {
        type: 'strategy.order.closed',
        intentId: intent.intentId,
        t: this.now,
      });
    }
  }

  private save(slot: OrderSlot, clearOutbox = false): void {
    this.writes.saveOrder(slot.clientOrderId, () => slot.toRecord(this.now), clearOutbox);
  }

  private run(slot: OrderSlot, command: OrderCommand): void {
    const { env, venue } = this.o;
    const cid = slot.clientOrderId;
    const send = (event: OrderEvent | null): void => {
      if (event) env.send({ type: 'exec.order', clientOrderId: cid, event });
    };
    switch (command.type) {
      case 'checkOrder':
        void checkOrder(venue, command.clientOrderId, command.symbol, () => this.now).then(send);
        return;
      case 'cancelOrder':
        // Not at the venue yet: it is dropped unsent, or cancelled again once the venue has it.
        if (slot.state === 'pending' || slot.state === 'submitted') return;
        void cancelOrder(venue, command.clientOrderId, command.symbol).then((order) => {
          if (order) env.send({ type: 'exec.venueOrder', order });
        });
        return;
      case 'fetchFills':
        this.requestFills(command.symbol);
        return;
      case 'raiseIncident': {
        const { incident } = command;
        if (incident.kind === 'BAD_VENUE_DATA')
          this.bad.report(incident.detail, { ...incident }, `${incident.clientOrderId}|${incident.detail}`);
        else env.incident(incident.kind, incident.detail, { ...incident });
        return;
      }
      case 'reduceEngine':
        env.send({
          type: 'trading.reduce',
          reason: command.reason,
          by: `${this.o.engine}/execution`,
          t: command.t,
        });
        return;
    }
  }

  private requestFills(symbol: string): void {
    void fetchFills(this.o.venue, symbol).then(({ fills, bad }) => {
      if (bad !== null) this.bad.report(bad, { symbol }, `fills|${bad}`);
      this.o.env.send({ type: 'exec.fills', fills });
    });
  }

  /** What the venue says about one of our orders, as order events. */
  private learn(order: VenueOrder): void {
    const slot = this.slots.get(order.clientOrderId);
    if (!slot) return;
    const bad = venueOrderProblem(order, {
      clientOrderId: slot.clientOrderId,
      symbol: slot.context.intent.symbol,
    });
    if (bad !== null) {
      this.bad.report(
        bad,
        { clientOrderId: slot.clientOrderId, symbol: slot.context.intent.symbol },
        `${slot.clientOrderId}|${bad}`,
      );
      return;
    }
    const t = this.now;
    if (order.filledQty > slot.context.filledQty) this.requestFills(order.symbol);
    if (slot.state === 'pending' || slot.state === 'submitted') {
      if (order.status === 'rejected') {
        this.apply(slot, { type: 'order.rejected', reason: 'REJECTED_BY_VENUE', t });
        return;
      }
      this.apply(slot, { type: 'order.accepted', venueOrderId: order.venueOrderId, t });
    }
    if (order.status === 'cancelled' && slot.live) this.apply(slot, { type: 'order.cancelled', t });
  }

  private onFills(fills: readonly Fill[]): void {
    for (const fill of fills) {
      const id = typeof fill.fillId === 'string' ? fill.fillId : undefined;
      if (id !== undefined && this.settledFills.has(id)) continue;
      const slot = this.slots.get(fill.clientOrderId);
      if (!slot) {
        if (this.bad.unmatched(fill) && id !== undefined) this.settledFills.add(id);
        continue;
      }
      const { intent } = slot.context;
      const owner = { engine: intent.engine, strategy: intent.strategy };
      const refused = slot.wouldCount(fill) ? this.o.portfolio.checkFill(fill, owner) : null;
      const bad =
        fillMismatch(fill, intent) ??
        (refused === null ? null : `fill ${show(fill.fillId)}: ${refused.field}: ${refused.message}`);
      if (bad !== null) {
        const cid = slot.clientOrderId;
        this.bad.report(
          bad,
          { clientOrderId: cid, engine: intent.engine, strategy: intent.strategy },
          `${cid}|${bad}`,
        );
        continue;
      }
      const step = this.apply(slot, {
        type: 'order.filled',
        fillId: fill.fillId,
        qty: fill.qty,
        price: fill.price,
        t: fill.t,
      });
      if (step.filledQty <= 0) continue;
      // Only once booked: a fill the order could not take yet must be judged again next time.
      if (id !== undefined) this.settledFills.add(id);
      const record: FillRecord = {
        ...fill,
        engine: intent.engine,
        strategy: intent.strategy,
        intentId: intent.intentId,
      };
      this.counts.fills++;
      this.writes.appendFill(record);
      this.o.portfolio.recordFill(fill, { engine: intent.engine, strategy: intent.strategy });
      this.o.env.tell(intent.strategy, {
        type: 'strategy.order.filled',
        intentId: intent.intentId,
        side: intent.side,
        qty: step.filledQty,
        t: fill.t,
      });
    }
  }

  private poll(): void {
    this.pollTimer = null;
    this.writes.retry();
    const now = this.now;
    for (const [cid, at] of this.closedAt) {
      if (now - at < LATE_FILL_GRACE_MS) continue;
      this.closedAt.delete(cid);
      const slot = this.slots.get(cid);
      if (slot) this.forget(slot);
    }
    const working = [...this.working].filter((s) => s.state === 'open' || s.state === 'partially_filled');
    // One poll at a time: a slow venue must not pile requests up behind its rate limiter.
    if (working.length > 0 && !this.polling) {
      this.polling = true;
      const symbols = [...new Set(working.map((s) => s.context.intent.symbol))];
      // Per symbol: cheaper than an account-wide openOrders on venues that weigh requests (Binance).
      void Promise.all(symbols.map((symbol) => this.pollSymbol(symbol, working))).finally(() => {
        this.polling = false;
      });
    }
    this.enforceKills();
    this.schedulePoll();
  }

  /** Asks the venue about the working orders of `symbol`, and about any that left its book. */
  private async pollSymbol(symbol: string, working: readonly OrderSlot[]): Promise<void> {
    const { venue, env } = this.o;
    let open: unknown;
    try {
      open = await venue.openOrders(symbol);
    } catch {
      return;
    }
    if (!Array.isArray(open)) {
      this.bad.report(`openOrders answered ${show(open)}, not a list of orders`, { symbol }, 'openOrders');
      return;
    }
    const orders = open.filter((o): o is VenueOrder => typeof o === 'object' && o !== null);
    const byCid = new Map(orders.map((o) => [o.clientOrderId, o]));
    const gone: OrderSlot[] = [];
    for (const slot of working) {
      if (slot.context.intent.symbol !== symbol) continue;
      const seen = byCid.get(slot.clientOrderId);
      if (seen) env.send({ type: 'exec.venueOrder', order: seen });
      else gone.push(slot);
    }
    for (const slot of gone) {
      const order = await queryOrder(venue, slot.clientOrderId, symbol);
      if (order) env.send({ type: 'exec.venueOrder', order });
    }
  }

  private schedulePoll(): void {
    if (this.stopped || this.pollTimer) return;
    this.pollTimer = this.o.env.clock.setTimeout(() => {
      this.pollTimer = null;
      this.o.env.send({ type: 'exec.poll' });
    }, this.o.pollMs);
  }

  private resume(record: OrderRecord): void {
    const slot = OrderSlot.restore(record, this.o.env.clock, this.o.env.record);
    this.track(slot);
    const t = this.now;
    if (slot.state === 'pending') {
      // Still in the outbox: provably never sent. A stale intent is not sent after a restart.
      this.apply(
        slot,
        { type: 'order.submit.failed', kind: 'rejected', reason: 'NOT_SENT_BEFORE_RESTART', t },
        false,
      );
      this.save(slot, true);
      return;
    }
    if (this.o.shadowFresh) {
      const by = 'shadow fill model restarted';
      if (slot.state === 'submitted')
        this.apply(slot, { type: 'order.submit.failed', kind: 'rejected', reason: by, t });
      else if (slot.state.startsWith('unknown')) this.apply(slot, { type: 'order.reconciled.absent', by, t });
      else if (slot.live) this.apply(slot, { type: 'order.cancelled', t });
      return;
    }
    if (slot.state === 'submitted') {
      this.apply(slot, {
        type: 'order.submit.failed',
        kind: 'unknown',
        reason: 'the process restarted before the venue answered',
        t,
      });
      return;
    }
    this.arm(slot);
  }

  /** (Re-)arms the order's deadlines from its context. */
  private arm(slot: OrderSlot): void {
    this.deadlines.arm(slot.clientOrderId, slot.context.deadlines);
  }

  /** Remaining quantity of working orders per symbol and side: they count as if they filled. */
  private openQuantities(): Record<string, OpenQuantity> {
    const out: Record<string, { buy: number; sell: number }> = {};
    for (const slot of this.working) {
      const { intent, filledQty } = slot.context;
      const entry = (out[intent.symbol] ??= { buy: 0, sell: 0 });
      entry[intent.side] += intent.qty - filledQty;
    }
    return out;
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
