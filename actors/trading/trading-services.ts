import type { KillSwitches } from '../safety/kill-switches';
import type { MismatchBoard } from '../safety/mismatch-board';
import type { Venue } from '../venues/venue';
import type { ExecutionStats } from './execution-stats';
import type { ExecutionStore, TradingMode } from './execution-store';
import type { Portfolio } from './portfolio';
import type { Instrument, OrderBook } from './types';

/** Where one engine's orders go, and what it knows of its books. */
export interface EngineVenue {
  /** The venue orders go to: the real one (`live`) or this engine's fill model (`shadow`). */
  readonly venue: Venue;
  readonly mode: TradingMode;
  /** A shadow fill model built in this process: it holds no order from a previous process. */
  readonly fresh: boolean;
  /** Feeds an accepted book to the fill model (no-op in `live`). */
  observe(book: OrderBook): void;
}

/**
 * The I/O objects trading components use, built once per process by `buildTrading` and handed to
 * the runtime as `services` (components read them through `EffectEnv.services`). They outlive a
 * component's restart, so a restarted engine finds its venue connection and the portfolio intact.
 */
export interface TradingServices {
  readonly instance: string;
  readonly store: ExecutionStore;
  readonly portfolio: Portfolio;
  /** The kill-switch ladder every engine consults before admitting and before sending an order. */
  readonly kills: KillSwitches;
  /** The venue's answers to each engine's submissions (error and reject rates, ack latency). */
  readonly stats: ExecutionStats;
  /** Reconciliation differences that need a human, per engine. */
  readonly mismatches: MismatchBoard;
  /** Name of the market venue (`sim` or the ccxt exchange id). */
  readonly marketVenue: string;
  /** Configured engines, in config order. */
  engineIds(): string[];
  /** Engines trading live. */
  liveEngines(): string[];
  /** The market venue (books, and orders in `live`), by name. */
  venue(name: string): Venue;
  instruments(): ReadonlyMap<string, Instrument>;
  /** The venue side of one engine. */
  engineVenue(engine: string): EngineVenue;
  /** Latest mid per symbol from books some component accepted. */
  readonly mids: Record<string, number>;
  /**
   * A component's behaviour state (trading states for views), once a trading component has bound
   * the runtime's lookup (`EffectEnv.stateOf`); undefined before.
   */
  stateOf(actor: string): string | undefined;
  /** Binds {@link stateOf} to the running runtime. */
  bindStates(lookup: (actor: string) => string | undefined): void;
}

/** `services` as a component sees it; throws when the runtime was started without trading. */
export function tradingServices(services: unknown): TradingServices {
  if (typeof services !== 'object' || services === null || !('engineVenue' in services))
    throw new Error('trading components need the trading services (Runtime.start({ services }))');
  return services as TradingServices;
}
