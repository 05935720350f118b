import test from 'ava';
import { request } from 'node:http';
import { networkInterfaces } from 'node:os';
import type {
  HealthView,
  MachineGraph,
  SystemTreeView,
  ComponentView,
  SupervisorView,
} from '../../actors/kernel/system-view';
import { fetchJson, startSubject, withoutTime } from './fixture';
import type { ErrorAnswer } from './fixture';

function find(node: SupervisorView | ComponentView, id: string): SupervisorView | ComponentView | undefined {
  if (node.id === id) return node;
  if (node.type !== 'supervisor') return undefined;
  for (const child of node.children) {
    const hit = find(child, id);
    if (hit) return hit;
  }
  return undefined;
}

test('GET /api/health answers the runtime health', async (t) => {
  const { runtime, url } = await startSubject(t);
  const { status, headers, body } = await fetchJson<HealthView>(`${url}/api/health`);
  t.is(status, 200);
  t.regex(headers.get('content-type') ?? '', /^application\/json/);
  t.deepEqual(body, runtime.health());
  t.is(body.status, 'ok');
});

test('GET /api/system answers the runtime tree', async (t) => {
  const { runtime, url } = await startSubject(t);
  const { status, body } = await fetchJson<SystemTreeView>(`${url}/api/system`);
  t.is(status, 200);
  t.deepEqual(withoutTime(body), withoutTime(runtime.tree()));
  t.is(body.state, 'running');
});

test('a crashed component shows up restarted through /api/system and /api/journal', async (t) => {
  const { runtime, clock, url } = await startSubject(t);
  const before = (await fetchJson<SystemTreeView>(`${url}/api/system`)).body;
  const feedBefore = find(before.root, 'feed') as ComponentView;
  const marketBefore = find(before.root, 'market') as SupervisorView;
  const seqBefore = runtime.health().journalSeq;

  runtime.send('feed', { type: 'sys.fault.crash' });
  await clock.advance(1_000);

  const after = (await fetchJson<SystemTreeView>(`${url}/api/system`)).body;
  t.deepEqual(withoutTime(after), withoutTime(runtime.tree()));
  const feed = find(after.root, 'feed') as ComponentView;
  const market = find(after.root, 'market') as SupervisorView;
  t.is(feed.restarts, feedBefore.restarts + 1);
  t.is(feed.lifecycle, 'running');
  t.is(market.restarts, marketBefore.restarts + 1);

  const journal = await fetchJson<{ entries: { actor: string; machine: string; to: string }[] }>(
    `${url}/api/journal?actor=feed&since=${seqBefore}`,
  );
  const lifecycle = journal.body.entries.filter((e) => e.machine === 'lifecycle').map((e) => e.to);
  t.deepEqual(lifecycle.slice(0, 1), ['faulted']);
  t.is(lifecycle.at(-1), 'running');
});

test('GET /api/machines/:actor/graph answers the runtime graph of each machine', async (t) => {
  const { runtime, url } = await startSubject(t);
  const cases: [string, string, MachineGraph | undefined][] = [
    ['feed', '', runtime.graph('feed')],
    ['feed', '?machine=behaviour', runtime.graph('feed', 'behaviour')],
    ['feed', '?machine=lifecycle', runtime.graph('feed', 'lifecycle')],
    ['market', '', runtime.graph('market')],
    ['system', '', runtime.graph('system')],
  ];
  for (const [actor, query, expected] of cases) {
    const { status, body } = await fetchJson<MachineGraph>(`${url}/api/machines/${actor}/graph${query}`);
    t.is(status, 200, `${actor}${query}`);
    t.truthy(expected);
    t.deepEqual(body, expected, `${actor}${query}`);
  }
  const lifecycle = (await fetchJson<MachineGraph>(`${url}/api/machines/feed/graph?machine=lifecycle`)).body;
  t.true(lifecycle.active.length > 0);
});

test('an unknown actor is a 404 naming it', async (t) => {
  const { url } = await startSubject(t);
  const { status, body } = await fetchJson<ErrorAnswer>(`${url}/api/machines/ghost/graph`);
  t.is(status, 404);
  t.deepEqual(body, { error: { status: 404, message: 'no actor named ghost' } });
});

test('a bad actor id or machine is a 400 naming the parameter', async (t) => {
  const { url } = await startSubject(t);
  const badActor = await fetchJson<ErrorAnswer>(`${url}/api/machines/${encodeURIComponent('a b')}/graph`);
  t.is(badActor.status, 400);
  t.is(badActor.body.error.param, 'actor');
  const badMachine = await fetchJson<ErrorAnswer>(`${url}/api/machines/feed/graph?machine=hidden`);
  t.is(badMachine.status, 400);
  t.deepEqual(badMachine.body.error, {
    status: 400,
    message: 'machine: expected one of behaviour, lifecycle',
    param: 'machine',
  });
});

test('an unknown route under /api is a JSON 404', async (t) => {
  const { url } = await startSubject(t);
  const { status, body } = await fetchJson<ErrorAnswer>(`${url}/api/orders`);
  t.is(status, 404);
  t.deepEqual(body, { error: { status: 404, message: 'no route GET /api/orders' } });
});

test('every method but GET and HEAD is a 405 and changes nothing', async (t) => {
  const { runtime, url } = await startSubject(t);
  const before = runtime.health().journalSeq;
  for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
    for (const path of ['/api/health', '/api/journal', '/api/stream', '/api/machines/feed/graph', '/']) {
      const { status, headers, body } = await fetchJson<ErrorAnswer>(`${url}${path}`, { method });
      t.is(status, 405, `${method} ${path}`);
      t.is(headers.get('allow'), 'GET, HEAD');
      t.is(body.error.status, 405);
    }
  }
  t.is(runtime.health().journalSeq, before);
});

test('HEAD answers like GET without a body', async (t) => {
  const { url } = await startSubject(t);
  const response = await fetch(`${url}/api/health`, { method: 'HEAD' });
  t.is(response.status, 200);
  t.regex(response.headers.get('content-type') ?? '', /^application\/json/);
  t.is(await response.text(), '');
});

test('the gateway binds to 127.0.0.1 by default', async (t) => {
  const { gateway } = await startSubject(t);
  t.regex(gateway.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  t.is(gateway.url, `http://127.0.0.1:${gateway.port}`);
  const external = Object.values(networkInterfaces())
    .flat()
    .find((address) => address !== undefined && address.family === 'IPv4' && !address.internal);
  if (external === undefined) {
    t.log('no external IPv4 interface here; only the URL was checked');
    return;
  }
  const refused = await fetch(`http://${external.address}:${gateway.port}/api/health`).then(
    () => false,
    () => true,
  );
  t.true(refused, `reachable on ${external.address}`);
});

test('a request naming another host is refused (DNS rebinding)', async (t) => {
  const { gateway } = await startSubject(t);
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: gateway.port,
        path: '/api/health',
        headers: { Host: `attacker.example:${gateway.port}` },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end();
  });
  t.is(status, 403);
  const local = await fetch(`http://localhost:${gateway.port}/api/health`).catch(() => undefined);
  if (local) t.is(local.status, 200);
});

test('CORS is granted to pages on this machine only, never to everyone', async (t) => {
  const { url } = await startSubject(t);
  const local = await fetch(`${url}/api/health`, { headers: { Origin: 'http://localhost:5173' } });
  t.is(local.headers.get('access-control-allow-origin'), 'http://localhost:5173');
  const foreign = await fetch(`${url}/api/health`, { headers: { Origin: 'https://attacker.example' } });
  t.is(foreign.status, 200);
  t.is(foreign.headers.get('access-control-allow-origin'), null);
  const preflight = await fetch(`${url}/api/stream`, {
    method: 'OPTIONS',
    headers: {
      Origin: 'http://127.0.0.1:5173',
      'Access-Control-Request-Method': 'GET',
      'Access-Control-Request-Headers': 'last-event-id',
    },
  });
  t.is(preflight.status, 204);
  t.is(preflight.headers.get('access-control-allow-origin'), 'http://127.0.0.1:5173');
  t.is(preflight.headers.get('access-control-allow-methods'), 'GET,HEAD');
  const foreignPreflight = await fetch(`${url}/api/stream`, {
    method: 'OPTIONS',
    headers: { Origin: 'https://attacker.example', 'Access-Control-Request-Method': 'GET' },
  });
  t.is(foreignPreflight.status, 405);
});

test('answers carry no secrets and are not cached', async (t) => {
  const { url } = await startSubject(t);
  for (const path of ['/api/health', '/api/system', '/api/journal?limit=1000']) {
    const response = await fetch(`${url}${path}`);
    const text = await response.text();
    t.is(response.headers.get('cache-control'), 'no-store', path);
    t.is(response.headers.get('x-content-type-options'), 'nosniff', path);
    t.notRegex(text, /password|secret|apiKey|api_key|token|REDIS_URL/i, path);
  }
});
