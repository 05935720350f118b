import Router from '@koa/router';
import { ISO_WEEK_EXPECTED, parseIsoWeek } from '../../actors/ops/iso-week';
import type { WeeklyReport } from '../../actors/ops/report-data';
import { reportHtml } from '../../actors/ops/report-html';
import { reportMarkdown } from '../../actors/ops/report-markdown';
import type { ReportListing } from '../../actors/ops/report-store';
import { BadParameterError, NotFoundError } from '../errors';
import { QueryParser, choiceParam } from '../params';

/** Answer of a report route on an instance that makes no weekly reports. */
export const REPORTS_NOT_KEPT = 'this instance makes no weekly reports';

/** The week alias a client uses when it does not know the instance's clock. */
export const CURRENT_WEEK = 'current';

/** The weekly reports as the gateway reads them; the `LongRunReporter` is one. */
export interface ReportsView {
  /** The stored reports, newest week first. */
  list(): readonly ReportListing[];
  /** The ISO week the instance's clock is in. */
  currentWeek(): string;
  /** A stored week's report, or the current week's so far; undefined when there is none. */
  report(week: string): Promise<WeeklyReport | undefined>;
}

/** Answer of `GET /api/reports`. */
export interface ReportsAnswer {
  /** The instance's current ISO week (what `GET /api/reports/current` answers). */
  readonly currentWeek: string;
  readonly reports: readonly ReportListing[];
}

const noQuery = new QueryParser({});
const formatQuery = new QueryParser({ format: choiceParam(['json', 'md', 'html']).default('json') });

/**
 * The weekly long-run reports under `/api/reports`, read-only; without a {@link ReportsView} each
 * answers 404 {@link REPORTS_NOT_KEPT}.
 *
 * - `GET /api/reports` → {@link ReportsAnswer}: the stored reports with their headline figures
 * - `GET /api/reports/:week?format=json|md|html` → the week's report (`2026-W02`, or `current` for
 *   the week so far, made on the spot), as JSON, Markdown or a self-contained HTML page; 400 for a
 *   week that is no ISO week, 404 for one with no report
 */
export function reportRoutes(reports: ReportsView | undefined): Router {
  const router = new Router({ prefix: '/api/reports' });
  const view = (): ReportsView => {
    if (reports === undefined) throw new NotFoundError(REPORTS_NOT_KEPT);
    return reports;
  };
  router.get('/', (ctx) => {
    const source = view();
    noQuery.parse(ctx.query);
    const body: ReportsAnswer = { currentWeek: source.currentWeek(), reports: source.list() };
    ctx.body = body;
  });
  router.get('/:week', async (ctx) => {
    const source = view();
    const { format } = formatQuery.parse(ctx.query);
    const asked = ctx.params.week ?? '';
    const week = asked === CURRENT_WEEK ? source.currentWeek() : asked;
    if (parseIsoWeek(week) === undefined)
      throw new BadParameterError('week', `${ISO_WEEK_EXPECTED}, or ${CURRENT_WEEK}`);
    const report = await source.report(week);
    if (report === undefined)
      throw new NotFoundError(
        week > source.currentWeek()
          ? `${week} has not begun (the current week is ${source.currentWeek()})`
          : `no report is kept for ${week}`,
      );
    if (format === 'md') {
      ctx.type = 'text/markdown; charset=utf-8';
      ctx.body = reportMarkdown(report);
    } else if (format === 'html') {
      ctx.type = 'text/html; charset=utf-8';
      ctx.body = reportHtml(report);
    } else {
      ctx.body = report;
    }
  });
  return router;
}
