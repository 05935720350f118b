import Router from '@koa/router';
import type { SystemView } from '../../actors/kernel/system-view';
import { QueryParser } from '../params';

const noQuery = new QueryParser({});

/** `GET /api/health` (the view's {@link HealthView}) and `GET /api/system` (the whole tree). */
export function systemRoutes(view: SystemView): Router {
  const router = new Router();
  router.get('/api/health', (ctx) => {
    noQuery.parse(ctx.query);
    ctx.body = view.health();
  });
  router.get('/api/system', (ctx) => {
    noQuery.parse(ctx.query);
    ctx.body = view.tree();
  });
  return router;
}
