import test from 'ava';
import type { ExecutionContext } from 'ava';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HealthView } from '../../actors/kernel/system-view';
import { fetchJson, startSubject } from './fixture';
import type { ErrorAnswer } from './fixture';

const INDEX = '<!doctype html><title>Predator</title><div id="app"></div>';

/** A built-dashboard look-alike in a temp dir, with a secret next to it that must stay out of reach. */
async function dashboardDir(t: ExecutionContext): Promise<string> {
  const base = await mkdtemp(join(tmpdir(), 'predator-gateway-'));
  t.teardown(() => rm(base, { recursive: true, force: true }));
  const dist = join(base, 'dist');
  await mkdir(join(dist, 'assets'), { recursive: true });
  await writeFile(join(dist, 'index.html'), INDEX);
  await writeFile(join(dist, 'assets', 'index-3f2a.js'), 'console.log("dashboard");');
  await writeFile(join(dist, 'assets', 'index-3f2a.css'), 'body { margin: 0 }');
  await writeFile(join(dist, 'assets', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  await writeFile(join(dist, '.env'), 'SECRET=dotfile');
  await writeFile(join(base, 'secret.txt'), 'SECRET=outside');
  await symlink(join(base, 'secret.txt'), join(dist, 'escape.txt'));
  return dist;
}

/** GET with the path sent exactly as written (fetch would normalise `..` away). */
function rawGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('the dashboard is served at / with the right content types', async (t) => {
  const { url } = await startSubject(t, { staticDir: await dashboardDir(t) });
  const cases: [string, RegExp, string | undefined][] = [
    ['/', /^text\/html/, INDEX],
    ['/index.html', /^text\/html/, INDEX],
    ['/assets/index-3f2a.js', /^(text|application)\/javascript/, 'console.log("dashboard");'],
    ['/assets/index-3f2a.css', /^text\/css/, 'body { margin: 0 }'],
    ['/assets/logo.svg', /^image\/svg\+xml/, undefined],
  ];
  for (const [path, type, body] of cases) {
    const response = await fetch(`${url}${path}`);
    t.is(response.status, 200, path);
    t.regex(response.headers.get('content-type') ?? '', type, path);
    const text = await response.text();
    if (body !== undefined) t.is(text, body, path);
  }
  const asset = await fetch(`${url}/assets/index-3f2a.js`);
  await asset.text();
  t.regex(asset.headers.get('cache-control') ?? '', /immutable/);
  const index = await fetch(`${url}/`);
  await index.text();
  t.is(index.headers.get('cache-control'), 'no-cache');
});

test('paths the dashboard routes in the browser fall back to index.html; missing files do not', async (t) => {
  const { url } = await startSubject(t, { staticDir: await dashboardDir(t) });
  for (const path of ['/overview', '/statecharts/feed', '/logs?actor=feed']) {
    const response = await fetch(`${url}${path}`);
    t.is(response.status, 200, path);
    t.is(await response.text(), INDEX, path);
  }
  const missing = await fetchJson<ErrorAnswer>(`${url}/assets/gone-1234.js`);
  t.is(missing.status, 404);
  t.is(missing.body.error.message, 'no file /assets/gone-1234.js');
});

test('nothing outside the dashboard directory is reachable', async (t) => {
  const { gateway } = await startSubject(t, { staticDir: await dashboardDir(t) });
  const attempts = [
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/..%5csecret.txt',
    '/escape.txt',
    '/.env',
    '/%2eenv',
    '/index.html%00.js',
  ];
  for (const path of attempts) {
    const { status, body } = await rawGet(gateway.port, path);
    t.true(status === 400 || status === 404, `${path} → ${status}`);
    t.notRegex(body, /SECRET/, path);
    t.regex(body, /^\{"error":/, path);
  }
});

test('without a built dashboard / answers 503 saying how to build it, and the API still works', async (t) => {
  const { url } = await startSubject(t, { staticDir: join(tmpdir(), 'predator-no-such-dashboard', 'dist') });
  for (const path of ['/', '/overview']) {
    const { status, body } = await fetchJson<ErrorAnswer>(`${url}${path}`);
    t.is(status, 503, path);
    t.regex(body.error.message, /npm run build:dashboard/);
  }
  const health = await fetchJson<HealthView>(`${url}/api/health`);
  t.is(health.status, 200);
});

test('HEAD on a dashboard file answers its headers without a body', async (t) => {
  const { url } = await startSubject(t, { staticDir: await dashboardDir(t) });
  const response = await fetch(`${url}/assets/index-3f2a.js`, { method: 'HEAD' });
  t.is(response.status, 200);
  t.is(response.headers.get('content-length'), String('console.log("dashboard");'.length));
  t.is(await response.text(), '');
});
