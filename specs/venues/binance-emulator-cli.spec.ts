import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';
import test from 'ava';
import { BINANCE_EMULATOR_TEST_CREDENTIALS } from '../../actors/venues/binance-emulator';
import { binanceClient } from '../helpers/binance-client';
import { killOnExit } from '../helpers/orphans';
import { runPredator } from '../helpers/predator-process';

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'predator.js');

test('predator emulator prints its real port, serves ccxt and stops on SIGTERM', async (t) => {
  const child = spawn(
    process.execPath,
    [BIN, 'emulator', '--venue', 'binance', '--port', '0', '--seed', '3'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  killOnExit(child);
  t.teardown(() => void child.kill('SIGKILL'));
  const exited = once(child, 'exit');
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const match = /listening on (http:\/\/127\.0\.0\.1:(\d+))\n/.exec(out);
      if (match?.[1] !== undefined && match[2] !== '0') resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
  });
  t.true(out.includes(BINANCE_EMULATOR_TEST_CREDENTIALS.apiKey), 'the test credentials are printed');
  const exchange = binanceClient(url);
  await exchange.loadMarkets();
  t.is((await exchange.fetchBalance())['USDT']?.total, 100_000);
  child.kill('SIGTERM');
  const [code] = await exited;
  t.is(code, 0);
});

for (const [args, flag] of [
  [['--port', '0'], '--venue'],
  [['--venue', 'kraken', '--port', '0'], '--venue'],
  [['--venue', 'binance'], '--port'],
  [['--venue', 'binance', '--port', '70000'], '--port'],
  [['--venue', 'binance', '--port', '0', '--seed', '-1'], '--seed'],
  [['--venue', 'binance', '--port', '0', '--api-key', 'only-a-key-here'], '--api-secret'],
] as const) {
  test(`predator emulator ${args.join(' ')} exits 2 naming ${flag}`, async (t) => {
    const result = await runPredator(['emulator', ...args], { t });
    t.is(result.code, 2);
    t.true(result.stderr.includes(flag), result.stderr);
  });
}
