import Router from '@koa/router';
import type { Logger } from 'pino';
import type { Clock } from '../../actors/kernel/clock';
import type { SystemView } from '../../actors/kernel/system-view';
import { QueryParser, integerParam, parseParam } from '../params';
import type { SseOptions, SseStreams } from '../sse';
import { TransitionStream } from '../sse';

const lastEventId = integerParam(0);
const streamQuery = new QueryParser({ lastEventId: lastEventId.optional() });

/** What {@link streamRoutes} needs. */
export interface StreamRouteOptions {
  readonly view: SystemView;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly streams: SseStreams;
  readonly sse: SseOptions;
}

/**
 * `GET /api/stream`: live transitions as server-sent events. With a `Last-Event-ID` header (or
 * `?lastEventId=` for clients that cannot set headers) the journal after that id is replayed first.
 */
export function streamRoutes(options: StreamRouteOptions): Router {
  const { view, clock, logger, streams, sse } = options;
  const router = new Router();
  router.get('/api/stream', async (ctx) => {
    const query = streamQuery.parse(ctx.query);
    const header = ctx.get('Last-Event-ID');
    // The header wins: an EventSource resends it on every reconnect while its URL stays the first one.
    const after = header === '' ? query.lastEventId : parseParam('Last-Event-ID', lastEventId, header.trim());
    if (ctx.method === 'HEAD') {
      ctx.status = 200;
      ctx.type = 'text/event-stream';
      ctx.set('Cache-Control', 'no-cache');
      return;
    }
    // The stream owns the socket from here on; Koa must not answer for it.
    ctx.status = 200;
    ctx.respond = false;
    const stream = new TransitionStream(ctx.res, view, clock, logger, streams, sse, after);
    await stream.start();
  });
  return router;
}
