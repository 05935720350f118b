import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { AnyEventObject } from 'xstate';
import type { ComponentDefinition, ComponentEffects } from '../actors/kernel/component';
import { ComponentRegistry } from '../actors/kernel/registry';
import circuitBreaker from '../actors/safety/components/circuit-breaker';
import reconciliation from '../actors/safety/components/reconciliation';
import engine from '../actors/trading/components/engine';
import marketData from '../actors/trading/components/market-data';
import strategy from '../actors/trading/components/strategy';
import tradingState from '../actors/trading/components/trading-state';
import type { EngineVenue, TradingServices } from '../actors/trading/trading-services';
import type { Intent } from '../actors/trading/types';
import type { Venue } from '../actors/venues/venue';
import type { StrategyCommand } from '../machines/strategy.machine';

/**
 * Timestamps along the trading path, taken by thin wrappers around the shipped components and the
 * engine's venue; the runtime itself is not changed. Times are `performance.now()` milliseconds.
 *
 * - `tick`: the benchmark hands a book to the market-data component (see `trading-latency.ts`);
 * - `published`: the kernel publishes the resulting `book.accepted` (wrapped `kernel.publish`);
 * - `emitted`: the strategy's effects carry out `submitIntent` (wrapped strategy effects);
 * - `received`: the engine's effects are offered `intent.proposed` (wrapped engine effects): the
 *   intent has left the engine's mailbox, before the risk check;
 * - `submitted` / `answered`: the engine's venue is called with the order, and its promise settles.
 */
export interface IntentTimes {
  /** Index of the book on the tape that produced the intent. */
  readonly tickIndex: number;
  readonly tick: number;
  readonly published: number;
  readonly emitted: number;
  received?: number;
}

/** What the venue wrapper saw of one order, by client order id. */
export interface SubmitTimes {
  readonly submitted: number;
  answered?: number;
  status?: string;
}

/** The probe state of one run. */
export class TradingProbes {
  /** The book being handed over right now; set by the feeder around its synchronous send. */
  current: { index: number; tick: number; published: number } | null = null;
  readonly intents = new Map<string, IntentTimes>();
  readonly submits = new Map<string, SubmitTimes>();
  /** Tape indexes of books on which a strategy emitted at least one intent. */
  readonly ticksWithIntents = new Set<number>();
  /** Intents emitted while no book was being handed over (cannot be attributed to a tick). */
  unattributed = 0;
  cancels = 0;

  /** Called by the wrapped `kernel.publish` for `book.accepted`. */
  onPublish(): void {
    if (this.current !== null) this.current.published = performance.now();
  }

  private onCommand(command: StrategyCommand): void {
    if (command.type === 'cancelIntent') {
      this.cancels++;
      return;
    }
    const current = this.current;
    if (current === null) {
      this.unattributed++;
      return;
    }
    this.ticksWithIntents.add(current.index);
    this.intents.set(command.intent.intentId, {
      tickIndex: current.index,
      tick: current.tick,
      published: current.published,
      emitted: performance.now(),
    });
  }

  private onProposed(intent: Intent): void {
    const times = this.intents.get(intent.intentId);
    if (times !== undefined) times.received = performance.now();
  }

  /** The trading registry with the market-data, engine and strategy kinds wrapped. */
  registry(): ComponentRegistry {
    const dir = path.join(__dirname, '..', 'actors', 'trading', 'components');
    const safety = path.join(__dirname, '..', 'actors', 'safety', 'components');
    const wrap = (
      definition: ComponentDefinition,
      around: (inner: ComponentEffects) => ComponentEffects,
    ): ComponentDefinition => {
      const build = definition.effects;
      if (build === undefined) return definition;
      return { ...definition, effects: (env) => around(build(env)) };
    };
    const engineKind = wrap(engine as ComponentDefinition, (inner) => ({
      ...inner,
      handle: (event: AnyEventObject) => {
        if (event.type === 'intent.proposed')
          this.onProposed((event as unknown as { intent: Intent }).intent);
        return inner.handle?.(event) ?? false;
      },
    }));
    const strategyKind = wrap(strategy as ComponentDefinition, (inner) => ({
      ...inner,
      run: (command: AnyEventObject) => {
        this.onCommand(command as StrategyCommand);
        return inner.run(command);
      },
    }));
    return (
      new ComponentRegistry()
        .register(marketData as ComponentDefinition, path.join(dir, 'market-data.ts'))
        .register(engineKind, path.join(dir, 'engine.ts'))
        .register(strategyKind, path.join(dir, 'strategy.ts'))
        .register(tradingState as ComponentDefinition, path.join(dir, 'trading-state.ts'))
        // The default safety layer runs beside the trading path, as in production.
        .register(circuitBreaker as ComponentDefinition, path.join(safety, 'circuit-breaker.ts'))
        .register(reconciliation as ComponentDefinition, path.join(safety, 'reconciliation.ts'))
    );
  }

  /** `services` whose engine venues time every submit. */
  services(services: TradingServices): TradingServices {
    const sides = new Map<string, EngineVenue>();
    return {
      ...services,
      engineVenue: (id) => {
        let side = sides.get(id);
        if (side === undefined) {
          const inner = services.engineVenue(id);
          side = { ...inner, observe: (book) => inner.observe(book), venue: this.timed(inner.venue) };
          sides.set(id, side);
        }
        return side;
      },
    };
  }

  private timed(venue: Venue): Venue {
    return {
      submit: (request) => {
        const times: SubmitTimes = { submitted: performance.now() };
        this.submits.set(request.clientOrderId, times);
        const answer = venue.submit(request);
        // Registered before the caller's own continuation, so it runs first when the answer comes.
        answer.then(
          (order) => {
            times.answered = performance.now();
            times.status = order.status;
          },
          () => {
            times.answered = performance.now();
            times.status = 'error';
          },
        );
        return answer;
      },
      cancel: (ref) => venue.cancel(ref),
      order: (ref) => venue.order(ref),
      openOrders: (symbol) => venue.openOrders(symbol),
      myTrades: (symbol) => venue.myTrades(symbol),
      balances: () => venue.balances(),
      book: (symbol, depth) => venue.book(symbol, depth),
      instruments: () => venue.instruments(),
      time: () => venue.time(),
      close: () => venue.close(),
    };
  }
}
