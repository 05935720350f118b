import Router from '@koa/router';
import type { JournalEntry } from '../../actors/kernel/journal-entry';
import type { SystemView } from '../../actors/kernel/system-view';
import { QueryParser, actorParam, integerParam } from '../params';

/** Most entries one journal request returns. */
export const MAX_JOURNAL_LIMIT = 1000;

const journalQuery = new QueryParser({
  actor: actorParam.optional(),
  since: integerParam(0).default(0),
  limit: integerParam(1, MAX_JOURNAL_LIMIT).default(100),
});

/** `GET /api/journal`'s answer. */
export interface JournalPage {
  /** Oldest first; page on with `since` set to the last entry's `seq`. */
  readonly entries: readonly JournalEntry[];
}

/**
 * `GET /api/journal?actor=&since=&limit=`: journaled transitions with `seq > since`, oldest first,
 * optionally of one actor.
 */
export function journalRoutes(view: SystemView): Router {
  const router = new Router();
  router.get('/api/journal', async (ctx) => {
    const { actor, since, limit } = journalQuery.parse(ctx.query);
    const entries = await view.journal(actor === undefined ? { since, limit } : { actor, since, limit });
    const body: JournalPage = { entries };
    ctx.body = body;
  });
  return router;
}
