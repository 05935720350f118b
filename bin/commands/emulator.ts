import { BINANCE_EMULATOR_TEST_CREDENTIALS, BinanceEmulator } from '../../actors/venues/binance-emulator';
import { UsageError, intFlag, parseFlags } from '../usage';

/**
 * `predator emulator --venue binance --port P [--seed S] [--api-key K --api-secret S]`: serves the
 * Binance spot REST subset on 127.0.0.1 until SIGINT or SIGTERM. Without keys it uses the
 * documented test credentials and prints them: the account holds simulated money only.
 */
export async function runEmulatorCommand(argv: readonly string[]): Promise<number> {
  const flags = parseFlags(argv, {
    venue: { type: 'string' },
    port: { type: 'string' },
    seed: { type: 'string' },
    'api-key': { type: 'string' },
    'api-secret': { type: 'string' },
  });
  if (flags.venue === undefined) throw new UsageError('--venue is required (only "binance" is emulated)');
  if (flags.venue !== 'binance') throw new UsageError(`--venue: expected "binance", got "${flags.venue}"`);
  if (flags.port === undefined) throw new UsageError('--port is required (0 picks a free port)');
  const port = intFlag('--port', flags.port, 0, 65_535) as number;
  const seed = intFlag('--seed', flags.seed, 0, 2 ** 32 - 1) ?? 1;
  const apiKey = flags['api-key'];
  const apiSecret = flags['api-secret'];
  if ((apiKey === undefined) !== (apiSecret === undefined))
    throw new UsageError(`${apiKey === undefined ? '--api-key' : '--api-secret'} is required with the other`);
  for (const [flag, value] of [
    ['--api-key', apiKey],
    ['--api-secret', apiSecret],
  ] as const) {
    if (value !== undefined && !/^[A-Za-z0-9_-]{8,128}$/.test(value))
      throw new UsageError(`${flag}: expected 8-128 of [A-Za-z0-9_-]`);
  }
  const credentials =
    apiKey !== undefined && apiSecret !== undefined
      ? { apiKey, apiSecret }
      : BINANCE_EMULATOR_TEST_CREDENTIALS;
  const emulator = new BinanceEmulator({ seed, credentials });
  let url: string;
  try {
    url = await emulator.listen(port);
  } catch (error) {
    await emulator.close();
    console.error(`predator: emulator cannot listen on port ${port}: ${(error as Error).message}`);
    return 1;
  }
  if (apiKey === undefined) {
    console.log(`test credentials: api key ${credentials.apiKey}, api secret ${credentials.apiSecret}`);
  }
  console.log(
    `binance spot emulator, seed ${seed}; spot REST at ${url}/api/v3, ledger at ${url}/__admin/ledger`,
  );
  console.log(`listening on ${url}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await emulator.close();
  return 0;
}
