import test from 'ava';
import { BINANCE_EMULATOR_TEST_CREDENTIALS } from '../../actors/venues/binance-emulator';
import { spawnPredator, startEmulatorProcess, waitForRunning } from '../helpers/predator-process';

interface Ledger {
  orders: { clientOrderId: string }[];
}

test('predator start --mode live trades against the emulator with keys from the environment', async (t) => {
  const url = await startEmulatorProcess(t, 5);
  const proc = spawnPredator(
    ['start', '--mode', 'live', '--venue', 'binance', '--venue-url', url, '--port', '0'],
    {
      t,
      env: {
        LOG_LEVEL: 'warn',
        PREDATOR_API_KEY: BINANCE_EMULATOR_TEST_CREDENTIALS.apiKey,
        PREDATOR_API_SECRET: BINANCE_EMULATOR_TEST_CREDENTIALS.apiSecret,
      },
    },
  );
  const gateway = await waitForRunning(proc);
  const engines = (await (await fetch(`${gateway}/api/trading/engines`)).json()) as {
    engines: { mode: string; venue: string }[];
  };
  t.deepEqual(
    engines.engines.map((e) => `${e.mode}:${e.venue}`),
    ['live:binance', 'live:binance'],
  );
  // The maker quotes on its first books: wait until the emulator holds our orders.
  let ledger: Ledger = { orders: [] };
  for (;;) {
    ledger = (await (await fetch(`${url}/__admin/ledger`)).json()) as Ledger;
    if (ledger.orders.length >= 2) break;
    await new Promise((resolve) => setImmediate(resolve));
  }
  const ids = ledger.orders.map((o) => o.clientOrderId);
  t.true(
    ids.every((id) => id.startsWith('pd-')),
    'every order carries our derived clientOrderId',
  );
  t.is(new Set(ids).size, ids.length, 'one venue order per intent');
  proc.signal('SIGINT');
  const exit = await proc.exited;
  t.is(exit.code, 0);
});

test('predator start --mode live with a wrong secret says so and starts nothing', async (t) => {
  const url = await startEmulatorProcess(t, 5);
  const proc = spawnPredator(
    ['start', '--mode', 'live', '--venue', 'binance', '--venue-url', url, '--port', '0'],
    {
      t,
      env: {
        LOG_LEVEL: 'warn',
        PREDATOR_API_KEY: BINANCE_EMULATOR_TEST_CREDENTIALS.apiKey,
        PREDATOR_API_SECRET: 'not-the-secret-0000',
      },
    },
  );
  const exit = await proc.exited;
  t.is(exit.code, 1);
  t.regex(exit.stderr, /the venue failed at start/);
  t.notRegex(exit.stdout, /Predator running/);
});

test('predator start --mode live on an exchange without keys is a config error naming the field', async (t) => {
  const proc = spawnPredator(
    ['start', '--mode', 'live', '--venue', 'binance', '--venue-url', 'http://127.0.0.1:9', '--port', '0'],
    {
      t,
      env: { LOG_LEVEL: 'warn', PREDATOR_API_KEY: '', PREDATOR_API_SECRET: '' },
    },
  );
  const exit = await proc.exited;
  t.is(exit.code, 2);
  t.regex(exit.stderr, /engines\[0\]\.mode: live needs venue\.apiKey and venue\.secret/);
});
