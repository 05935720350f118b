import test from 'ava';
import type { ExecutionContext } from 'ava';
import { silentLogger } from '../../actors/kernel/logger';
import type { FillRecord, OrderRecord } from '../../actors/trading/execution-store';
import type { PositionView } from '../../actors/trading/portfolio-position';
import type { PnlReport } from '../../actors/trading/read-model';
import { startGateway } from '../../gateway';
import type { EnginesAnswer, FillsAnswer, OrdersAnswer, PositionsAnswer } from '../../gateway';
import { simulated } from '../helpers/runtime';
import { SAMPLE_ENGINES, closeSampleTrend, sampleTrading } from '../helpers/trading-model';
import type { MemoryTradingModel } from '../helpers/trading-model';
import { fetchJson } from './fixture';
import type { ErrorAnswer } from './fixture';

// The trading routes over a real portfolio (see `sampleTrading` for the hand-computed figures) and
// the real gateway on a real runtime; only the execution store is an in-memory list.

interface TradingSubject {
  readonly url: string;
  readonly trading: MemoryTradingModel;
}

/** A runtime and a gateway over it, with the sample trading model unless `withTrading` is false. */
async function start(t: ExecutionContext, withTrading = true): Promise<TradingSubject> {
  const { runtime, clock } = await simulated();
  t.teardown(() => runtime.stop());
  const trading = sampleTrading();
  const gateway = await startGateway({
    view: runtime,
    clock,
    logger: silentLogger(),
    port: 0,
    ...(withTrading ? { trading } : {}),
  });
  t.teardown(() => gateway.close());
  return { url: gateway.url, trading };
}

const ids = (orders: readonly { clientOrderId: string }[]): string[] => orders.map((o) => o.clientOrderId);
const fillIds = (fills: readonly FillRecord[]): string[] => fills.map((f) => f.fillId);

test('GET /api/trading/engines answers each engine with its mode and trading state', async (t) => {
  const { url } = await start(t);
  const { status, headers, body } = await fetchJson<EnginesAnswer>(`${url}/api/trading/engines`);
  t.is(status, 200);
  t.regex(headers.get('content-type') ?? '', /^application\/json/);
  t.is(headers.get('cache-control'), 'no-store');
  t.deepEqual(body, { engines: SAMPLE_ENGINES });
});

test('GET /api/trading/positions nets the instance, an engine or a strategy per symbol', async (t) => {
  const { url, trading } = await start(t);
  const all = await fetchJson<PositionsAnswer>(`${url}/api/trading/positions`);
  t.is(all.status, 200);
  t.deepEqual(all.body, { positions: trading.portfolio.positions() });
  t.like(all.body.positions, [
    { symbol: 'BTCUSDT', qty: 0.05, avgPrice: 30_000, realized: 5, fees: 0.45, unrealized: 10, mark: 30_200 },
    { symbol: 'ETHUSDT', qty: 1, avgPrice: 2_000, realized: 0, fees: 2, unrealized: 10, net: 8 },
  ]);

  const mm = await fetchJson<PositionsAnswer>(`${url}/api/trading/positions?engine=mm`);
  t.deepEqual(
    mm.body.positions.map((p: PositionView) => p.symbol),
    ['BTCUSDT'],
  );
  const ema = await fetchJson<PositionsAnswer>(`${url}/api/trading/positions?engine=trend&strategy=ema-1`);
  t.deepEqual(ema.body, { positions: trading.portfolio.positions({ engine: 'trend', strategy: 'ema-1' }) });
  const none = await fetchJson<PositionsAnswer>(`${url}/api/trading/positions?engine=mm&strategy=ema-1`);
  t.deepEqual(none.body, { positions: [] });
});

test('GET /api/trading/orders answers orders newest first without the machine snapshot', async (t) => {
  const { url } = await start(t);
  const all = await fetchJson<OrdersAnswer>(`${url}/api/trading/orders`);
  t.is(all.status, 200);
  t.deepEqual(ids(all.body.orders), ['trend-1', 'mm-3', 'mm-2', 'mm-1']);
  for (const order of all.body.orders) t.false('snapshot' in order, order.clientOrderId);
  t.deepEqual(all.body.orders[1], {
    clientOrderId: 'mm-3',
    intentId: 'i-mm-3',
    engine: 'mm',
    strategy: 'maker-1',
    symbol: 'BTCUSDT',
    side: 'buy',
    type: 'limit',
    qty: 0.01,
    price: 50_000,
    filledQty: 0,
    avgPrice: null,
    state: 'open',
    terminal: false,
    t: 2_600,
  });
});

test('GET /api/trading/orders filters by engine, live and limit, and gives the snapshot on request', async (t) => {
  const { url } = await start(t);
  const get = async (query: string): Promise<OrdersAnswer['orders']> => {
    const { status, body } = await fetchJson<OrdersAnswer>(`${url}/api/trading/orders${query}`);
    t.is(status, 200, query);
    return body.orders;
  };
  t.deepEqual(ids(await get('?live=true')), ['mm-3']);
  t.deepEqual(ids(await get('?live=false')), ['trend-1', 'mm-2', 'mm-1']);
  t.deepEqual(ids(await get('?engine=mm')), ['mm-3', 'mm-2', 'mm-1']);
  t.deepEqual(ids(await get('?engine=mm&live=false&limit=1')), ['mm-2']);
  t.deepEqual(ids(await get('?engine=nobody')), []);

  const [withSnapshot] = (await get('?live=true&snapshot=true')) as OrderRecord[];
  t.deepEqual(withSnapshot?.snapshot, {
    status: 'active',
    value: 'open',
    context: { clientOrderId: 'mm-3' },
  });
  t.false('snapshot' in ((await get('?snapshot=false'))[0] ?? {}));
});

test('GET /api/trading/fills answers fills oldest first, filtered by owner, symbol and time', async (t) => {
  const { url, trading } = await start(t);
  const get = async (query: string): Promise<FillRecord[]> => {
    const { status, body } = await fetchJson<FillsAnswer>(`${url}/api/trading/fills${query}`);
    t.is(status, 200, query);
    return [...body.fills];
  };
  const all = await get('');
  t.deepEqual(all, await trading.fills());
  t.deepEqual(fillIds(all), ['f-1', 'f-2', 'f-3']);
  t.like(all[0], { engine: 'mm', strategy: 'maker-1', side: 'buy', qty: 0.1, price: 30_000, fee: 0.3 });

  t.deepEqual(fillIds(await get('?engine=mm')), ['f-1', 'f-2']);
  t.deepEqual(fillIds(await get('?strategy=ema-1')), ['f-3']);
  t.deepEqual(fillIds(await get('?symbol=BTCUSDT&since=2000')), ['f-2']);
  t.deepEqual(fillIds(await get('?since=2001')), ['f-3']);
  // the most recent `limit`, still oldest first
  t.deepEqual(fillIds(await get('?limit=2')), ['f-2', 'f-3']);
  t.deepEqual(fillIds(await get('?engine=mm&symbol=ETHUSDT')), []);
});

test('GET /api/trading/pnl answers the PnL report with the equity curve', async (t) => {
  const { url, trading } = await start(t);
  const { status, body } = await fetchJson<PnlReport>(`${url}/api/trading/pnl`);
  t.is(status, 200);
  t.deepEqual(body, JSON.parse(JSON.stringify(trading.pnl())) as PnlReport);
  t.is(body.valuationAsset, 'USDT');
  t.like(body.instance, { realized: 5, fees: 2.45, unrealized: 20, net: 22.55 });
  t.like(body.engines, [
    { engine: 'mm', net: 14.55 },
    { engine: 'trend', net: 8 },
  ]);
  t.like(body.strategies, [
    { engine: 'mm', strategy: 'maker-1', realized: 5, fees: 0.45 },
    { engine: 'trend', strategy: 'ema-1', unrealized: 10 },
  ]);
  t.like(body.equity, { t: 3_500, equity: 10_022.55, drawdown: 0 });
  t.deepEqual(body.curve.points, [
    { t: 1_500, equity: 9_999.7 },
    { t: 2_500, equity: 10_007.05 },
    { t: 3_500, equity: 10_022.55 },
  ]);
});

test('the trading routes answer what the read model has now', async (t) => {
  const { url, trading } = await start(t);
  closeSampleTrend(trading);
  const fills = await fetchJson<FillsAnswer>(`${url}/api/trading/fills?since=4000`);
  t.deepEqual(fillIds(fills.body.fills), ['f-4']);
  const positions = await fetchJson<PositionsAnswer>(`${url}/api/trading/positions?engine=trend`);
  t.like(positions.body.positions, [{ symbol: 'ETHUSDT', qty: 0, realized: 20, unrealized: 0 }]);
  const pnl = await fetchJson<PnlReport>(`${url}/api/trading/pnl`);
  t.is(pnl.body.curve.points.length, 4);
});

test('a bad trading query parameter is a 400 naming it, and changes nothing', async (t) => {
  const { url, trading } = await start(t);
  const before = trading.portfolio.toJSON();
  const cases: [string, string, string][] = [
    ['/positions?engine=a%20b', 'engine', 'engine: expected an engine name of letters, digits and'],
    ['/positions?strategy=', 'strategy', 'strategy: expected a strategy name'],
    [
      '/positions?symbol=BTCUSDT',
      'symbol',
      'symbol: unknown query parameter symbol; this route takes engine, strategy',
    ],
    ['/orders?live=yes', 'live', 'live: expected one of true, false'],
    ['/orders?limit=0', 'limit', 'limit: expected an integer from 1 to 1000'],
    ['/orders?limit=1001', 'limit', 'limit: expected an integer from 1 to 1000'],
    ['/orders?snapshot=1', 'snapshot', 'snapshot: expected one of true, false'],
    ['/orders?engine=mm&engine=trend', 'engine', 'engine: expected a single value, got 2'],
    ['/fills?since=-1', 'since', 'since: expected an integer of 0 or more'],
    ['/fills?limit=ten', 'limit', 'limit: expected an integer from 1 to 1000'],
    ['/fills?symbol=BTC/USDT', 'symbol', 'symbol: expected a symbol of letters'],
    ['/engines?engine=mm', 'engine', 'engine: unknown query parameter engine; this route takes none'],
    ['/pnl?engine=mm', 'engine', 'engine: unknown query parameter engine; this route takes none'],
  ];
  for (const [path, param, message] of cases) {
    const { status, body } = await fetchJson<ErrorAnswer>(`${url}/api/trading${path}`);
    t.is(status, 400, path);
    t.is(body.error.status, 400, path);
    t.is(body.error.param, param, path);
    t.true(body.error.message.startsWith(message), `${path}: ${body.error.message}`);
  }
  t.deepEqual(trading.portfolio.toJSON(), before);
});

test('without a trading read model every trading route is a 404 saying trading is not running', async (t) => {
  const { url } = await start(t, false);
  for (const path of [
    '/engines',
    '/positions?engine=mm',
    '/orders?live=true',
    '/fills',
    '/pnl',
    '/orders?limit=0',
  ]) {
    const { status, body } = await fetchJson<ErrorAnswer>(`${url}/api/trading${path}`);
    t.is(status, 404, path);
    t.deepEqual(body, { error: { status: 404, message: 'trading is not running in this instance' } }, path);
  }
  // the rest of the API is unaffected
  t.is((await fetchJson(`${url}/api/health`)).status, 200);
});

test('an unknown trading route is the API’s ordinary 404, and the trading routes are read-only', async (t) => {
  const { url } = await start(t);
  const unknown = await fetchJson<ErrorAnswer>(`${url}/api/trading/balances`);
  t.deepEqual(unknown.body, { error: { status: 404, message: 'no route GET /api/trading/balances' } });
  const post = await fetchJson<ErrorAnswer>(`${url}/api/trading/orders`, { method: 'POST' });
  t.is(post.status, 405);
  t.is(post.headers.get('allow'), 'GET, HEAD');
});
