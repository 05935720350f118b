import Router from '@koa/router';
import type { UptimeSnapshot } from '../../actors/ops/uptime-snapshot';
import { NotFoundError } from '../errors';
import { QueryParser, integerParam } from '../params';

/** Answer of an ops route on an instance that does not keep that record (a bare kernel app). */
export const OPS_NOT_KEPT = 'this instance keeps no operations records';

/** Longest uptime window a caller may ask for: a year. */
const MAX_WINDOW_MS = 366 * 86_400_000;

/** The operations records the gateway serves, read-only. */
export interface OpsView {
  /** Run time, restarts, crashes and uptime % over `windowMs` (the watcher's default if unset). */
  uptime(windowMs?: number): UptimeSnapshot;
}

const uptimeQuery = new QueryParser({ windowMs: integerParam(60_000, MAX_WINDOW_MS).optional() });

/**
 * Operations records under `/api/ops`; without an {@link OpsView} each answers 404
 * {@link OPS_NOT_KEPT}.
 *
 * - `GET /api/ops/uptime?windowMs=` → {@link UptimeSnapshot}
 */
export function opsRoutes(ops: OpsView | undefined): Router {
  const router = new Router({ prefix: '/api/ops' });
  const view = (): OpsView => {
    if (ops === undefined) throw new NotFoundError(OPS_NOT_KEPT);
    return ops;
  };
  router.get('/uptime', (ctx) => {
    const source = view();
    const { windowMs } = uptimeQuery.parse(ctx.query);
    ctx.body = source.uptime(windowMs);
  });
  return router;
}
