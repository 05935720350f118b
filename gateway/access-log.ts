import type { Logger } from 'pino';
import type { Middleware } from 'koa';
import type { Clock } from '../actors/kernel/clock';

/**
 * Logs each request at `debug` once it is answered (for a stream: once it is open), timed on the
 * injected clock.
 */
export function accessLog(logger: Logger, clock: Clock): Middleware {
  return async (ctx, next) => {
    const started = clock.now();
    try {
      await next();
    } finally {
      logger.debug(
        { method: ctx.method, url: ctx.url, status: ctx.status, ms: clock.now() - started },
        'request',
      );
    }
  };
}
