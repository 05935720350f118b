import test from 'ava';
import { createActor } from 'xstate';
import { ConfigError } from '../../../actors/kernel/errors';
import type { StrategyCommand, StrategyMachineInput } from '../../../machines/strategy.machine';
import { strategyMachine } from '../../../machines/strategy.machine';
import { INSTRUMENT, book } from './fixtures';

// The strategy machine lives in machines/; its spec sits with the strategies it hosts.

const MM: StrategyMachineInput = {
  engine: 'e1',
  strategy: 'mm-btc',
  kind: 'market-maker',
  config: { halfSpreadBps: 25, quoteSize: 0.1, maxInventory: 1 },
  instrument: INSTRUMENT,
};

function host(input: StrategyMachineInput = MM, snapshot?: unknown) {
  const actor = createActor(strategyMachine, {
    input,
    ...(snapshot === undefined ? {} : { snapshot: snapshot as never }),
  }).start();
  const commands: StrategyCommand[] = [];
  actor.on('*', (c) => commands.push(c as StrategyCommand));
  return {
    actor,
    commands,
    get context() {
      return actor.getSnapshot().context;
    },
    get state() {
      return actor.getSnapshot().value as string;
    },
    summary() {
      return commands.map((c) =>
        c.type === 'submitIntent'
          ? `submit ${c.intent.intentId} ${c.intent.side} ${c.intent.price}`
          : `cancel ${c.intentId}`,
      );
    },
  };
}

test('the hosted maker quotes on the first live book and does not quote it again on the next', (t) => {
  const h = host();
  h.actor.send({ type: 'book.live', t: 1_000 });
  h.actor.send({ type: 'book.accepted', book: book(100.0, 100.4, 1_000, 1), t: 1_000 });
  h.actor.send({ type: 'book.accepted', book: book(100.0, 100.4, 1_100, 2), t: 1_100 });
  t.deepEqual(h.summary(), ['submit mm-btc-1000-0 buy 99.9', 'submit mm-btc-1000-1 sell 100.5']);
  t.is(h.context.openOrders.length, 2);
});

test('books before the data is live are kept, not traded on', (t) => {
  const h = host();
  h.actor.send({ type: 'book.accepted', book: book(100.0, 100.4), t: 1_000 });
  t.deepEqual(h.commands, []);
  t.is(h.state, 'waiting');
});

test('when the book goes stale the hosted maker cancels its quotes at once', (t) => {
  const h = host();
  h.actor.send({ type: 'book.live', t: 1_000 });
  h.actor.send({ type: 'book.accepted', book: book(100.0, 100.4, 1_000, 1), t: 1_000 });
  h.actor.send({ type: 'book.stale', t: 2_000 });
  t.is(h.state, 'stale');
  t.deepEqual(h.summary().slice(2), ['cancel mm-btc-1000-0', 'cancel mm-btc-1000-1']);
  t.true(h.context.openOrders.every((o) => o.cancelRequested));
  h.actor.send({ type: 'book.accepted', book: book(100.0, 100.4, 2_100, 2), t: 2_100 });
  t.is(h.commands.length, 4, 'no quoting on a book published while stale');
});

test('fills move the position and the maker skews accordingly; a closed order is forgotten', (t) => {
  const h = host({ ...MM, config: { ...(MM.config as object), skewBps: 20 } });
  h.actor.send({ type: 'book.live', t: 1_000 });
  h.actor.send({ type: 'book.accepted', book: book(100.0, 100.4, 1_000, 1), t: 1_000 });
  h.actor.send({ type: 'strategy.order.filled', intentId: 'mm-btc-1000-0', side: 'buy', qty: 0.1, t: 1_050 });
  t.is(h.context.position, 0.1);
  t.deepEqual(
    h.context.openOrders.map((o) => o.intentId),
    ['mm-btc-1000-1'],
  );
  h.actor.send({ type: 'strategy.order.closed', intentId: 'mm-btc-1000-1', t: 1_060 });
  t.deepEqual(h.context.openOrders, []);
  h.actor.send({ type: 'book.accepted', book: book(100.0, 100.4, 1_100, 2), t: 1_100 });
  // Centre 100.2 × (1 − 0.002 × 0.1) = 100.17996: bid 99.9295… → 99.9, ask 100.4304… → 100.5.
  t.deepEqual(h.summary().slice(2), ['submit mm-btc-1100-2 buy 99.9', 'submit mm-btc-1100-3 sell 100.5']);
});

test('a restored strategy continues its intent counter and its working orders', (t) => {
  const first = host();
  first.actor.send({ type: 'book.live', t: 1_000 });
  first.actor.send({ type: 'book.accepted', book: book(100.0, 100.4, 1_000, 1), t: 1_000 });
  const persisted = JSON.parse(JSON.stringify(first.actor.getPersistedSnapshot())) as unknown;
  first.actor.stop();
  const restored = host(MM, persisted);
  restored.actor.send({ type: 'book.accepted', book: book(99.0, 99.4, 1_100, 2), t: 1_100 });
  t.deepEqual(restored.summary(), [
    'cancel mm-btc-1000-0',
    'cancel mm-btc-1000-1',
    'submit mm-btc-1100-2 buy 98.9',
    'submit mm-btc-1100-3 sell 99.5',
  ]);
});

test('a hosted trend follower sends its market order once and counts the fill', (t) => {
  const h = host({
    engine: 'e2',
    strategy: 'tf-btc',
    kind: 'trend-follower',
    config: { fastPeriod: 1, slowPeriod: 3, size: 0.5 },
    instrument: INSTRUMENT,
  });
  h.actor.send({ type: 'book.live', t: 0 });
  [100, 104, 108, 108].forEach((mid, i) =>
    h.actor.send({ type: 'book.accepted', book: book(mid - 0.1, mid + 0.1, i * 1_000, i + 1), t: i * 1_000 }),
  );
  t.deepEqual(h.summary(), ['submit tf-btc-2000-0 buy undefined']);
  h.actor.send({ type: 'strategy.order.filled', intentId: 'tf-btc-2000-0', side: 'buy', qty: 0.5, t: 3_500 });
  t.is(h.context.position, 0.5);
  t.deepEqual(h.context.openOrders, []);
});

test('a bad strategy config fails the actor at start with a ConfigError naming the field', (t) => {
  const actor = createActor(strategyMachine, {
    input: { ...MM, config: { halfSpreadBps: 0, quoteSize: 0.1, maxInventory: 1 } },
  });
  actor.subscribe({ error: () => {} });
  actor.start();
  const snapshot = actor.getSnapshot();
  t.is(snapshot.status, 'error');
  t.true(snapshot.error instanceof ConfigError);
  t.regex((snapshot.error as ConfigError).issues.join('\n'), /^halfSpreadBps: /m);
});
