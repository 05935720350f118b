import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import type { ExecutionContext } from 'ava';
import Koa from 'koa';
import { silentLogger } from '../../actors/kernel/logger';
import { buildWeeklyReport } from '../../actors/ops/long-run-report';
import type { WeeklyReport } from '../../actors/ops/report-data';
import { reportHtml } from '../../actors/ops/report-html';
import { reportMarkdown } from '../../actors/ops/report-markdown';
import { errorHandler } from '../../gateway/errors';
import type { ReportsView } from '../../gateway/routes/reports';
import { REPORTS_NOT_KEPT, reportRoutes } from '../../gateway/routes/reports';
import { scriptedWeek } from './report-fixture';

const STORED = buildWeeklyReport(scriptedWeek());
const CURRENT = buildWeeklyReport({
  ...scriptedWeek(),
  week: { week: '2026-W03', from: STORED.to, to: STORED.to + 7 * 86_400_000 },
  now: STORED.to + 3_600_000,
});

/** A view holding the scripted week's report, the current week being 2026-W03. */
function view(): ReportsView & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    currentWeek: () => '2026-W03',
    list: () => [
      { week: STORED.week, generatedAt: STORED.generatedAt, complete: true, headline: STORED.headline },
    ],
    report: (week: string): Promise<WeeklyReport | undefined> => {
      asked.push(week);
      return Promise.resolve(week === '2026-W02' ? STORED : week === '2026-W03' ? CURRENT : undefined);
    },
  };
}

/** A tiny Koa app with the gateway's error middleware and the reports router, on a free port. */
async function serve(t: ExecutionContext, reports: ReportsView | undefined): Promise<string> {
  const app = new Koa();
  app.use(errorHandler(silentLogger()));
  app.use(reportRoutes(reports).routes());
  const server = http.createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

test('GET /api/reports lists the stored reports with their headline figures and the current week', async (t) => {
  const url = await serve(t, view());
  const response = await fetch(`${url}/api/reports`);
  t.is(response.status, 200);
  const body = (await response.json()) as {
    currentWeek: string;
    reports: { week: string; headline: { incidents: number } }[];
  };
  t.is(body.currentWeek, '2026-W03');
  t.deepEqual(
    body.reports.map((r) => [r.week, r.headline.incidents]),
    [['2026-W02', 3]],
  );
});

test('GET /api/reports/:week answers JSON by default, Markdown and HTML on request', async (t) => {
  const url = await serve(t, view());
  const json = await fetch(`${url}/api/reports/2026-W02`);
  t.is(json.status, 200);
  t.deepEqual(await json.json(), JSON.parse(JSON.stringify(STORED)));
  const md = await fetch(`${url}/api/reports/2026-W02?format=md`);
  t.regex(md.headers.get('content-type') ?? '', /^text\/markdown; charset=utf-8/);
  t.is(await md.text(), reportMarkdown(STORED));
  const html = await fetch(`${url}/api/reports/2026-W02?format=html`);
  t.regex(html.headers.get('content-type') ?? '', /^text\/html; charset=utf-8/);
  t.is(await html.text(), reportHtml(STORED));
});

test("GET /api/reports/current is the instance's current week so far", async (t) => {
  const reports = view();
  const url = await serve(t, reports);
  const body = (await (await fetch(`${url}/api/reports/current`)).json()) as WeeklyReport;
  t.is(body.week, '2026-W03');
  t.false(body.complete);
  t.deepEqual(reports.asked, ['2026-W03']);
});

test('a bad week or format is a 400 naming the parameter; a week with no report a 404', async (t) => {
  const url = await serve(t, view());
  const bad = await fetch(`${url}/api/reports/2026-W54`);
  t.is(bad.status, 400);
  const badBody = (await bad.json()) as { error: { param: string; message: string } };
  t.is(badBody.error.param, 'week');
  t.regex(badBody.error.message, /^week: expected an ISO week YYYY-Www/);
  const format = (await (await fetch(`${url}/api/reports/2026-W02?format=pdf`)).json()) as {
    error: { param: string };
  };
  t.is(format.error.param, 'format');
  const unknown = (await (await fetch(`${url}/api/reports?week=1`)).json()) as { error: { param: string } };
  t.is(unknown.error.param, 'week');
  const missing = await fetch(`${url}/api/reports/2025-W40`);
  t.is(missing.status, 404);
  t.is(
    ((await missing.json()) as { error: { message: string } }).error.message,
    'no report is kept for 2025-W40',
  );
  const future = (await (await fetch(`${url}/api/reports/2026-W09`)).json()) as {
    error: { message: string };
  };
  t.is(future.error.message, '2026-W09 has not begun (the current week is 2026-W03)');
});

test('an instance without reports answers 404 on every report route', async (t) => {
  const url = await serve(t, undefined);
  for (const path of ['/api/reports', '/api/reports/2026-W02']) {
    const response = await fetch(`${url}${path}`);
    t.is(response.status, 404);
    t.is(((await response.json()) as { error: { message: string } }).error.message, REPORTS_NOT_KEPT);
  }
});
