import test from 'ava';
import { VirtualClock } from '../../actors/kernel/clock-virtual';
import { Rng } from '../../actors/kernel/rng';
import { accountVenue } from '../../actors/trading/engine-venue-view';
import { shadowFillModel } from '../../actors/trading/shadow-fill-model';
import type { OrderBook } from '../../actors/trading/types';
import type { Venue } from '../../actors/venues/venue';
import { BTC, BTC_BOOK, ETH, levels } from '../venues/sim-fixture';
import { oneEngine, simulatedTrading } from '../helpers/trading';

function book(t: number, asks: [number, number][]): OrderBook {
  return { symbol: 'BTCUSDT', t, seq: t, bids: BTC_BOOK.bids, asks: levels(asks) } as OrderBook;
}

test('every shadow engine trades on one fill model, funded once with the instance balances', async (t) => {
  const config = oneEngine({ mode: 'shadow' });
  const first = config.engines[0] as (typeof config.engines)[number];
  const second = { ...first, id: 'eng2', strategies: first.strategies.map((x) => ({ ...x, id: 'strat2' })) };
  const { trading, stop } = await simulatedTrading({
    ...config,
    balances: { USDT: 1_000, BTC: 0.5 },
    engines: [...config.engines, second],
  });
  try {
    const { services } = trading;
    const [a, b] = ['eng', 'eng2'].map((e) => services.engineVenue(e).venue);
    t.not(a, b, 'each engine holds a handle of its own');
    t.is(accountVenue(a as Venue), accountVenue(b as Venue), 'behind one account');
    t.deepEqual(await accountVenue(a as Venue).balances(), {
      USDT: { free: 1_000, locked: 0 },
      BTC: { free: 0.5, locked: 0 },
      ETH: { free: 0, locked: 0 },
      SOL: { free: 0, locked: 0 },
    });
  } finally {
    await stop();
  }
});

test('what one engine spends, the other cannot: the account refuses an order the funds no longer cover', async (t) => {
  const clock = new VirtualClock();
  const shadow = shadowFillModel([BTC, ETH], { USDT: 100_000 }, clock, new Rng(1));
  shadow.observe(book(clock.now(), [[60_000, 5]]));
  const settle = async <T>(p: Promise<T>): Promise<T> => {
    await clock.advance(10);
    return p;
  };
  const first = await settle(
    shadow.venue.submit({
      clientOrderId: 'pd-aaaaaa-1',
      symbol: 'BTCUSDT',
      side: 'buy',
      type: 'limit',
      qty: 1.5,
      price: 59_000,
    }),
  );
  t.is(first.status, 'open', 'engine one rests a bid that locks 88 500 USDT');
  const second = await settle(
    shadow.venue
      .submit({
        clientOrderId: 'pd-aaaaaa-2',
        symbol: 'BTCUSDT',
        side: 'buy',
        type: 'limit',
        qty: 0.5,
        price: 59_000,
      })
      .then(
        () => 'accepted',
        (error: unknown) => (error as { reason?: string }).reason,
      ),
  );
  t.is(second, 'INSUFFICIENT_BALANCE', 'engine two cannot spend the same funds again');
});

test('a book seen by several engines is offered to the fill model once', async (t) => {
  const clock = new VirtualClock();
  const shadow = shadowFillModel([BTC, ETH], { USDT: 1_000_000 }, clock, new Rng(1));
  shadow.observe(book(clock.now(), [[60_010, 5]]));
  const rest = shadow.venue.submit({
    clientOrderId: 'pd-aaaaaa-3',
    symbol: 'BTCUSDT',
    side: 'buy',
    type: 'limit',
    qty: 2,
    price: 60_000,
  });
  await clock.advance(10);
  await rest;
  // The ask comes down to our bid with 1 BTC: it fills 1, however many engines hand the book on.
  await clock.advance(1_000);
  const crossing = book(clock.now(), [[60_000, 1]]);
  shadow.observe(crossing);
  shadow.observe(crossing);
  await clock.advance(10);
  const order = await shadow.venue.order({ clientOrderId: 'pd-aaaaaa-3', symbol: 'BTCUSDT' });
  t.is(order.filledQty, 1);
});
