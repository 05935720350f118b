import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import test from 'ava';
import type { ExecutionContext } from 'ava';
import Koa from 'koa';
import { silentLogger } from '../../actors/kernel/logger';
import type { StabilityGateResult } from '../../actors/ops/stability-gate-result';
import { GATE_EXIT, runGateCommand } from '../../bin/commands/gate';
import { UsageError } from '../../bin/usage';
import { errorHandler } from '../../gateway/errors';
import { GATES_NOT_KEPT, gateRoutes } from '../../gateway/routes/gates';
import type { GatesView } from '../../gateway/routes/gates';
import { DAY, gateProcess } from './stability-gate-fixture';

/** Serves `handler` on a free port of 127.0.0.1 until the test ends; resolves with its URL. */
async function serve(t: ExecutionContext, handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A tiny gateway: the house error middleware and the gate routes (createApp wires the same). */
function gatewayOf(t: ExecutionContext, gates?: GatesView): Promise<string> {
  const app = new Koa();
  app.use(errorHandler(silentLogger()));
  app.use(gateRoutes(gates).routes());
  return serve(t, app.callback());
}

async function get(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.json() };
}

/** Captures what the command prints. */
function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, output: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) } };
}

test('GET /api/gates/stability answers the gate judged now, criteria with evidence', async (t) => {
  const p = await gateProcess(t);
  await p.clock.advance(61 * DAY);
  const url = await gatewayOf(t, { stability: () => p.gate.evaluate() });
  const { status, body } = await get(`${url}/api/gates/stability`);
  t.is(status, 200);
  const result = body as StabilityGateResult;
  t.like(result, { gate: 'stability', instance: 'gate', state: 'ready_for_signoff', passed: false });
  t.deepEqual(Object.keys(result.criteria), [
    'continuousOperation',
    'stateIntegrity',
    'balanceEvents',
    'postmortems',
    'signOff',
  ]);
  t.like(result.criteria.continuousOperation, { met: true, evidence: { continuousMs: 61 * DAY } });
  t.like(result.criteria.signOff, { met: false, evidence: { signOff: null } });
});

test('GET /api/gates/stability answers 404 without a gate, 400 on a query parameter', async (t) => {
  const bare = await gatewayOf(t);
  t.deepEqual(await get(`${bare}/api/gates/stability`), {
    status: 404,
    body: { error: { status: 404, message: GATES_NOT_KEPT } },
  });
  const p = await gateProcess(t);
  const url = await gatewayOf(t, { stability: () => p.gate.evaluate() });
  const answer = await get(`${url}/api/gates/stability?windowMs=1`);
  t.is(answer.status, 400);
  t.like(answer.body, { error: { param: 'windowMs' } });
});

/** A canned answer as the instance would give it. */
async function canned(t: ExecutionContext, signed: boolean): Promise<StabilityGateResult> {
  const p = await gateProcess(t);
  await p.clock.advance(61 * DAY);
  return signed ? p.gate.signOff('alice', 'ok') : p.gate.evaluate();
}

function answering(t: ExecutionContext, status: number, body: unknown): Promise<string> {
  return serve(t, (req, res) => {
    t.is(req.url, '/api/gates/stability');
    res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  });
}

test('predator gate stability prints the table and exits 0 when passed, 1 when not', async (t) => {
  const passed = await answering(t, 200, await canned(t, true));
  let io = capture();
  t.is(await runGateCommand(['stability', '--url', `${passed}/`], io.output), GATE_EXIT.passed);
  const lines = (io.out[0] ?? '').split('\n');
  t.regex(lines[0] ?? '', /^stability gate: passed \(instance gate, 2026-03-03T00:00:00\.000Z\)$/);
  t.regex(lines[1] ?? '', /^criterion\s+met\s+evidence$/);
  t.regex(lines[2] ?? '', /^continuous operation\s+yes\s+61\.0 days since/);
  t.regex(lines[6] ?? '', /^operator sign-off\s+yes\s+signed by alice/);

  const ready = await answering(t, 200, await canned(t, false));
  io = capture();
  t.is(await runGateCommand(['stability', '--url', ready], io.output), GATE_EXIT.notPassed);
  t.regex(io.out[0] ?? '', /operator sign-off\s+NO\s+every criterion holds: awaiting/);
});

test('predator gate stability --json prints the answer as it came', async (t) => {
  const answer = await canned(t, false);
  const url = await answering(t, 200, answer);
  const io = capture();
  t.is(await runGateCommand(['stability', '--json', '--url', url], io.output), GATE_EXIT.notPassed);
  t.deepEqual(JSON.parse(io.out[0] ?? ''), JSON.parse(JSON.stringify(answer)));
});

test('predator gate finds the instance through gateway.json in the data directory', async (t) => {
  const url = await answering(t, 200, await canned(t, true));
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'predator-gate-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  await writeFile(path.join(dataDir, 'gateway.json'), JSON.stringify({ url, instance: 'gate', pid: 1 }));
  const io = capture();
  t.is(await runGateCommand(['stability', '--data-dir', dataDir], io.output), GATE_EXIT.passed);
  await t.throwsAsync(runGateCommand(['stability', '--data-dir', path.join(dataDir, 'none')], io.output), {
    instanceOf: UsageError,
    message: /no running instance found: .*gateway\.json is missing or unreadable/,
  });
});

test('predator gate exit codes: 4 unreachable, 1 on an error answer, usage errors thrown', async (t) => {
  let io = capture();
  // An instance that hangs up on every request is as unreachable as one not running.
  const unreachable = await serve(t, (req) => req.socket.destroy());
  t.is(await runGateCommand(['stability', '--url', unreachable], io.output), GATE_EXIT.unreachable);
  t.is(GATE_EXIT.unreachable, 4);
  t.regex(io.err[0] ?? '', /^predator gate: cannot reach http:\/\/127\.0\.0\.1:\d+: fetch failed/);

  const bare = await gatewayOf(t);
  io = capture();
  t.is(await runGateCommand(['stability', '--url', bare], io.output), GATE_EXIT.notPassed);
  t.is(io.err[0], `predator gate: ${bare} answered HTTP 404: ${GATES_NOT_KEPT}`);

  await t.throwsAsync(runGateCommand([], io.output), {
    instanceOf: UsageError,
    message: /a gate is required/,
  });
  await t.throwsAsync(runGateCommand(['release'], io.output), {
    instanceOf: UsageError,
    message: 'predator gate: unknown gate "release" (known: stability)',
  });
  await t.throwsAsync(runGateCommand(['stability', '--url', '127.0.0.1:8080'], io.output), {
    instanceOf: UsageError,
    message: '--url: expected an http URL such as http://127.0.0.1:8080, got "127.0.0.1:8080"',
  });
  await t.throwsAsync(runGateCommand(['stability', '--as', 'alice'], io.output), {
    instanceOf: UsageError,
    message: /Unknown option '--as'/,
  });
});
