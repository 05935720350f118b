import test from 'ava';
import { VirtualClock } from '../../actors/kernel/clock-virtual';
import { ConfigError } from '../../actors/kernel/errors';
import { Rng } from '../../actors/kernel/rng';
import type { OrderBook } from '../../actors/trading/types';
import { isMultiple } from '../../actors/trading/units';
import { MarketSim } from '../../actors/venues/market-sim';
import {
  DEFAULT_MARKET_SYMBOLS,
  impliedCorrelation,
  parseMarketSimConfig,
} from '../../actors/venues/market-sim.config';
import type { MarketSimConfigInput } from '../../actors/venues/market-sim.config';

const START = 1_767_225_600_000;

function run(sim: MarketSim, steps: number, each?: (books: OrderBook[]) => void): void {
  for (let i = 1; i <= steps; i++) {
    const books = sim.step(START + i * sim.config.refreshMs);
    each?.(books);
  }
}

const spreadBps = (book: OrderBook): number => {
  const bid = book.bids[0]?.price as number;
  const ask = book.asks[0]?.price as number;
  return ((ask - bid) / ((ask + bid) / 2)) * 10_000;
};

const correlation = (xs: number[], ys: number[]): number => {
  const n = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - mx;
    const dy = (ys[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
};

test('the same seed gives identical books and another seed different ones', (t) => {
  const a = new MarketSim({ rng: new Rng(42), start: START });
  const b = new MarketSim({ rng: new Rng(42), start: START });
  const c = new MarketSim({ rng: new Rng(43), start: START });
  const seen: string[] = [];
  run(a, 300, (books) => seen.push(JSON.stringify(books)));
  const again: string[] = [];
  run(b, 300, (books) => again.push(JSON.stringify(books)));
  t.is(again.length, 300);
  t.true(again.every((books, i) => books === seen[i]));
  run(c, 300);
  t.notDeepEqual(c.books(), a.books());
});

test('adding a symbol leaves every other symbol path and book unchanged', (t) => {
  const extra: MarketSimConfigInput = {
    symbols: [
      ...DEFAULT_MARKET_SYMBOLS,
      {
        symbol: 'XRPUSDT',
        base: 'XRP',
        quote: 'USDT',
        tickSize: 0.0001,
        lotSize: 0.1,
        minNotional: 5,
        startPrice: 0.6,
        loadings: { market: 1.3, alts: 1.2 },
        idioVol: 0.5,
        spreadBps: 2,
        levelGapBps: 1,
        levelQty: 10_000,
      },
    ],
  };
  const base = new MarketSim({ rng: new Rng(9), start: START });
  const more = new MarketSim({ rng: new Rng(9), start: START, config: extra });
  for (let i = 1; i <= 500; i++) {
    base.step(START + i * 1_000);
    more.step(START + i * 1_000);
    for (const symbol of ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'])
      if (JSON.stringify(more.book(symbol)) !== JSON.stringify(base.book(symbol)))
        return t.fail(`${symbol} differs at step ${i}`);
  }
  t.deepEqual(more.book('BTCUSDT'), base.book('BTCUSDT'));
  t.is(more.books().length, 4);
});

test('returns are correlated as the factor loadings imply', (t) => {
  const sim = new MarketSim({ rng: new Rng(2026), start: START });
  const symbols = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'];
  const returns = new Map(symbols.map((s) => [s, [] as number[]]));
  let last = symbols.map((s) => sim.fair(s) as number);
  run(sim, 20_000, () => {
    const now = symbols.map((s) => sim.fair(s) as number);
    symbols.forEach((s, i) => returns.get(s)?.push(Math.log((now[i] as number) / (last[i] as number))));
    last = now;
  });
  for (const [a, b] of [
    ['BTCUSDT', 'ETHUSDT'],
    ['BTCUSDT', 'SOLUSDT'],
    ['ETHUSDT', 'SOLUSDT'],
  ] as const) {
    const target = impliedCorrelation(sim.config, a, b);
    const sample = correlation(returns.get(a) as number[], returns.get(b) as number[]);
    t.true(target > 0.6, `${a}/${b} implied ${target}`);
    t.true(
      Math.abs(sample - target) < 0.03,
      `${a}/${b}: sample ${sample.toFixed(3)} vs ${target.toFixed(3)}`,
    );
  }
});

test('uncorrelated loadings give uncorrelated returns', (t) => {
  const config = parseMarketSimConfig({});
  const symbols = config.symbols.map((s) => ({ ...s, loadings: {} }));
  const sim = new MarketSim({ rng: new Rng(5), start: START, config: { symbols } });
  const btc: number[] = [];
  const eth: number[] = [];
  let last = [sim.fair('BTCUSDT') as number, sim.fair('ETHUSDT') as number];
  run(sim, 10_000, () => {
    const now = [sim.fair('BTCUSDT') as number, sim.fair('ETHUSDT') as number];
    btc.push(Math.log((now[0] as number) / (last[0] as number)));
    eth.push(Math.log((now[1] as number) / (last[1] as number)));
    last = now;
  });
  t.true(Math.abs(correlation(btc, eth)) < 0.04);
});

test('the spread widens and depth thins in the volatile regime', (t) => {
  const config: MarketSimConfigInput = {
    regimes: [
      { name: 'calm', volMultiplier: 1, meanDurationMs: 1e15 },
      { name: 'volatile', volMultiplier: 3, meanDurationMs: 1e15 },
    ],
  };
  const measure = (regime: string): { spread: number; depth: number } => {
    const sim = new MarketSim({ rng: new Rng(3), start: START, config });
    sim.setRegime(regime);
    let spread = 0;
    let depth = 0;
    run(sim, 400, () => {
      const book = sim.book('ETHUSDT') as OrderBook;
      spread += spreadBps(book) / 400;
      depth += book.bids.reduce((s, l) => s + l.qty, 0) / 400;
    });
    t.is(sim.regime().name, regime);
    return { spread, depth };
  };
  const calm = measure('calm');
  const wild = measure('volatile');
  t.true(wild.spread > 2 * calm.spread, `spread ${wild.spread} vs ${calm.spread} bps`);
  t.true(wild.depth < 0.7 * calm.depth, `depth ${wild.depth} vs ${calm.depth}`);
});

test('regimes switch on their own and the volatile one shows wider spreads', (t) => {
  const sim = new MarketSim({
    rng: new Rng(11),
    start: START,
    config: {
      regimes: [
        { name: 'calm', volMultiplier: 1, meanDurationMs: 120_000 },
        { name: 'volatile', volMultiplier: 4, meanDurationMs: 60_000 },
      ],
    },
  });
  const spreads: Record<string, number[]> = { calm: [], volatile: [] };
  run(sim, 5_000, () => spreads[sim.regime().name]?.push(spreadBps(sim.book('SOLUSDT') as OrderBook)));
  const avg = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
  t.true((spreads.calm?.length ?? 0) > 500 && (spreads.volatile?.length ?? 0) > 500);
  t.true(avg(spreads.volatile as number[]) > 2.5 * avg(spreads.calm as number[]));
});

test('books have N levels a side on the tick and lot grid, best first, with varying quantities', (t) => {
  const sim = new MarketSim({ rng: new Rng(4), start: START, config: { levels: 12 } });
  run(sim, 50);
  for (const book of sim.books()) {
    const instrument = sim.instrument(book.symbol);
    if (instrument === undefined) return t.fail();
    t.is(book.bids.length, 12);
    t.is(book.asks.length, 12);
    t.true((book.bids[0]?.price as number) < (book.asks[0]?.price as number));
    for (const side of [book.bids, book.asks])
      for (const level of side) {
        t.true(isMultiple(level.price, instrument.tickSize), `${book.symbol} price ${level.price}`);
        t.true(isMultiple(level.qty, instrument.lotSize) && level.qty > 0, `${book.symbol} qty ${level.qty}`);
      }
    for (let i = 1; i < 12; i++) {
      t.true((book.bids[i]?.price as number) < (book.bids[i - 1]?.price as number));
      t.true((book.asks[i]?.price as number) > (book.asks[i - 1]?.price as number));
    }
    t.true(new Set(book.bids.map((l) => l.qty)).size > 6);
    const mid = sim.mid(book.symbol) as number;
    t.true(Math.abs(mid - ((book.bids[0]?.price as number) + (book.asks[0]?.price as number)) / 2) < 1e-9);
    t.true(Math.abs(mid / (sim.fair(book.symbol) as number) - 1) < 0.001);
  }
});

test('the clock drives refreshes every refreshMs and a late step catches up on the same grid', async (t) => {
  const clock = new VirtualClock(START);
  const driven = new MarketSim({ rng: new Rng(8), start: START, config: { refreshMs: 500 } });
  const seen: number[] = [];
  driven.subscribe((book) => {
    if (book.symbol === 'BTCUSDT') seen.push(book.t - START);
  });
  const stop = driven.start(clock);
  await clock.advance(2_600);
  stop();
  await clock.advance(2_000);
  t.deepEqual(seen, [500, 1_000, 1_500, 2_000, 2_500]);
  const jumped = new MarketSim({ rng: new Rng(8), start: START, config: { refreshMs: 500 } });
  t.deepEqual(jumped.step(START + 499), []);
  const books = jumped.step(START + 2_600);
  t.deepEqual(books, driven.books());
  t.is(books[0]?.seq, 6);
});

test('a bad config is refused with every problem named by its path', (t) => {
  const error = t.throws(
    () =>
      parseMarketSimConfig({
        levels: 0,
        symbols: [{ ...DEFAULT_MARKET_SYMBOLS[0], startPrice: -1, loadings: { moon: 1 } }],
      }),
    { instanceOf: ConfigError },
  );
  t.true(error.issues.some((i) => i.startsWith('levels:')));
  t.true(error.issues.some((i) => i.startsWith('symbols[0].startPrice:')));
  t.true(error.issues.some((i) => i.startsWith('symbols[0].loadings.moon:') && i.includes('unknown factor')));
  t.throws(() => new MarketSim({ rng: new Rng(1), start: START, config: { refreshMs: Number.NaN } }), {
    instanceOf: ConfigError,
  });
});
