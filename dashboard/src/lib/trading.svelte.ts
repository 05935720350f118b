import type { FillRecord } from '../../../actors/trading/execution-store';
import type { PositionView } from '../../../actors/trading/portfolio-position';
import type { EngineView, PnlReport } from '../../../actors/trading/read-model';
import type { OrderSummary } from './api';
import { ApiError, fetchEngines, fetchFills, fetchOrders, fetchPnl, fetchPositions } from './api';
import { coalesce } from './coalesce';

/**
 * How often the trading views are fetched again. Polled, not driven by the event stream: fills and
 * marks move positions, PnL and the equity curve without any journaled transition.
 */
export const TRADING_POLL_MS = 2_000;

/** How many of the latest fills the panel shows. */
export const RECENT_FILLS = 50;

/**
 * `loading` before the first answer; `running` with a picture; `absent` when the gateway says the
 * instance runs no trading (404); `error` when the last fetch failed (the picture, if any, is stale).
 */
export type TradingStatus = 'loading' | 'running' | 'absent' | 'error';

/** Everything the trading panel shows, from one round of fetches. */
export interface TradingPicture {
  readonly engines: readonly EngineView[];
  /** Of the engine filter, or of the instance. */
  readonly positions: readonly PositionView[];
  /** Orders without an outcome, newest first. */
  readonly orders: readonly OrderSummary[];
  /** The latest {@link RECENT_FILLS} fills, newest first. */
  readonly fills: readonly FillRecord[];
  /** Always of the whole instance, with each engine and strategy. */
  readonly pnl: PnlReport;
}

/**
 * The page's picture of trading, fetched from `/api/trading/*` every {@link TRADING_POLL_MS} and
 * whenever asked ({@link refresh}, e.g. after the event stream reconnects). Fetches are coalesced.
 * Once the gateway answers 404, polling pauses: whether an instance trades is fixed when it starts,
 * so only a reconnect (perhaps to a new instance) asks again.
 */
export class LiveTrading {
  status = $state<TradingStatus>('loading');
  /** Why the last fetch failed (or, when `absent`, the gateway's 404 message). */
  error = $state<string | null>(null);
  picture = $state.raw<TradingPicture | null>(null);
  /** Positions, orders and fills of this engine only; `null` for all. */
  engine = $state<string | null>(null);

  private readonly refresher = coalesce(() => this.load());
  private stopped = false;

  /** Fetches now and then on every poll; returns the function that stops it. */
  start(): () => void {
    this.stopped = false;
    this.refresher.request();
    const poll = setInterval(() => {
      if (this.status !== 'absent') this.refresher.request();
    }, TRADING_POLL_MS);
    return () => {
      this.stopped = true;
      clearInterval(poll);
      this.refresher.cancel();
    };
  }

  /** Fetches again now, even when trading was absent. */
  refresh(): void {
    this.refresher.request();
  }

  /** Shows positions, orders and fills of `engine` only (`null`: all) from the next fetch on. */
  filter(engine: string | null): void {
    if (engine === this.engine) return;
    this.engine = engine;
    this.refresher.request();
  }

  private async load(): Promise<void> {
    const engine = this.engine ?? undefined;
    try {
      // Engines first: in an instance without trading, one 404 (one console error) per check, not five.
      const engines = await fetchEngines();
      const [positions, orders, fills, pnl] = await Promise.all([
        fetchPositions({ engine }),
        fetchOrders({ engine, live: true }),
        fetchFills({ engine, limit: RECENT_FILLS }),
        fetchPnl(),
      ]);
      // An answer for a filter the user has since changed: the trailing fetch brings the right one.
      if (this.stopped || (this.engine ?? undefined) !== engine) return;
      this.picture = { engines, positions, orders, fills: [...fills].reverse(), pnl };
      this.status = 'running';
      this.error = null;
    } catch (err) {
      if (this.stopped) return;
      this.error = err instanceof Error ? err.message : String(err);
      if (err instanceof ApiError && err.status === 404) {
        this.status = 'absent';
        this.picture = null;
      } else {
        this.status = 'error';
      }
    }
  }
}
