import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { REPORT_EXIT, runReportCommand } from '../../bin/commands/report';
import type { ReportOutput } from '../../bin/commands/report';
import { UsageError } from '../../bin/usage';

/** A tiny gateway: `/api/reports/2026-W02` and `current` in each format, a 404 otherwise; it records what was asked. */
async function gateway(
  t: ExecutionContext,
): Promise<{ url: string; asked: string[]; close: () => Promise<void> }> {
  const asked: string[] = [];
  const server = http.createServer((req, res) => {
    asked.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://localhost');
    const known = url.pathname === '/api/reports/2026-W02' || url.pathname === '/api/reports/current';
    if (!known) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { status: 404, message: 'no report is kept for 2025-W40' } }));
      return;
    }
    const format = url.searchParams.get('format');
    res.writeHead(200, { 'Content-Type': format === 'html' ? 'text/html' : 'text/markdown' });
    res.end(
      format === 'html'
        ? '<!DOCTYPE html><svg></svg>\n'
        : format === 'json'
          ? '{"week":"2026-W02"}'
          : '# Weekly report 2026-W02\n',
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = (): Promise<void> => new Promise<void>((resolve) => server.close(() => resolve()));
  t.teardown(() => (server.listening ? close() : undefined));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, asked, close };
}

function capture(): ReportOutput & { out: string; err: string } {
  const o = {
    out: '',
    err: '',
    stdout: (text: string) => {
      o.out += text;
    },
    stderr: (text: string) => {
      o.err += text;
    },
  };
  return o;
}

test('prints the week asked for, as Markdown by default, from --url', async (t) => {
  const { url, asked } = await gateway(t);
  const io = capture();
  t.is(await runReportCommand(['--week', '2026-W02', '--url', `${url}/`], io), REPORT_EXIT.done);
  t.is(io.out, '# Weekly report 2026-W02\n');
  t.deepEqual(asked, ['/api/reports/2026-W02?format=md']);
});

test('without --week asks the instance for its current week; --format html prints the page', async (t) => {
  const { url, asked } = await gateway(t);
  const io = capture();
  t.is(await runReportCommand(['--format', 'html', '--url', url], io), REPORT_EXIT.done);
  t.is(io.out, '<!DOCTYPE html><svg></svg>\n');
  t.deepEqual(asked, ['/api/reports/current?format=html']);
  const json = capture();
  t.is(await runReportCommand(['--format', 'json', '--url', url], json), REPORT_EXIT.done);
  t.is(json.out, '{"week":"2026-W02"}\n');
});

test('finds the gateway as predator ctl does: gateway.json in the data directory', async (t) => {
  const { url } = await gateway(t);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'predator-report-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(path.join(dir, 'gateway.json'), JSON.stringify({ url, instance: 'spec', pid: 1 }));
  const io = capture();
  t.is(await runReportCommand(['--week', '2026-W02', '--data-dir', dir], io), REPORT_EXIT.done);
  t.is(io.out, '# Weekly report 2026-W02\n');
  const empty = await mkdtemp(path.join(os.tmpdir(), 'predator-report-'));
  t.teardown(() => rm(empty, { recursive: true, force: true }));
  await t.throwsAsync(runReportCommand(['--data-dir', empty], capture()), {
    instanceOf: UsageError,
    message: /no running instance found: .*gateway\.json is missing.*or pass --url/,
  });
});

test('a bad --week or --format is a usage error (exit 2) naming the flag; nothing is fetched', async (t) => {
  const { url, asked } = await gateway(t);
  for (const week of ['2026-W54', '2026-13', 'last', '2027-W53']) {
    await t.throwsAsync(runReportCommand(['--week', week, '--url', url], capture()), {
      instanceOf: UsageError,
      message: new RegExp(`^--week: expected an ISO week YYYY-Www.*got "${week}"$`),
    });
  }
  await t.throwsAsync(runReportCommand(['--format', 'pdf', '--url', url], capture()), {
    instanceOf: UsageError,
    message: '--format: expected one of md, html, json, got "pdf"',
  });
  await t.throwsAsync(runReportCommand(['--weeks', '2026-W02'], capture()), { instanceOf: UsageError });
  t.deepEqual(asked, []);
  t.is(REPORT_EXIT.usage, 2);
});

test('a week the instance has no report for exits 1 with its message; an unreachable instance 4', async (t) => {
  const { url, close } = await gateway(t);
  const io = capture();
  t.is(await runReportCommand(['--week', '2025-W40', '--url', url], io), REPORT_EXIT.failed);
  t.is(io.err, 'predator report: no report is kept for 2025-W40\n');
  t.is(io.out, '');
  await close();
  const gone = capture();
  t.is(await runReportCommand(['--url', url], gone), REPORT_EXIT.unreachable);
  t.regex(gone.err, new RegExp(`^predator report: cannot reach ${url}: `));
});
