import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RealClock } from '../kernel/clock';
import type { Clock } from '../kernel/clock';
import { Rng } from '../kernel/rng';
import { verifySigned } from './binance-emulator-auth';
import type { BinanceCredentials } from './binance-emulator-auth';
import { BinanceApiError, binanceErrors, toBinanceError } from './binance-emulator-errors';
import { BinanceParams } from './binance-emulator-params';
import { BINANCE_ROUTES } from './binance-emulator-routes';
import { MarketSim } from './market-sim';
import type { MarketSimConfigInput } from './market-sim.config';
import { SimVenue } from './sim-venue';
import type { SimVenueConfigInput } from './sim-venue.config';

/**
 * Test credentials used when none are given: this is a local emulator holding simulated money,
 * not a secret store, so they are documented and printed at start.
 */
export const BINANCE_EMULATOR_TEST_CREDENTIALS: BinanceCredentials = {
  apiKey: 'predator-emulator-test-key',
  apiSecret: 'predator-emulator-test-secret',
};

/** How a {@link BinanceEmulator} is built. */
export interface BinanceEmulatorOptions {
  /** Seeds the market and the venue's latency and faults. */
  readonly seed?: number;
  /** The one account's credentials; {@link BINANCE_EMULATOR_TEST_CREDENTIALS} by default. */
  readonly credentials?: BinanceCredentials;
  /** Time for signatures' `recvWindow`, the venue and the market; the real clock by default. */
  readonly clock?: Clock;
  /** The simulated market (symbols, refresh rate, volatility). */
  readonly market?: MarketSimConfigInput;
  /**
   * The venue behind it (balances, fees, latency). Its `timeoutMs` defaults to 5 s here, so a
   * lost answer becomes -1007 before ccxt's own 10 s timeout.
   */
  readonly venue?: SimVenueConfigInput;
}

/** Largest request body read; Binance's own requests are far smaller. */
const MAX_BODY_BYTES = 64 * 1024;

/**
 * An HTTP server on 127.0.0.1 speaking the Binance spot REST subset that ccxt's `binance` class
 * calls, backed by a {@link SimVenue} over a seeded {@link MarketSim}. SIGNED endpoints check
 * `X-MBX-APIKEY`, the HMAC-SHA256 signature and the `recvWindow`; errors are Binance's
 * `{code, msg}` with its HTTP statuses (see `toBinanceError`). Faults are set on `venue.faults`.
 * `GET /__admin/ledger` returns every order, fill and refusal with its clientOrderId.
 *
 * @example
 * const emulator = new BinanceEmulator({ seed: 7 });
 * const url = await emulator.listen(0);             // http://127.0.0.1:PORT
 * exchange.urls.api = { ...exchange.urls.api, public: `${url}/api/v3`, private: `${url}/api/v3` };
 * emulator.venue.faults.set({ kind: 'rateLimit', ops: ['submit'] });
 * await emulator.close();
 */
export class BinanceEmulator {
  /** The venue behind the API. */
  readonly venue: SimVenue;
  /** The market the venue trades against. */
  readonly market: MarketSim;
  /** The account's credentials. */
  readonly credentials: BinanceCredentials;
  private readonly clock: Clock;
  private readonly server: Server;
  private readonly stopMarket: () => void;
  private nextClientOrderId = 1;

  constructor(options: BinanceEmulatorOptions = {}) {
    this.clock = options.clock ?? new RealClock();
    this.credentials = options.credentials ?? BINANCE_EMULATOR_TEST_CREDENTIALS;
    const rng = new Rng(options.seed ?? 1);
    this.market = new MarketSim({ rng, start: this.clock.now(), config: options.market });
    this.venue = new SimVenue({
      clock: this.clock,
      rng,
      market: this.market,
      config: { name: 'binance', timeoutMs: 5_000, ...options.venue },
    });
    this.stopMarket = this.market.start(this.clock);
    this.server = createServer((req, res) => void this.serve(req, res));
  }

  /** Starts listening on 127.0.0.1 (`port` 0 picks a free one); resolves with the base URL. */
  listen(port = 0): Promise<string> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve(this.url());
      });
    });
  }

  /** `http://127.0.0.1:PORT` once listening. */
  url(): string {
    const address = this.server.address() as AddressInfo | null;
    if (address === null) throw new Error('BinanceEmulator is not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  /** Stops the server (dropping kept-alive connections), the market and the venue. */
  close(): Promise<void> {
    this.stopMarket();
    this.venue.close();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const [path = '/', query = ''] = (req.url ?? '/').split('?', 2);
      const route = BINANCE_ROUTES.get(`${req.method ?? 'GET'} ${path}`);
      const body = await readBody(req);
      if (route === undefined) throw binanceErrors.notFound();
      const now = this.clock.now();
      if (route.signed) {
        const apiKey = req.headers['x-mbx-apikey'];
        verifySigned(
          { apiKey: typeof apiKey === 'string' ? apiKey : undefined, query, body },
          this.credentials,
          now,
        );
      }
      const result = await route.handle({
        params: new BinanceParams(query, body),
        venue: this.venue,
        now,
        nextClientOrderId: () => `emulator-${this.nextClientOrderId++}`,
      });
      send(res, 200, result, {});
    } catch (error) {
      const answer = toBinanceError(error);
      send(res, answer.status, answer.body(), answer.headers);
    }
  }
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>>,
): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'Content-Type': 'application/json;charset=UTF-8', ...headers });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BinanceApiError(413, -1000, 'Request body too large.'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
