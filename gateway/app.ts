import Koa from 'koa';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type { Clock } from '../actors/kernel/clock';
import type { SystemView } from '../actors/kernel/system-view';
import type { TradingReadModel } from '../actors/trading/read-model';
import { accessLog } from './access-log';
import { NotFoundError, errorHandler } from './errors';
import { CONTROL_PATH, controlRoutes } from './routes/control';
import type { GatewayControl } from './routes/control';
import { journalRoutes } from './routes/journal';
import { machineRoutes } from './routes/machines';
import { gateRoutes } from './routes/gates';
import { incidentRoutes, opsRoutes } from './routes/ops';
import { reportRoutes } from './routes/reports';
import type { OpsView } from './routes/ops';
import { streamRoutes } from './routes/stream';
import { systemRoutes } from './routes/system';
import { tradingRoutes } from './routes/trading';
import { allowedHosts, localCors, readOnly, securityHeaders } from './security';
import type { SseOptions } from './sse';
import { DEFAULT_SSE_OPTIONS, SseStreams } from './sse';
import { serveDashboard } from './static';

/** What {@link createApp} needs. */
export interface AppOptions {
  /** The running system, read-only. */
  readonly view: SystemView;
  /** Positions, orders, fills and PnL under `/api/trading`; without it those routes answer 404. */
  readonly trading?: TradingReadModel;
  /** The control plane under `/api/control` (POST, admin token); without it those routes answer 404. */
  readonly control?: GatewayControl;
  /** Uptime, incidents and other operations records under `/api/ops`; without it those answer 404. */
  readonly ops?: OpsView;
  /** Times keep-alives and requests. */
  readonly clock: Clock;
  readonly logger: Logger;
  /** The built dashboard (`dashboard/dist`), served at `/`; without it only `/api` answers. */
  readonly staticDir?: string;
  /** Answer only requests whose `Host` is one of these names (DNS-rebinding guard); any if unset. */
  readonly allowedHosts?: readonly string[];
  /** Registry of open event streams, so the owner of the server can end them on close. */
  readonly streams?: SseStreams;
  /** Stream tuning; defaults in {@link DEFAULT_SSE_OPTIONS}. */
  readonly sse?: Partial<SseOptions>;
}

/** Whether `path` belongs to the API rather than the dashboard. */
function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/');
}

/** Under `/api`, a path no route took is a 404 in the API's own JSON shape. */
function apiNotFound(): Middleware {
  return async (ctx, next) => {
    if (isApiPath(ctx.path)) throw new NotFoundError(`no route ${ctx.method} ${ctx.path}`);
    await next();
  };
}

/**
 * The gateway's Koa application: a read-only JSON API over a {@link SystemView} (and, when the
 * instance trades, a {@link TradingReadModel}) under `/api`, an event stream of transitions, and the
 * built dashboard at `/`. No listening here; see `startGateway`.
 *
 * @example
 * ```ts
 * const app = createApp({ view: runtime, clock, logger, staticDir: 'dashboard/dist' });
 * http.createServer(app.callback()).listen(8080, '127.0.0.1');
 * ```
 */
export function createApp(options: AppOptions): Koa {
  const { view, clock, staticDir } = options;
  const logger = options.logger.child({ component: 'gateway' });
  const streams = options.streams ?? new SseStreams();
  const sse: SseOptions = { ...DEFAULT_SSE_OPTIONS, ...options.sse };

  const app = new Koa();
  // Errors are answered and logged by `errorHandler`; what reaches here failed after answering.
  app.on('error', (err: unknown) => {
    // A client that hangs up mid-response (a closed tab, `curl | head`) is not a server fault.
    const code = (err as { code?: string } | null)?.code;
    if (code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNRESET' || code === 'EPIPE') {
      logger.debug({ err }, 'client closed the connection early');
      return;
    }
    logger.error({ err }, 'response failed');
  });

  app.use(accessLog(logger, clock));
  app.use(errorHandler(logger));
  app.use(securityHeaders());
  if (options.allowedHosts !== undefined) app.use(allowedHosts(options.allowedHosts));
  app.use(localCors());
  app.use(readOnly([CONTROL_PATH]));
  app.use(async (ctx, next) => {
    if (isApiPath(ctx.path)) ctx.set('Cache-Control', 'no-store');
    await next();
  });
  for (const router of [
    systemRoutes(view),
    journalRoutes(view),
    machineRoutes(view),
    tradingRoutes(options.trading),
    opsRoutes(options.ops),
    incidentRoutes(options.ops),
    gateRoutes(options.ops?.gates),
    reportRoutes(options.ops?.reports),
    controlRoutes(options.control, clock),
    streamRoutes({ view, clock, logger, streams, sse }),
  ]) {
    app.use(router.routes());
  }
  app.use(apiNotFound());
  if (staticDir !== undefined) app.use(serveDashboard(staticDir));
  app.use(async (ctx) => {
    throw new NotFoundError(`no dashboard is served here; the API is under /api (${ctx.path})`);
  });
  return app;
}
