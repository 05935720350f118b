import test from 'ava';
import { Rng } from '../../actors/kernel/rng';
import {
  BINANCE_CLIENT_ORDER_ID,
  CLIENT_ORDER_ID_PREFIX,
  clientOrderId,
  instanceTag,
  isOwnClientOrderId,
  parseClientOrderId,
} from '../../actors/trading/client-order-id';

test('the same instance and intent always give the same client order id', (t) => {
  t.is(clientOrderId('prod-1', 'mm:BTCUSDT:42'), clientOrderId('prod-1', 'mm:BTCUSDT:42'));
});

test('client order ids are stable across releases (an upgrade must not orphan in-flight orders)', (t) => {
  t.is(clientOrderId('prod-1', 'mm:BTCUSDT:42'), 'pd-F1ig55-5LjM7ZgasxZnkeSaadPIfF');
  t.is(clientOrderId('default', 'intent-1'), 'pd-cmIH63-60qSQpIflyUQcaHrek1y6o');
});

test('a client order id fits Binance newClientOrderId whatever the instance and intent look like', (t) => {
  const odd = ['x', 'a b/c', 'ünïcødé-😀', '-'.repeat(500), 'intent:with:colons', '\0'];
  for (const instance of odd) {
    for (const intentId of odd) {
      const id = clientOrderId(instance, intentId);
      t.regex(id, BINANCE_CLIENT_ORDER_ID);
      t.is(id.length, 32);
      t.true(id.startsWith(CLIENT_ORDER_ID_PREFIX));
    }
  }
});

test('different intents and different instances give different ids', (t) => {
  t.not(clientOrderId('prod-1', 'intent-1'), clientOrderId('prod-1', 'intent-2'));
  t.not(clientOrderId('prod-1', 'intent-1'), clientOrderId('prod-2', 'intent-1'));
  // The hash input is length-prefixed, so moving the boundary between the two changes the id.
  t.not(clientOrderId('ab', 'c'), clientOrderId('a', 'bc'));
});

test('a million random-ish intent ids give a million distinct client order ids', (t) => {
  const rng = new Rng(7).stream('intents');
  const seen = new Set<string>();
  const n = 1_000_000;
  for (let i = 0; i < n; i++) {
    // Intent ids as strategies make them: a shared prefix, a counter and a random suffix.
    const intentId = `mm-1:BTCUSDT:${i}:${rng.int(0, 0xffff).toString(16)}`;
    seen.add(clientOrderId('prod-1', intentId));
  }
  t.is(seen.size, n);
});

test('a client order id parses back into its instance tag', (t) => {
  const id = clientOrderId('prod-1', 'intent-9');
  const parsed = parseClientOrderId(id);
  t.is(parsed?.instanceTag, instanceTag('prod-1'));
  t.is(parsed?.digest.length, 22);
  t.true(isOwnClientOrderId('prod-1', id));
  t.false(isOwnClientOrderId('prod-2', id));
});

test('orders placed by hand or by other software are not ours', (t) => {
  for (const foreign of [
    'web_1a2b3c4d5e',
    'x-AB12CD34',
    'and_8f7e6d',
    '',
    'pd-short-id',
    `${'pd-F1ig55-'}${'!'.repeat(22)}`,
  ]) {
    t.is(parseClientOrderId(foreign), null, foreign);
    t.false(isOwnClientOrderId('prod-1', foreign));
  }
});

test('an empty instance or intent id is a programming error, not an id', (t) => {
  t.throws(() => clientOrderId('', 'intent-1'), { instanceOf: RangeError, message: /instance/ });
  t.throws(() => clientOrderId('prod-1', ''), { instanceOf: RangeError, message: /intentId/ });
});
