import { STATUS_CODES } from 'node:http';
import type { Logger } from 'pino';
import type { Middleware } from 'koa';
import { PredatorError } from '../actors/kernel/errors';

/**
 * An error the gateway answers with a given HTTP status. `expose` marks the message as safe for the
 * client (Koa's convention); otherwise the client sees only the status text and the log sees all.
 */
export class HttpError extends PredatorError {
  /** Whether `message` may be shown to the client. Defaults to `status < 500`. */
  readonly expose: boolean;
  /** Extra response headers (`Allow` on a 405). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    readonly status: number,
    message: string,
    options: { expose?: boolean; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.expose = options.expose ?? status < 500;
    this.headers = options.headers ?? {};
  }
}

/** A query or path parameter failed validation (400); `param` names it. Nothing was changed. */
export class BadParameterError extends HttpError {
  constructor(
    /** The parameter's name (`limit`, `Last-Event-ID`). */
    readonly param: string,
    /** What was expected, e.g. `expected an integer from 1 to 1000`. */
    readonly expected: string,
  ) {
    super(400, `${param}: ${expected}`);
  }
}

/** Nothing answers at this path, or the named thing does not exist (404). */
export class NotFoundError extends HttpError {
  constructor(message: string) {
    super(404, message);
  }
}

/** The gateway is read-only: any method but the allowed ones is refused (405). */
export class MethodNotAllowedError extends HttpError {
  constructor(
    readonly method: string,
    readonly allowed: readonly string[],
  ) {
    super(405, `method ${method} is not allowed; this API is read-only (${allowed.join(', ')})`, {
      headers: { Allow: allowed.join(', ') },
    });
  }
}

/** The JSON body of every error answer. */
export interface ErrorBody {
  readonly error: { readonly status: number; readonly message: string; readonly param?: string };
}

/** Reads status and exposure from any thrown value, including Koa's own `http-errors`. */
function classify(err: unknown): { status: number; expose: boolean; headers: Record<string, string> } {
  if (err instanceof HttpError)
    return { status: err.status, expose: err.expose, headers: { ...err.headers } };
  const fields = (typeof err === 'object' && err !== null ? err : {}) as {
    status?: unknown;
    expose?: unknown;
  };
  const status =
    typeof fields.status === 'number' && fields.status >= 400 && fields.status <= 599 ? fields.status : 500;
  return { status, expose: fields.expose === true && status < 500, headers: {} };
}

/**
 * The one error middleware, first in the chain: turns every error into `{ error: { status, message,
 * param? } }`, shows the message only when it is marked safe, and logs everything.
 */
export function errorHandler(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err: unknown) {
      const { status, expose, headers } = classify(err);
      const request = { method: ctx.method, url: ctx.url, status };
      // An unexpected failure is an error; a refusal we chose to explain (400, 404, 503) is not.
      if (status >= 500 && !expose) logger.error({ err, ...request }, 'request failed');
      else if (status >= 500) logger.warn({ err, ...request }, 'request refused');
      else logger.info({ err, ...request }, 'request refused');

      // A stream (SSE) that already sent its headers cannot change its answer; the log has it.
      if (ctx.headerSent || !ctx.writable) return;

      const message = expose && err instanceof Error ? err.message : (STATUS_CODES[status] ?? 'Error');
      const param = expose && err instanceof BadParameterError ? err.param : undefined;
      const body: ErrorBody = { error: { status, message, ...(param === undefined ? {} : { param }) } };
      ctx.respond = true;
      ctx.set(headers);
      ctx.set('Cache-Control', 'no-store');
      ctx.status = status;
      ctx.body = body;
    }
  };
}
