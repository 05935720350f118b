import Router from '@koa/router';
import type { StabilityGateResult } from '../../actors/ops/stability-gate-result';
import { NotFoundError } from '../errors';
import { QueryParser } from '../params';

/** Answer of a gate route on an instance that keeps no gates (a bare kernel app). */
export const GATES_NOT_KEPT = 'this instance keeps no gates';

/** The gates the gateway serves, read-only. */
export interface GatesView {
  /** The stability gate judged now (`StabilityGate.evaluate`). */
  stability(): Promise<StabilityGateResult>;
}

const noQuery = new QueryParser({});

/**
 * Release gates under `/api/gates`, read-only; without a {@link GatesView} each answers 404
 * {@link GATES_NOT_KEPT}. Signing off is an operator command, not a route here.
 *
 * - `GET /api/gates/stability` → {@link StabilityGateResult}
 */
export function gateRoutes(gates?: GatesView): Router {
  const router = new Router({ prefix: '/api/gates' });
  router.get('/stability', async (ctx) => {
    if (gates === undefined) throw new NotFoundError(GATES_NOT_KEPT);
    noQuery.parse(ctx.query);
    ctx.body = await gates.stability();
  });
  return router;
}
