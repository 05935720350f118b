import test from 'ava';
import ccxt from 'ccxt';
import { inspect } from 'node:util';
import { RealClock } from '../../actors/kernel/clock';
import { ConfigError } from '../../actors/kernel/errors';
import { CcxtVenue } from '../../actors/venues/ccxt-venue';
import type { SimVenue } from '../../actors/venues/sim-venue';
import type { Venue } from '../../actors/venues/venue';

// Compile-time: both venues satisfy the one interface execution is written against.
const simIsVenue: (venue: SimVenue) => Venue = (venue) => venue;
const ccxtIsVenue: (venue: CcxtVenue) => Venue = (venue) => venue;

const FORBIDDEN = /withdraw|transfer|deposit|apiKey|secret/i;
const KEY = 'key-3f9a1c';
const SECRET = 'secret-8d2e7b';

function venue(): CcxtVenue {
  return new CcxtVenue({ exchangeId: 'binance', apiKey: KEY, secret: SECRET, clock: new RealClock() });
}

/** Every property name on the object and its prototype chain, up to Object.prototype. */
function memberNames(target: object): string[] {
  const names: string[] = [];
  for (
    let o: object | null = target;
    o !== null && o !== Object.prototype;
    o = Object.getPrototypeOf(o) as object | null
  ) {
    names.push(...Object.getOwnPropertyNames(o), ...Object.getOwnPropertySymbols(o).map(String));
  }
  return names;
}

test('SimVenue and CcxtVenue are assignable to Venue', (t) => {
  t.is(typeof simIsVenue, 'function');
  t.is(typeof ccxtIsVenue, 'function');
  t.is(typeof ccxtIsVenue(venue()).submit, 'function');
});

test('ccxt venue has no withdrawal, transfer, deposit or key member: only the Venue methods', (t) => {
  const names = memberNames(venue());
  t.deepEqual(
    names.filter((n) => FORBIDDEN.test(n)),
    [],
  );
  t.deepEqual(names.sort(), [
    'balances',
    'book',
    'cancel',
    'close',
    'constructor',
    'exchangeId',
    'instruments',
    'myTrades',
    'openOrders',
    'order',
    'submit',
    'time',
  ]);
});

test('the ccxt instance and the credentials are not reachable through any property', (t) => {
  const subject = venue();
  const seen = new Set<unknown>();
  const walk = (value: unknown, depth: number): void => {
    if (value === null || (typeof value !== 'object' && typeof value !== 'function') || seen.has(value)) {
      t.not(value, KEY);
      t.not(value, SECRET);
      return;
    }
    seen.add(value);
    t.false(value instanceof ccxt.Exchange, 'a ccxt Exchange is reachable');
    if (depth === 0) return;
    for (
      let o: object | null = value as object;
      o !== null && o !== Object.prototype && o !== Function.prototype;
      o = Object.getPrototypeOf(o) as object | null
    ) {
      for (const key of Reflect.ownKeys(o)) {
        const descriptor = Object.getOwnPropertyDescriptor(o, key);
        // Getters on the prototype chain run against the instance, as a caller would read them.
        const read = descriptor?.get !== undefined ? Reflect.get(o, key, value) : descriptor?.value;
        walk(read, depth - 1);
      }
    }
  };
  walk(subject, 4);
  const shown = inspect(subject, { depth: 10, showHidden: true }) + JSON.stringify(subject);
  t.false(shown.includes(SECRET));
  t.false(shown.includes(KEY));
});

test('a bad ccxt venue config is a ConfigError naming the field, never repeating a secret', (t) => {
  const error = t.throws(
    () =>
      new CcxtVenue({
        exchangeId: 'no-such-exchange',
        secret: SECRET,
        urls: { public: 'ftp://x' },
        clock: new RealClock(),
      }),
    { instanceOf: ConfigError },
  );
  t.deepEqual(
    (error as ConfigError).issues.map((i) => i.split(':')[0]),
    ['exchangeId', 'urls.public'],
  );
  t.false(String(error?.message).includes(SECRET));
});
