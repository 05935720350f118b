import Router from '@koa/router';
import type { IncidentState } from '../../machines/incident.machine';
import type { AnomalySnapshot } from '../../actors/ops/anomaly-view';
import { ConfigError } from '../../actors/kernel/errors';
import type { IncidentView } from '../../actors/ops/incident-view';
import type { Postmortem } from '../../actors/ops/postmortem';
import type { UptimeSnapshot } from '../../actors/ops/uptime-snapshot';
import type { WatchdogSnapshot } from '../../actors/ops/watchdog-findings';
import { IncidentNotFoundError } from '../../actors/ops/incident-errors';
import { BadParameterError, NotFoundError } from '../errors';
import { QueryParser, choiceParam, integerParam, parseParam } from '../params';
import type { GatesView } from './gates';
import type { ReportsView } from './reports';

/** Answer of an ops route on an instance that does not keep that record (a bare kernel app). */
export const OPS_NOT_KEPT = 'this instance keeps no operations records';

/** Longest uptime window a caller may ask for: a year. */
const MAX_WINDOW_MS = 366 * 86_400_000;

/** The operations records the gateway serves, read-only. */
export interface OpsView {
  /** Run time, restarts, crashes and uptime % over `windowMs` (the watcher's default if unset). */
  uptime(windowMs?: number): UptimeSnapshot;
  /** The incident book, when kept. */
  readonly incidents?: IncidentsView;
  /** Release gates under `/api/gates`, when kept. */
  readonly gates?: GatesView;
  /** Weekly long-run reports under `/api/reports`, when made. */
  readonly reports?: ReportsView;
  /** Near misses and slow degradations; a bad query throws `ConfigError` naming the field. */
  anomalies?(query: Readonly<Record<string, string>>): AnomalySnapshot;
  /** The watchdog view: heartbeats per component, asks in flight, hangs and deadlocks found. */
  watchdog?(): WatchdogSnapshot;
}

/** The incident book as the gateway reads it. */
export interface IncidentsView {
  /** Incidents kept, oldest first, optionally in one state. */
  list(state?: IncidentState): IncidentView[];
  /** One incident; throws `IncidentNotFoundError` for an id it does not hold. */
  get(id: number): IncidentView;
  /** The incident's post-mortem: the stored one, else a draft from the journal (stored as such). */
  postmortem(id: number): Promise<Postmortem>;
  /** The same, as Markdown. */
  postmortemMarkdown(id: number): Promise<string>;
}

/** Answer of `GET /api/incidents`. */
export interface IncidentsAnswer {
  readonly incidents: readonly IncidentView[];
}

const uptimeQuery = new QueryParser({ windowMs: integerParam(60_000, MAX_WINDOW_MS).optional() });
const incidentsQuery = new QueryParser({
  state: choiceParam(['open', 'mitigated', 'resolved', 'postmortem_written']).optional(),
});
const noQuery = new QueryParser({});
const postmortemQuery = new QueryParser({ format: choiceParam(['json', 'md']).default('json') });
const incidentId = integerParam(1);

/**
 * Operations records under `/api/ops`; without an {@link OpsView} each answers 404
 * {@link OPS_NOT_KEPT}.
 *
 * - `GET /api/ops/uptime?windowMs=` → {@link UptimeSnapshot}
 * - `GET /api/ops/anomalies?kind=&severity=&active=&limit=` → `AnomalySnapshot`
 * - `GET /api/ops/watchdog` → `WatchdogSnapshot`
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
  router.get('/anomalies', (ctx) => {
    const source = view();
    if (source.anomalies === undefined) throw new NotFoundError(OPS_NOT_KEPT);
    const query: Record<string, string> = {};
    for (const [key, value] of Object.entries(ctx.query)) {
      if (typeof value !== 'string') throw new BadParameterError(key, 'expected one value');
      query[key] = value;
    }
    try {
      ctx.body = source.anomalies(query);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      const [first = error.message] = error.issues;
      const at = first.indexOf(':');
      throw new BadParameterError(
        at > 0 ? first.slice(0, at) : 'query',
        at > 0 ? first.slice(at + 1).trim() : first,
      );
    }
  });
  router.get('/watchdog', (ctx) => {
    const source = view();
    if (source.watchdog === undefined) throw new NotFoundError(OPS_NOT_KEPT);
    noQuery.parse(ctx.query);
    ctx.body = source.watchdog();
  });
  return router;
}

/**
 * The incident book under `/api/incidents`, read-only; without it each answers 404
 * {@link OPS_NOT_KEPT}. Resolving, completing and signing are operator commands, not routes here.
 *
 * - `GET /api/incidents?state=` → {@link IncidentsAnswer}
 * - `GET /api/incidents/:id` → one `IncidentView`
 * - `GET /api/incidents/:id/postmortem?format=json|md` → the post-mortem, or its Markdown
 */
export function incidentRoutes(ops: OpsView | undefined): Router {
  const router = new Router({ prefix: '/api/incidents' });
  const book = (): IncidentsView => {
    if (ops?.incidents === undefined) throw new NotFoundError(OPS_NOT_KEPT);
    return ops.incidents;
  };
  const held = <T>(read: () => T): T => {
    try {
      return read();
    } catch (error) {
      if (error instanceof IncidentNotFoundError) throw new NotFoundError(error.message);
      throw error;
    }
  };
  router.get('/', (ctx) => {
    const source = book();
    const { state } = incidentsQuery.parse(ctx.query);
    const body: IncidentsAnswer = { incidents: source.list(state) };
    ctx.body = body;
  });
  router.get('/:id', (ctx) => {
    const source = book();
    noQuery.parse(ctx.query);
    const id = parseParam('id', incidentId, ctx.params.id);
    ctx.body = held(() => source.get(id));
  });
  router.get('/:id/postmortem', async (ctx) => {
    const source = book();
    const { format } = postmortemQuery.parse(ctx.query);
    const id = parseParam('id', incidentId, ctx.params.id);
    held(() => source.get(id));
    if (format === 'md') {
      ctx.type = 'text/markdown; charset=utf-8';
      ctx.body = await source.postmortemMarkdown(id);
    } else {
      ctx.body = await source.postmortem(id);
    }
  });
  return router;
}
