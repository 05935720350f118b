import Router from '@koa/router';
import type { SupervisorView, ComponentView, SystemView } from '../../actors/kernel/system-view';
import { NotFoundError } from '../errors';
import { QueryParser, actorParam, choiceParam, parseParam } from '../params';

const graphQuery = new QueryParser({
  machine: choiceParam(['behaviour', 'lifecycle']).default('behaviour'),
});

/** Whether `id` names a supervisor or component anywhere under `node`. */
function inTree(node: SupervisorView | ComponentView, id: string): boolean {
  if (node.id === id) return true;
  return node.type === 'supervisor' && node.children.some((child) => inTree(child, id));
}

/**
 * `GET /api/machines/:actor/graph?machine=behaviour|lifecycle`: the actor's machine as nodes and
 * edges with its active states, derived from the machine object.
 */
export function machineRoutes(view: SystemView): Router {
  const router = new Router();
  router.get('/api/machines/:actor/graph', (ctx) => {
    const actor = parseParam('actor', actorParam, ctx.params.actor);
    const { machine } = graphQuery.parse(ctx.query);
    const graph = view.graph(actor, machine);
    if (graph !== undefined) {
      ctx.body = graph;
      return;
    }
    if (inTree(view.tree().root, actor)) throw new NotFoundError(`actor ${actor} has no ${machine} machine`);
    throw new NotFoundError(`no actor named ${actor}`);
  });
  return router;
}
