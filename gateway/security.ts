import cors from '@koa/cors';
import type { Context, Middleware } from 'koa';
import { HttpError, MethodNotAllowedError } from './errors';

/** The only methods the gateway answers: it is read-only. */
export const ALLOWED_METHODS = ['GET', 'HEAD'] as const;

/** Host names that mean "this machine". */
const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Whether `host` (a bind address or a URL host name) is a loopback name. */
export function isLoopback(host: string): boolean {
  return LOOPBACK_NAMES.has(host.toLowerCase()) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Refuses every method but GET and HEAD with 405 and an `Allow` header, except POST under the
 * `writable` path prefixes (the control plane, which authenticates every request itself).
 */
export function readOnly(writable: readonly string[] = []): Middleware {
  const allowed: readonly string[] = ALLOWED_METHODS;
  return async (ctx, next) => {
    const post =
      ctx.method === 'POST' && writable.some((p) => ctx.path === p || ctx.path.startsWith(`${p}/`));
    if (!post && !allowed.includes(ctx.method)) throw new MethodNotAllowedError(ctx.method, ALLOWED_METHODS);
    await next();
  };
}

/**
 * Answers only requests whose `Host` names one of `hosts` (any port). Bound to loopback, this stops
 * DNS rebinding: a web page whose name resolves to 127.0.0.1 still sends its own name as `Host`.
 */
export function allowedHosts(hosts: readonly string[]): Middleware {
  const names = new Set(hosts.map((host) => host.toLowerCase()));
  return async (ctx, next) => {
    const name = hostName(ctx.get('Host'));
    if (!names.has(name)) {
      throw new HttpError(
        403,
        `host ${JSON.stringify(name)} is not allowed here; use ${[...names].join(' or ')}`,
      );
    }
    await next();
  };
}

/** The host name of a `Host` header, without its port; `[::1]` keeps its brackets. */
function hostName(header: string): string {
  const host = header.trim().toLowerCase();
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.indexOf(':');
  return colon < 0 ? host : host.slice(0, colon);
}

/** The request's origin if it is served from this machine (a dashboard dev server), else nothing. */
function localOrigin(ctx: Context): string {
  const origin = ctx.get('Origin');
  if (!origin) return '';
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopback(url.hostname) ? origin : '';
  } catch {
    return '';
  }
}

/**
 * CORS for pages served from this machine only (`http://localhost:5173`), never `*`. Preflights from
 * such origins are answered here, so an `EventSource` that resends `Last-Event-ID` can reconnect.
 */
export function localCors(): Middleware {
  return cors({
    origin: localOrigin,
    // Control requests come from `predator ctl` (no browser, no CORS); no page may send them.
    allowMethods: [...ALLOWED_METHODS],
    allowHeaders: ['Last-Event-ID', 'Cache-Control'],
    maxAge: 600,
  });
}

/** Headers every answer carries: no sniffing, no framing, no referrer leaking. */
export function securityHeaders(): Middleware {
  return async (ctx, next) => {
    ctx.set({
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Resource-Policy': 'same-origin',
    });
    await next();
  };
}
