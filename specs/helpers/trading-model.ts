import type { FillQuery, FillRecord, OrderQuery, OrderRecord } from '../../actors/trading/execution-store';
import { Portfolio } from '../../actors/trading/portfolio';
import type { PortfolioScope } from '../../actors/trading/portfolio';
import type { PositionView } from '../../actors/trading/portfolio-position';
import type { EngineView, PnlReport, TradingReadModel } from '../../actors/trading/read-model';
import { BTC, ETH } from '../trading/fixtures/instruments';

/** Terminal orders and fills a query returns when it sets no `limit`, as `ExecutionStore` documents. */
const DEFAULT_LIMIT = 500;

/**
 * A {@link TradingReadModel} over a real {@link Portfolio} and in-memory order and fill records, with
 * the filters and orderings `ExecutionStore` documents. Fills go through the portfolio, so positions
 * and PnL follow from them exactly as in the running instance.
 */
export class MemoryTradingModel implements TradingReadModel {
  private readonly orderRecords: OrderRecord[] = [];
  private readonly fillRecords: FillRecord[] = [];

  constructor(
    readonly portfolio: Portfolio,
    private readonly engineViews: EngineView[],
  ) {}

  /** Records a fill in the portfolio and the fill list; throws unless the portfolio recorded it. */
  fill(record: FillRecord): void {
    const outcome = this.portfolio.recordFill(record, { engine: record.engine, strategy: record.strategy });
    if (outcome.status !== 'recorded') throw new Error(`fill ${record.fillId}: ${JSON.stringify(outcome)}`);
    this.fillRecords.push(record);
  }

  /** Saves an order record, replacing the one with the same client order id. */
  saveOrder(record: OrderRecord): void {
    const at = this.orderRecords.findIndex((o) => o.clientOrderId === record.clientOrderId);
    if (at >= 0) this.orderRecords.splice(at, 1);
    this.orderRecords.push(record);
  }

  /** Marks the portfolio; throws unless it was marked. */
  mark(t: number, mids: Readonly<Record<string, number>>): void {
    const outcome = this.portfolio.mark(t, mids);
    if (outcome.status !== 'marked') throw new Error(`mark at ${t}: ${JSON.stringify(outcome)}`);
  }

  engines(): EngineView[] {
    return structuredClone(this.engineViews);
  }

  positions(scope: PortfolioScope = {}): PositionView[] {
    return this.portfolio.positions(scope);
  }

  async orders(query: OrderQuery = {}): Promise<OrderRecord[]> {
    const matching = this.orderRecords
      .filter((o) => query.engine === undefined || o.engine === query.engine)
      .filter((o) => query.live === undefined || o.terminal !== query.live)
      .sort((a, b) => b.t - a.t);
    if (query.limit !== undefined) return matching.slice(0, query.limit);
    const live = matching.filter((o) => !o.terminal);
    const terminal = matching.filter((o) => o.terminal).slice(0, DEFAULT_LIMIT);
    return [...live, ...terminal].sort((a, b) => b.t - a.t);
  }

  async fills(query: FillQuery = {}): Promise<FillRecord[]> {
    const matching = this.fillRecords.filter(
      (f) =>
        (query.engine === undefined || f.engine === query.engine) &&
        (query.strategy === undefined || f.strategy === query.strategy) &&
        (query.symbol === undefined || f.symbol === query.symbol) &&
        (query.since === undefined || f.t >= query.since),
    );
    return matching.sort((a, b) => a.t - b.t).slice(-(query.limit ?? DEFAULT_LIMIT));
  }

  pnl(): PnlReport {
    const p = this.portfolio;
    const owners = p.owners();
    const engines = [...new Set(owners.map((o) => o.engine))];
    return {
      valuationAsset: p.config.valuationAsset,
      instance: p.pnl(),
      engines: engines.map((engine) => ({ engine, ...p.pnl({ engine }), curve: p.pnlCurve({ engine }) })),
      strategies: owners.map((owner) => ({ ...owner, ...p.pnl(owner), curve: p.pnlCurve(owner) })),
      equity: p.equity(),
      curve: p.equityCurve(),
    };
  }
}

/** A fill record with round defaults; `fillId`, owner, symbol, side, qty, price and `t` vary. */
export function fillRecord(
  fill: Pick<FillRecord, 'fillId' | 'engine' | 'strategy' | 'symbol' | 'side' | 'qty' | 'price' | 't'> &
    Partial<FillRecord>,
): FillRecord {
  return {
    venueOrderId: `v-${fill.fillId}`,
    clientOrderId: `c-${fill.fillId}`,
    intentId: `i-${fill.fillId}`,
    fee: 0,
    feeAsset: 'USDT',
    liquidity: 'maker',
    ...fill,
  };
}

/** An order record; the snapshot stands in for the order machine's persisted one. */
export function orderRecord(
  order: Pick<OrderRecord, 'clientOrderId' | 'engine' | 'strategy' | 'symbol' | 'state' | 't'> &
    Partial<OrderRecord>,
): OrderRecord {
  return {
    intentId: `i-${order.clientOrderId}`,
    side: 'buy',
    type: 'limit',
    qty: 0.01,
    price: 50_000,
    filledQty: 0,
    avgPrice: null,
    terminal: ['filled', 'cancelled', 'rejected'].includes(order.state),
    snapshot: { status: 'active', value: order.state, context: { clientOrderId: order.clientOrderId } },
    ...order,
  };
}

/** The engines of {@link sampleTrading}: a market maker in shadow, a trend follower live and reducing. */
export const SAMPLE_ENGINES: EngineView[] = [
  {
    engine: 'mm',
    mode: 'shadow',
    venue: 'sim',
    tradingState: 'ACTIVE',
    globalTradingState: 'ACTIVE',
    strategies: [{ strategy: 'maker-1', kind: 'market-maker', symbol: 'BTCUSDT', tradingState: 'ACTIVE' }],
  },
  {
    engine: 'trend',
    mode: 'live',
    venue: 'binance',
    tradingState: 'REDUCING',
    globalTradingState: 'ACTIVE',
    strategies: [{ strategy: 'ema-1', kind: 'trend-follower', symbol: 'ETHUSDT', tradingState: 'ACTIVE' }],
  },
];

/**
 * A small, hand-computable trading history over a real portfolio funded with 10 000 USDT:
 *
 * - `mm/maker-1` buys 0.1 BTC at 30 000 (fee 0.3) and sells 0.05 at 30 100 (fee 0.15): realized 5;
 * - `trend/ema-1` buys 1 ETH at 2 000 (fee 2);
 * - three marks: (BTC 30 000, ETH 2 000), (BTC 30 050), (BTC 30 200, ETH 2 010);
 * - orders: `mm-1`, `mm-2` and `trend-1` filled, `mm-3` open (a resting BTC quote).
 *
 * At the last mark: BTC position 0.05 (unrealized 0.05 × 200 = 10), ETH 1 (unrealized 10);
 * net of `mm` = 5 − 0.45 + 10 = 14.55, of `trend` = −2 + 10 = 8, instance 22.55; equity 10 022.55.
 */
export function sampleTrading(): MemoryTradingModel {
  const portfolio = Portfolio.create({ valuationAsset: 'USDT', instruments: [BTC, ETH] });
  const funded = portfolio.recordTransfer({
    transferId: 'fund-1',
    asset: 'USDT',
    amount: 10_000,
    reason: 'initial funding',
    t: 0,
  });
  if (funded.status !== 'recorded') throw new Error(JSON.stringify(funded));
  const model = new MemoryTradingModel(portfolio, SAMPLE_ENGINES);
  const mm = { engine: 'mm', strategy: 'maker-1', symbol: 'BTCUSDT' } as const;
  const trend = { engine: 'trend', strategy: 'ema-1', symbol: 'ETHUSDT' } as const;

  model.saveOrder(orderRecord({ ...mm, clientOrderId: 'mm-1', state: 'filled', t: 1_000 }));
  model.fill(
    fillRecord({
      ...mm,
      fillId: 'f-1',
      clientOrderId: 'mm-1',
      side: 'buy',
      qty: 0.1,
      price: 30_000,
      fee: 0.3,
      t: 1_000,
    }),
  );
  model.mark(1_500, { BTCUSDT: 30_000, ETHUSDT: 2_000 });
  model.saveOrder(orderRecord({ ...mm, clientOrderId: 'mm-2', state: 'filled', t: 2_000 }));
  model.fill(
    fillRecord({
      ...mm,
      fillId: 'f-2',
      clientOrderId: 'mm-2',
      side: 'sell',
      qty: 0.05,
      price: 30_100,
      fee: 0.15,
      t: 2_000,
    }),
  );
  model.mark(2_500, { BTCUSDT: 30_050 });
  model.saveOrder(orderRecord({ ...mm, clientOrderId: 'mm-3', state: 'open', t: 2_600 }));
  model.saveOrder(orderRecord({ ...trend, clientOrderId: 'trend-1', state: 'filled', t: 3_000 }));
  model.fill(
    fillRecord({
      ...trend,
      fillId: 'f-3',
      clientOrderId: 'trend-1',
      side: 'buy',
      qty: 1,
      price: 2_000,
      fee: 2,
      liquidity: 'taker',
      t: 3_000,
    }),
  );
  model.mark(3_500, { BTCUSDT: 30_200, ETHUSDT: 2_010 });
  return model;
}

/**
 * What happens next in {@link sampleTrading}: `trend/ema-1` sells its 1 ETH at 2 020 (fill `f-4`,
 * no fee) and ETH is marked there: realized 20, the ETH position flat.
 */
export function closeSampleTrend(model: MemoryTradingModel): void {
  model.fill(
    fillRecord({
      engine: 'trend',
      strategy: 'ema-1',
      symbol: 'ETHUSDT',
      fillId: 'f-4',
      side: 'sell',
      qty: 1,
      price: 2_020,
      t: 4_000,
    }),
  );
  model.mark(4_500, { ETHUSDT: 2_020 });
}
