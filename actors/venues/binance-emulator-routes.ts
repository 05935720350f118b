import type { OrderRequest, OrderType, Side } from '../trading/types';
import { BinanceApiError, binanceErrors } from './binance-emulator-errors';
import type { BinanceParams } from './binance-emulator-params';
import * as shapes from './binance-emulator-shapes';
import type { OrderRef } from './sim-venue-errors';
import type { SimVenue } from './sim-venue';

/** What a route handler sees. */
export interface RouteContext {
  readonly params: BinanceParams;
  readonly venue: SimVenue;
  /** The emulator's clock time when the request arrived. */
  readonly now: number;
  /** A fresh client order id for an order sent without `newClientOrderId`. */
  readonly nextClientOrderId: () => string;
}

/** One endpoint: whether it needs a signature, and what it answers. */
export interface Route {
  readonly signed: boolean;
  readonly handle: (ctx: RouteContext) => Promise<unknown>;
}

const publicRoute = (handle: Route['handle']): Route => ({ signed: false, handle });
const signedRoute = (handle: Route['handle']): Route => ({ signed: true, handle });

/**
 * The Binance spot REST subset ccxt's `binance` class calls, keyed by `METHOD path`, plus the
 * unsigned admin view `GET /__admin/ledger`.
 */
export const BINANCE_ROUTES: ReadonlyMap<string, Route> = new Map<string, Route>([
  ['GET /api/v3/ping', publicRoute(async () => ({}))],
  ['GET /api/v3/time', publicRoute(async ({ venue }) => ({ serverTime: await venue.time() }))],
  ['GET /api/v3/exchangeInfo', publicRoute(exchangeInfo)],
  ['GET /api/v3/depth', publicRoute(depth)],
  ['GET /api/v3/account', signedRoute(account)],
  ['POST /api/v3/order', signedRoute(newOrder)],
  ['GET /api/v3/order', signedRoute(queryOrder)],
  ['DELETE /api/v3/order', signedRoute(cancelOrder)],
  ['GET /api/v3/openOrders', signedRoute(openOrders)],
  ['GET /api/v3/myTrades', signedRoute(myTrades)],
  ['GET /__admin/ledger', publicRoute(async ({ venue }) => venue.ledger())],
]);

async function exchangeInfo({ params, venue, now }: RouteContext): Promise<unknown> {
  const all = await venue.instruments();
  const symbol = params.optional('symbol');
  const wanted = symbol === undefined ? all : all.filter((i) => i.symbol === symbol);
  if (wanted.length === 0) throw binanceErrors.badSymbol();
  return shapes.exchangeInfo(wanted, now);
}

async function depth({ params, venue }: RouteContext): Promise<unknown> {
  const symbol = params.required('symbol');
  const limit = params.integer('limit', 5_000) ?? 100;
  return shapes.depth(await venue.book(symbol, Math.max(1, limit)));
}

async function account({ venue, now }: RouteContext): Promise<unknown> {
  return shapes.account(await venue.balances(), now, venue.config.fees);
}

async function newOrder({ params, venue, nextClientOrderId }: RouteContext): Promise<unknown> {
  const symbol = params.required('symbol');
  const side = sideOf(params.required('side'));
  const type = typeOf(params.required('type'));
  if (params.optional('quoteOrderQty') !== undefined) throw binanceErrors.notRequired('quoteOrderQty');
  const qty = params.decimal('quantity');
  if (qty === undefined) throw binanceErrors.missing('quantity');
  let price: number | undefined;
  if (type === 'limit') {
    if (params.required('timeInForce') !== 'GTC') throw binanceErrors.badTimeInForce();
    price = params.decimal('price');
    if (price === undefined) throw binanceErrors.missing('price');
  } else {
    if (params.optional('price') !== undefined) throw binanceErrors.notRequired('price');
    if (params.optional('timeInForce') !== undefined) throw binanceErrors.notRequired('timeInForce');
  }
  const respType = params.optional('newOrderRespType') ?? 'FULL';
  if (!['ACK', 'RESULT', 'FULL'].includes(respType)) throw binanceErrors.illegal('newOrderRespType');
  const clientOrderId = params.optional('newClientOrderId') ?? nextClientOrderId();
  const request: OrderRequest = {
    clientOrderId,
    symbol,
    side,
    type,
    qty,
    ...(price === undefined ? {} : { price }),
  };
  const placed = await venue.submit(request);
  // The fills of this order come from the same instant; the engine's view adds no latency.
  const fills = venue.engine.trades(symbol).filter((f) => f.venueOrderId === placed.venueOrderId);
  return shapes.newOrder(placed, fills, respType);
}

async function queryOrder({ params, venue }: RouteContext): Promise<unknown> {
  return shapes.order(await venue.order(orderRef(params)));
}

async function cancelOrder({ params, venue }: RouteContext): Promise<unknown> {
  const cancelled = shapes.order(await venue.cancel(orderRef(params)));
  return { ...cancelled, origClientOrderId: cancelled.clientOrderId, transactTime: cancelled.updateTime };
}

async function openOrders({ params, venue }: RouteContext): Promise<unknown> {
  const orders = await venue.openOrders(params.optional('symbol'));
  return orders.map(shapes.order);
}

async function myTrades({ params, venue }: RouteContext): Promise<unknown> {
  const symbol = params.required('symbol');
  const orderId = params.optional('orderId');
  const startTime = params.integer('startTime') ?? Number.NEGATIVE_INFINITY;
  const endTime = params.integer('endTime') ?? Number.POSITIVE_INFINITY;
  const fromId = params.integer('fromId') ?? 0;
  const limit = params.integer('limit', 1_000) ?? 500;
  const trades = (await venue.myTrades(symbol)).filter(
    (f) =>
      (orderId === undefined || f.venueOrderId === orderId) &&
      f.t >= startTime &&
      f.t <= endTime &&
      Number(f.fillId) >= fromId,
  );
  // Binance answers the oldest `limit` from `fromId`, else the newest `limit` in the window.
  const page = params.optional('fromId') !== undefined ? trades.slice(0, limit) : trades.slice(-limit);
  return page.map(shapes.trade);
}

function orderRef(params: BinanceParams): OrderRef {
  const symbol = params.required('symbol');
  const orderId = params.integer('orderId');
  if (orderId !== undefined) return { symbol, venueOrderId: String(orderId) };
  const clientOrderId = params.optional('origClientOrderId');
  if (clientOrderId !== undefined) return { symbol, clientOrderId };
  throw new BinanceApiError(
    400,
    -1102,
    "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!",
  );
}

function sideOf(raw: string): Side {
  if (raw === 'BUY') return 'buy';
  if (raw === 'SELL') return 'sell';
  throw binanceErrors.badSide();
}

function typeOf(raw: string): OrderType {
  if (raw === 'LIMIT') return 'limit';
  if (raw === 'MARKET') return 'market';
  throw binanceErrors.badType();
}
