import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Clock } from '../actors/kernel/clock';
import { ConfigError } from '../actors/kernel/errors';
import type { SystemView } from '../actors/kernel/system-view';
import type { TradingReadModel } from '../actors/trading/read-model';
import type { GatewayControl } from './routes/control';
import { createApp } from './app';
import type { SseOptions } from './sse';
import { SseStreams } from './sse';
import { isLoopback } from './security';
import type { OpsView } from './routes/ops';

/** Where the gateway listens when nothing else is said. */
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8080;

/** How long `close` waits for answers in flight before it drops their connections. */
const CLOSE_GRACE_MS = 5_000;

/** What {@link startGateway} needs. */
export interface GatewayOptions {
  readonly view: SystemView;
  /** The trading read model, when this instance trades; `/api/trading/*` answers 404 without it. */
  readonly trading?: TradingReadModel;
  /** The control plane (`/api/control`), when this instance runs one. */
  readonly control?: GatewayControl;
  /** Operations records (`/api/ops`), when this instance keeps them. */
  readonly ops?: OpsView;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Bind address; `127.0.0.1` unless told otherwise. Anything else is logged as a warning. */
  readonly host?: string;
  /** Port; from `PORT` or 8080 by default; `0` picks a free one. */
  readonly port?: number;
  /** The built dashboard (`dashboard/dist`). */
  readonly staticDir?: string;
  /** Stream tuning, mostly for specs. */
  readonly sse?: Partial<SseOptions>;
}

/** A listening gateway. */
export interface Gateway {
  /** `http://127.0.0.1:8080`. */
  readonly url: string;
  readonly port: number;
  /** Ends every event stream, stops accepting, and resolves once the server has closed. */
  close(): Promise<void>;
}

const portSchema = z.coerce.number().int().min(0).max(65535);

/** The port from `PORT`, or the default; a malformed `PORT` is a {@link ConfigError}. */
function portFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env.PORT;
  if (raw === undefined || raw.trim() === '') return DEFAULT_PORT;
  const parsed = portSchema.safeParse(raw.trim());
  if (parsed.success) return parsed.data;
  throw new ConfigError(`PORT=${raw} is not a port`, ['PORT: expected an integer from 0 to 65535']);
}

/**
 * Starts the read-only gateway on `host:port` (127.0.0.1 by default).
 *
 * @example
 * ```ts
 * const gateway = await startGateway({ view: runtime, clock, logger, port: 0 });
 * console.log(gateway.url); // http://127.0.0.1:41234
 * await gateway.close();
 * ```
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const host = options.host ?? DEFAULT_HOST;
  const port = options.port ?? portFromEnv(process.env);
  const logger = options.logger.child({ component: 'gateway' });
  const streams = new SseStreams();
  const loopback = isLoopback(host);
  const app = createApp({
    view: options.view,
    clock: options.clock,
    logger: options.logger,
    streams,
    ...(options.trading === undefined ? {} : { trading: options.trading }),
    ...(options.control === undefined ? {} : { control: options.control }),
    ...(options.ops === undefined ? {} : { ops: options.ops }),
    ...(options.staticDir === undefined ? {} : { staticDir: options.staticDir }),
    ...(options.sse === undefined ? {} : { sse: options.sse }),
    ...(loopback ? { allowedHosts: ['127.0.0.1', 'localhost', '[::1]', host] } : {}),
  });
  const server = createServer(app.callback());

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (err) => logger.error({ err }, 'gateway server error'));

  const bound = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;
  if (loopback) logger.info({ url }, 'gateway listening');
  else
    logger.warn(
      { url },
      'gateway listening beyond this machine: anyone who can reach it can read the system',
    );

  let closing: Promise<void> | undefined;
  return {
    url,
    port: bound,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        // A client that never reads its answer would hold the close for ever: cut it after a grace.
        const grace = options.clock.setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
        server.close((err) => {
          options.clock.clearTimeout(grace);
          if (err) reject(err);
          else resolve();
        });
        streams.closeAll('gateway closing');
        server.closeIdleConnections();
      }).then(() => logger.info({ url }, 'gateway closed'));
      return closing;
    },
  };
}
