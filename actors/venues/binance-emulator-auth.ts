import { createHmac, timingSafeEqual } from 'node:crypto';
import { binanceErrors } from './binance-emulator-errors';

/** The one account's API credentials. */
export interface BinanceCredentials {
  readonly apiKey: string;
  readonly apiSecret: string;
}

/** A signed request as it arrived: the raw strings the signature covers. */
export interface SignedRequest {
  /** The `X-MBX-APIKEY` header, if sent. */
  readonly apiKey: string | undefined;
  /** The query string without its `?`. */
  readonly query: string;
  /** The `application/x-www-form-urlencoded` body (empty for GET and DELETE). */
  readonly body: string;
}

/** Binance's default and largest `recvWindow`. */
const DEFAULT_RECV_WINDOW = 5_000;
const MAX_RECV_WINDOW = 60_000;
/** Binance accepts a timestamp up to one second ahead of its clock. */
const AHEAD_TOLERANCE = 1_000;
const API_KEY = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * Checks a SIGNED endpoint's request as Binance does: the API key, then `timestamp` within
 * `recvWindow` of `now`, then the HMAC-SHA256 `signature` (hex) over the query string followed by
 * the body, each without the `signature` parameter. Throws a {@link BinanceApiError} on failure.
 *
 * @example
 * verifySigned({ apiKey: 'k', query: 'symbol=BTCUSDT&timestamp=1&signature=…', body: '' }, creds, 1);
 */
export function verifySigned(request: SignedRequest, credentials: BinanceCredentials, now: number): void {
  if (request.apiKey === undefined || !API_KEY.test(request.apiKey)) throw binanceErrors.badApiKeyFormat();
  if (!sameText(request.apiKey, credentials.apiKey)) throw binanceErrors.badApiKey();
  const params = new URLSearchParams(`${request.query}&${request.body}`);
  const timestamp = integerParam(params, 'timestamp');
  if (timestamp === undefined) throw binanceErrors.missing('timestamp');
  const recvWindow = integerParam(params, 'recvWindow') ?? DEFAULT_RECV_WINDOW;
  if (recvWindow > MAX_RECV_WINDOW) throw binanceErrors.badRecvWindow();
  if (timestamp >= now + AHEAD_TOLERANCE) throw binanceErrors.aheadOfServer();
  if (now - timestamp > recvWindow) throw binanceErrors.outsideRecvWindow();
  const signature = params.get('signature');
  if (signature === null || signature === '') throw binanceErrors.missing('signature');
  const payload = withoutSignature(request.query) + withoutSignature(request.body);
  const expected = createHmac('sha256', credentials.apiSecret).update(payload).digest('hex');
  if (!sameText(signature.toLowerCase(), expected)) throw binanceErrors.badSignature();
}

/** Signs `payload` as a Binance client does (hex HMAC-SHA256): for specs and scripts. */
export function signBinance(payload: string, apiSecret: string): string {
  return createHmac('sha256', apiSecret).update(payload).digest('hex');
}

function withoutSignature(raw: string): string {
  return raw
    .split('&')
    .filter((part) => part !== '' && !part.startsWith('signature='))
    .join('&');
}

function integerParam(params: URLSearchParams, name: string): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^\d{1,16}$/.test(raw)) throw binanceErrors.illegal(name);
  return Number(raw);
}

/** Constant-time comparison, so a wrong key or signature leaks nothing through timing. */
function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
