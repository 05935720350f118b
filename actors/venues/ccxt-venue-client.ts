import ccxt from 'ccxt';
import type { Exchange } from 'ccxt';
import { ConfigError } from '../kernel/errors';
import type { CcxtVenueConfig } from './ccxt-venue.config';
import { retryAfterMs } from './ccxt-venue-error-map';
import type { ResponseMeta } from './ccxt-venue-error-map';

/**
 * Options every instance gets before the configured ones: spot only, and `loadMarkets` without
 * the private currency and margin endpoints (on Binance it then calls `exchangeInfo` alone).
 */
const DEFAULT_OPTIONS: Readonly<Record<string, unknown>> = {
  defaultType: 'spot',
  fetchMarkets: { types: ['spot'] },
  fetchMargins: false,
  fetchCurrencies: false,
  // We filter open orders to our instruments ourselves; the warning is an exception in ccxt.
  warnOnFetchOpenOrdersWithoutSymbol: false,
};

/** A ccxt instance and what its HTTP layer saw of each failed response. */
export interface CcxtClient {
  readonly exchange: Exchange;
  /** The HTTP status and `Retry-After` of the response that raised `error`, if one did. */
  readonly metaOf: (error: unknown) => ResponseMeta | undefined;
}

type ExchangeClass = new (config: Record<string, unknown>) => Exchange;

/** Builds the ccxt instance for `config`; only {@link CcxtVenue} holds it. */
export function createCcxtClient(config: CcxtVenueConfig): CcxtClient {
  const Class = (ccxt as unknown as Record<string, ExchangeClass | undefined>)[config.exchangeId];
  if (typeof Class !== 'function') {
    throw new ConfigError(`ccxt has no exchange ${config.exchangeId}`, ['exchangeId: unknown']);
  }
  const exchange = new Class({
    ...(config.apiKey === undefined ? {} : { apiKey: config.apiKey }),
    ...(config.secret === undefined ? {} : { secret: config.secret }),
    ...(config.password === undefined ? {} : { password: config.password }),
    enableRateLimit: config.enableRateLimit,
    timeout: config.timeoutMs,
    options: { ...DEFAULT_OPTIONS, ...config.options },
  });
  overrideUrls(exchange, config.urls);
  return { exchange, metaOf: recordFailedResponses(exchange) };
}

function overrideUrls(exchange: Exchange, urls: Readonly<Record<string, string>>): void {
  if (Object.keys(urls).length === 0) return;
  const target = exchange.urls as Record<string, unknown>;
  const api = target['api'];
  if (typeof api === 'string') {
    const only = urls['api'];
    if (only === undefined || Object.keys(urls).length > 1) {
      throw new ConfigError(`${exchange.id} has a single API URL: set urls.api alone`, [
        'urls: expected { api }',
      ]);
    }
    target['api'] = only;
    return;
  }
  target['api'] = { ...(api as Record<string, unknown>), ...urls };
}

/**
 * ccxt's errors carry neither the HTTP status nor the headers, and `last_response_headers` is
 * shared by concurrent calls; wrapping `handleRestResponse` ties them to the error it throws.
 */
function recordFailedResponses(exchange: Exchange): (error: unknown) => ResponseMeta | undefined {
  const metas = new WeakMap<object, ResponseMeta>();
  const original = exchange.handleRestResponse.bind(exchange);
  exchange.handleRestResponse = (response: { status: number }, ...rest: unknown[]): unknown => {
    const handled: unknown = original(response, ...(rest as [unknown]));
    if (!(handled instanceof Promise)) return handled;
    return handled.catch((error: unknown) => {
      if (typeof error === 'object' && error !== null) {
        const headers = exchange.getResponseHeaders(response) as Record<string, string | undefined>;
        const retryAfter = retryAfterMs(headers['Retry-After']);
        metas.set(error, {
          status: response.status,
          ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
        });
      }
      throw error;
    });
  };
  return (error) => (typeof error === 'object' && error !== null ? metas.get(error) : undefined);
}
