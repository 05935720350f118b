import Router from '@koa/router';
import type { FillRecord, OrderRecord } from '../../actors/trading/execution-store';
import type { PositionView } from '../../actors/trading/portfolio-position';
import type { EngineView, TradingReadModel } from '../../actors/trading/read-model';
import { NotFoundError } from '../errors';
import { QueryParser, booleanParam, integerParam, nameParam } from '../params';

/** Most orders or fills one request returns. */
export const MAX_TRADING_LIMIT = 1000;

/** The 404 every trading route answers in an instance that runs no trading. */
export const TRADING_NOT_RUNNING = 'trading is not running in this instance';

const engine = nameParam('an engine name').optional();
const strategy = nameParam('a strategy name').optional();
const limit = integerParam(1, MAX_TRADING_LIMIT).optional();

const noQuery = new QueryParser({});
const positionsQuery = new QueryParser({ engine, strategy });
const ordersQuery = new QueryParser({
  engine,
  live: booleanParam().optional(),
  limit,
  snapshot: booleanParam().default(false),
});
const fillsQuery = new QueryParser({
  engine,
  strategy,
  symbol: nameParam('a symbol').optional(),
  since: integerParam(0).optional(),
  limit,
});

/** An order as the API shows it: the record without the order machine's persisted snapshot. */
export type OrderSummary = Omit<OrderRecord, 'snapshot'>;

/** `GET /api/trading/engines`'s answer. */
export interface EnginesAnswer {
  readonly engines: readonly EngineView[];
}

/** `GET /api/trading/positions`'s answer. */
export interface PositionsAnswer {
  /** Netted per symbol over the books in scope, sorted by symbol. */
  readonly positions: readonly PositionView[];
}

/** `GET /api/trading/orders`'s answer; `snapshot` is there only when asked for with `?snapshot=true`. */
export interface OrdersAnswer {
  /** Newest first. */
  readonly orders: readonly (OrderSummary | OrderRecord)[];
}

/** `GET /api/trading/fills`'s answer. */
export interface FillsAnswer {
  /** Oldest first. */
  readonly fills: readonly FillRecord[];
}

/** The order without the order machine's snapshot (internal, and most of the record's size). */
function summary(order: OrderRecord): OrderSummary {
  const { snapshot: _snapshot, ...rest } = order;
  return rest;
}

/** Drops the filters left unset, so the read model sees only what was asked for. */
function defined<T extends object>(query: T): Partial<T> {
  return Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/**
 * The read-only trading routes over a {@link TradingReadModel}; without one (an instance that runs
 * no trading) each answers 404 {@link TRADING_NOT_RUNNING}, whatever its query.
 *
 * - `GET /api/trading/engines` → {@link EnginesAnswer}
 * - `GET /api/trading/positions?engine=&strategy=` → {@link PositionsAnswer}
 * - `GET /api/trading/orders?engine=&live=true|false&limit=&snapshot=true|false` → {@link OrdersAnswer}
 * - `GET /api/trading/fills?engine=&strategy=&symbol=&since=&limit=` → {@link FillsAnswer}
 * - `GET /api/trading/pnl` → the read model's `PnlReport`, equity curve included
 */
export function tradingRoutes(trading: TradingReadModel | undefined): Router {
  const router = new Router({ prefix: '/api/trading' });
  const model = (): TradingReadModel => {
    if (trading === undefined) throw new NotFoundError(TRADING_NOT_RUNNING);
    return trading;
  };

  router.get('/engines', (ctx) => {
    const source = model();
    noQuery.parse(ctx.query);
    const body: EnginesAnswer = { engines: source.engines() };
    ctx.body = body;
  });
  router.get('/positions', (ctx) => {
    const source = model();
    const scope = defined(positionsQuery.parse(ctx.query));
    const body: PositionsAnswer = { positions: source.positions(scope) };
    ctx.body = body;
  });
  router.get('/orders', async (ctx) => {
    const source = model();
    const { snapshot, ...query } = ordersQuery.parse(ctx.query);
    const orders = await source.orders(defined(query));
    const body: OrdersAnswer = { orders: snapshot ? orders : orders.map(summary) };
    ctx.body = body;
  });
  router.get('/fills', async (ctx) => {
    const source = model();
    const body: FillsAnswer = { fills: await source.fills(defined(fillsQuery.parse(ctx.query))) };
    ctx.body = body;
  });
  router.get('/pnl', (ctx) => {
    const source = model();
    noQuery.parse(ctx.query);
    ctx.body = source.pnl();
  });
  return router;
}
