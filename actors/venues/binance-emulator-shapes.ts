import type { Balances, Fill, Instrument, OrderBook, VenueOrder } from '../trading/types';
import type { LedgerOrder } from './sim-venue-orders';

/**
 * Binance spot response bodies built from the venue's data. Numbers are decimal strings with
 * eight places and ids are integers, as Binance sends them; ccxt parses exactly these fields.
 */

/** Binance's decimal string: `0.01` → `"0.01000000"`. */
export function decimal(value: number): string {
  return value.toFixed(8);
}

/** `GET /api/v3/exchangeInfo`. */
export function exchangeInfo(instruments: readonly Instrument[], serverTime: number): object {
  return {
    timezone: 'UTC',
    serverTime,
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
    ],
    exchangeFilters: [],
    symbols: instruments.map(symbolInfo),
  };
}

function symbolInfo(i: Instrument): object {
  return {
    symbol: i.symbol,
    status: 'TRADING',
    baseAsset: i.base,
    baseAssetPrecision: 8,
    quoteAsset: i.quote,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    baseCommissionPrecision: 8,
    quoteCommissionPrecision: 8,
    orderTypes: ['LIMIT', 'MARKET'],
    icebergAllowed: false,
    ocoAllowed: false,
    quoteOrderQtyMarketAllowed: false,
    allowTrailingStop: false,
    cancelReplaceAllowed: false,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: false,
    filters: [
      {
        filterType: 'PRICE_FILTER',
        minPrice: decimal(i.tickSize),
        maxPrice: '1000000.00000000',
        tickSize: decimal(i.tickSize),
      },
      {
        filterType: 'LOT_SIZE',
        minQty: decimal(i.lotSize),
        maxQty: '9000.00000000',
        stepSize: decimal(i.lotSize),
      },
      {
        filterType: 'MARKET_LOT_SIZE',
        minQty: '0.00000000',
        maxQty: '9000.00000000',
        stepSize: '0.00000000',
      },
      {
        filterType: 'NOTIONAL',
        minNotional: decimal(i.minNotional),
        applyMinToMarket: true,
        maxNotional: '9000000.00000000',
        applyMaxToMarket: false,
        avgPriceMins: 5,
      },
    ],
    permissions: [],
    permissionSets: [['SPOT']],
    defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
    allowedSelfTradePreventionModes: ['EXPIRE_MAKER'],
  };
}

/** `GET /api/v3/depth`. */
export function depth(book: OrderBook): object {
  return {
    lastUpdateId: book.seq,
    bids: book.bids.map((l) => [decimal(l.price), decimal(l.qty)]),
    asks: book.asks.map((l) => [decimal(l.price), decimal(l.qty)]),
  };
}

/** `GET /api/v3/account`. */
export function account(
  balances: Balances,
  updateTime: number,
  fees: { maker: number; taker: number },
): object {
  return {
    makerCommission: Math.round(fees.maker * 10_000),
    takerCommission: Math.round(fees.taker * 10_000),
    buyerCommission: 0,
    sellerCommission: 0,
    commissionRates: {
      maker: decimal(fees.maker),
      taker: decimal(fees.taker),
      buyer: decimal(0),
      seller: decimal(0),
    },
    canTrade: true,
    canWithdraw: false,
    canDeposit: false,
    brokered: false,
    requireSelfTradePrevention: false,
    preventSor: false,
    updateTime,
    accountType: 'SPOT',
    balances: Object.entries(balances).map(([asset, b]) => ({
      asset,
      free: decimal(b.free),
      locked: decimal(b.locked),
    })),
    permissions: ['SPOT'],
  };
}

/** Binance's order status for the venue's. */
export function orderStatus(order: VenueOrder): string {
  switch (order.status) {
    case 'open':
      return 'NEW';
    case 'partially_filled':
      return 'PARTIALLY_FILLED';
    case 'filled':
      return 'FILLED';
    case 'rejected':
      return 'REJECTED';
    case 'cancelled': {
      // An order the venue ended itself is EXPIRED on Binance, not CANCELED.
      const endedBy = (order as Partial<LedgerOrder>).endedBy;
      if (endedBy === 'market-exhausted') return 'EXPIRED';
      if (endedBy === 'self-trade-prevention') return 'EXPIRED_IN_MATCH';
      return 'CANCELED';
    }
  }
}

/** An order as `GET /api/v3/order`, `openOrders` and `DELETE /api/v3/order` show it. */
export function order(o: VenueOrder): Record<string, unknown> {
  const executed = o.filledQty;
  return {
    symbol: o.symbol,
    orderId: Number(o.venueOrderId),
    orderListId: -1,
    clientOrderId: o.clientOrderId,
    price: decimal(o.price ?? 0),
    origQty: decimal(o.qty),
    executedQty: decimal(executed),
    cummulativeQuoteQty: decimal(executed * (o.avgFillPrice ?? 0)),
    status: orderStatus(o),
    // Binance reports GTC for market orders too.
    timeInForce: 'GTC',
    type: o.type === 'limit' ? 'LIMIT' : 'MARKET',
    side: o.side === 'buy' ? 'BUY' : 'SELL',
    stopPrice: decimal(0),
    icebergQty: decimal(0),
    time: o.createdAt,
    updateTime: o.updatedAt,
    isWorking: o.status === 'open' || o.status === 'partially_filled',
    workingTime: o.createdAt,
    origQuoteOrderQty: decimal(0),
    selfTradePreventionMode: 'EXPIRE_MAKER',
  };
}

/** `POST /api/v3/order` with `newOrderRespType` ACK, RESULT or FULL (the default, with fills). */
export function newOrder(o: VenueOrder, fills: readonly Fill[], respType: string): object {
  const ack = {
    symbol: o.symbol,
    orderId: Number(o.venueOrderId),
    orderListId: -1,
    clientOrderId: o.clientOrderId,
    transactTime: o.createdAt,
  };
  if (respType === 'ACK') return ack;
  const full = order(o);
  const result = {
    ...ack,
    price: full.price,
    origQty: full.origQty,
    executedQty: full.executedQty,
    cummulativeQuoteQty: full.cummulativeQuoteQty,
    status: full.status,
    timeInForce: full.timeInForce,
    type: full.type,
    side: full.side,
    workingTime: full.workingTime,
    selfTradePreventionMode: full.selfTradePreventionMode,
  };
  if (respType === 'RESULT') return result;
  return {
    ...result,
    fills: fills.map((f) => ({
      price: decimal(f.price),
      qty: decimal(f.qty),
      commission: decimal(f.fee),
      commissionAsset: f.feeAsset,
      tradeId: Number(f.fillId),
    })),
  };
}

/** One entry of `GET /api/v3/myTrades`. */
export function trade(f: Fill): object {
  return {
    symbol: f.symbol,
    id: Number(f.fillId),
    orderId: Number(f.venueOrderId),
    orderListId: -1,
    price: decimal(f.price),
    qty: decimal(f.qty),
    quoteQty: decimal(f.price * f.qty),
    commission: decimal(f.fee),
    commissionAsset: f.feeAsset,
    time: f.t,
    isBuyer: f.side === 'buy',
    isMaker: f.liquidity === 'maker',
    isBestMatch: true,
  };
}
