import test from 'ava';
import { ConfigError } from '../../actors/kernel/errors';
import { isSystemSpec, resolveTradingConfig } from '../../bin/commands/start-trading';
import { UsageError } from '../../bin/usage';

const NO_ENV = {};

test('without a config, predator start trades two engines in shadow on the simulated venue', (t) => {
  const config = resolveTradingConfig(undefined, {}, NO_ENV);
  t.is(config.venue.kind, 'sim');
  t.deepEqual(
    config.engines.map((e) => [e.id, e.mode]),
    [
      ['maker', 'shadow'],
      ['trend', 'shadow'],
    ],
  );
  t.deepEqual(config.symbols, ['BTCUSDT', 'ETHUSDT', 'SOLUSDT']);
});

test('--mode live --venue binance --venue-url takes the keys from the environment', (t) => {
  const config = resolveTradingConfig(
    undefined,
    { mode: 'live', venue: 'binance', venueUrl: 'http://127.0.0.1:9100/' },
    { PREDATOR_API_KEY: 'key-123', PREDATOR_API_SECRET: 'secret-123' },
  );
  t.true(config.engines.every((e) => e.mode === 'live'));
  t.like(config.venue, {
    kind: 'ccxt',
    name: 'binance',
    url: 'http://127.0.0.1:9100',
    apiKey: 'key-123',
    secret: 'secret-123',
  });
});

test('keys in the environment win over keys in the config file', (t) => {
  const file = {
    venue: { kind: 'ccxt', name: 'binance', apiKey: 'file-key', secret: 'file-secret' },
    engines: [
      {
        id: 'e',
        mode: 'live',
        strategies: [
          {
            id: 's',
            kind: 'trend-follower',
            symbol: 'BTCUSDT',
            settings: { fastPeriod: 3, slowPeriod: 8, size: 0.01 },
          },
        ],
      },
    ],
  };
  t.like(resolveTradingConfig(file, {}, NO_ENV).venue, { apiKey: 'file-key', secret: 'file-secret' });
  t.like(resolveTradingConfig(file, {}, { PREDATOR_API_KEY: 'env-key' }).venue, {
    apiKey: 'env-key',
    secret: 'file-secret',
  });
});

test('bad flags and bad configs name what was wrong', (t) => {
  t.throws(() => resolveTradingConfig(undefined, { mode: 'paper' }, NO_ENV), {
    instanceOf: UsageError,
    message: /--mode: expected shadow or live, got "paper"/,
  });
  t.throws(() => resolveTradingConfig(undefined, { venueUrl: 'http://x' }, NO_ENV), {
    instanceOf: UsageError,
    message: /--venue-url: needs --venue/,
  });
  t.throws(() => resolveTradingConfig(undefined, { venue: 'Binance!' }, NO_ENV), {
    instanceOf: UsageError,
    message: /--venue: expected sim or a ccxt exchange id/,
  });
  const error = t.throws(
    () =>
      resolveTradingConfig(
        { engines: [{ id: 'e', strategies: [{ id: 's', kind: 'trend-follower', symbol: 'DOGEUSDT' }] }] },
        {},
        NO_ENV,
      ),
    { instanceOf: ConfigError },
  );
  t.regex(error.message, /engines\[0\]\.strategies\[0\]\.symbol: "DOGEUSDT" is not one of symbols/);
});

test('a config with a root tree is a kernel system spec', (t) => {
  t.true(isSystemSpec({ root: {} }));
  t.false(isSystemSpec({ engines: [] }));
  t.false(isSystemSpec(undefined));
});
