import type { ExecutionContext } from 'ava';
import ccxt from 'ccxt';
import type { Exchange } from 'ccxt';
import { BINANCE_EMULATOR_TEST_CREDENTIALS, BinanceEmulator } from '../../actors/venues/binance-emulator';
import type { BinanceEmulatorOptions } from '../../actors/venues/binance-emulator';
import { signBinance } from '../../actors/venues/binance-emulator-auth';

/** Books that stay put for the whole test: an hour between market refreshes. */
const STILL_MARKET = { refreshMs: 3_600_000 };

/**
 * Points a real ccxt `binance` client at `url`: spot REST goes through `urls.api.public` and
 * `urls.api.private` (both `…/api/v3`); `sapi`, `v1` are pointed there too so a stray call
 * fails locally instead of reaching the real exchange.
 */
export function binanceClient(url: string, credentials = BINANCE_EMULATOR_TEST_CREDENTIALS): Exchange {
  const exchange = new ccxt.binance({
    apiKey: credentials.apiKey,
    secret: credentials.apiSecret,
    enableRateLimit: false,
    options: {
      defaultType: 'spot',
      fetchCurrencies: false,
      fetchMarkets: { types: ['spot'] },
      fetchMargins: false,
      warnOnFetchOpenOrdersWithoutSymbol: false,
    },
  });
  const api = exchange.urls['api'] as Record<string, string>;
  exchange.urls['api'] = {
    ...api,
    public: `${url}/api/v3`,
    private: `${url}/api/v3`,
    v1: `${url}/api/v1`,
    sapi: `${url}/sapi/v1`,
  };
  return exchange;
}

/**
 * Starts an emulator on a free port for one test (closed in teardown) and a ccxt client on it
 * with markets loaded.
 */
export async function startBinance(
  t: ExecutionContext,
  options: BinanceEmulatorOptions = {},
): Promise<{ emulator: BinanceEmulator; exchange: Exchange; url: string }> {
  const emulator = new BinanceEmulator({
    seed: 7,
    ...options,
    market: { ...STILL_MARKET, ...options.market },
  });
  t.teardown(() => emulator.close());
  const url = await emulator.listen(0);
  const exchange = binanceClient(url, emulator.credentials);
  await exchange.loadMarkets();
  return { emulator, exchange, url };
}

/**
 * Sends one SIGNED request by hand, as a Binance client would (`timestamp` defaults to now), and
 * returns the HTTP status, `Retry-After` and JSON body: for what ccxt cannot send (stale
 * timestamps, prices off the tick).
 */
export async function signedRequest(
  url: string,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  params: Record<string, string>,
  credentials = BINANCE_EMULATOR_TEST_CREDENTIALS,
): Promise<{ status: number; retryAfter: string | null; body: { code?: number; msg?: string } }> {
  const query = new URLSearchParams({ timestamp: String(Date.now()), ...params }).toString();
  const signed = `${query}&signature=${signBinance(query, credentials.apiSecret)}`;
  const headers = { 'X-MBX-APIKEY': credentials.apiKey, 'Content-Type': 'application/x-www-form-urlencoded' };
  const response =
    method === 'POST'
      ? await fetch(`${url}${path}`, { method, headers, body: signed })
      : await fetch(`${url}${path}?${signed}`, { method, headers });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as { code?: number; msg?: string },
  };
}
