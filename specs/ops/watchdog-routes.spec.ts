import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import type { ExecutionContext } from 'ava';
import Koa from 'koa';
import { SIMULATION_EPOCH } from '../../actors/kernel/clock-virtual';
import { silentLogger } from '../../actors/kernel/logger';
import type { WatchdogSnapshot } from '../../actors/ops/watchdog-findings';
import { errorHandler } from '../../gateway/errors';
import type { OpsView } from '../../gateway/routes/ops';
import { OPS_NOT_KEPT, opsRoutes } from '../../gateway/routes/ops';
import { watchedSystem } from './watchdog-fixture';

const T0 = SIMULATION_EPOCH;

/** A tiny Koa app with the gateway's error middleware and the ops router, on a free port. */
async function serve(t: ExecutionContext, ops: OpsView | undefined): Promise<string> {
  const app = new Koa();
  app.use(errorHandler(silentLogger()));
  app.use(opsRoutes(ops).routes());
  const server = http.createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

test('GET /api/ops/watchdog serves the heartbeats per component, the asks in flight and the findings', async (t) => {
  const { runtime, clock, view } = await watchedSystem(t);
  const url = await serve(t, {
    uptime: () => {
      throw new Error('not asked');
    },
    watchdog: () => view.snapshot(),
  });
  await clock.advance(5_000);
  runtime.send('monitor', { type: 'sys.fault.hang' });
  runtime.ask('monitor', { type: 'ma.crossed', direction: 'up', t: 0 }, 30_000, 'ma').catch(() => {});
  await clock.advance(2_000);
  const response = await fetch(`${url}/api/ops/watchdog`);
  t.is(response.status, 200);
  const body = (await response.json()) as WatchdogSnapshot;
  t.is(body.now, T0 + 7_000);
  t.is(body.system, 'running');
  t.deepEqual(body.heartbeat, {
    intervalMs: 1_000,
    timeoutMs: 250,
    maxMissed: 2,
    running: true,
    failures: 0,
  });
  t.like(body.config, {
    everyMs: 1_000,
    hungAfterMs: 1_000,
    deadlockAfterMs: 1_000,
    unwatchedAfterMs: 5_000,
  });
  t.is(body.lastLookAt, T0 + 7_000);
  t.deepEqual(
    body.components.map((c) => [c.id, c.lifecycle, c.watched, c.missed, c.answeredAt, c.outstandingSince]),
    [
      ['feed', 'running', true, 0, T0 + 7_000, null],
      ['ma', 'running', true, 0, T0 + 7_000, null],
      ['worker', 'running', true, 0, T0 + 7_000, null],
      ['monitor', 'running', true, 1, T0 + 5_000, T0 + 6_000],
    ],
  );
  t.deepEqual(
    body.asks.map((a) => [a.from, a.to, a.event, a.since, a.ageMs, a.orphaned]),
    [['ma', 'monitor', 'ma.crossed', T0 + 5_000, 2_000, false]],
  );
  t.deepEqual(
    body.findings.map((f) => [f.kind, f.severity, f.components, f.since]),
    [['hung-component', 'critical', ['monitor'], T0 + 5_000]],
  );
  // The ask is older than the probe: at the look of 6 000 it had waited the 1 s that makes a hang.
  t.deepEqual(
    body.recorded.map((r) => [r.kind, r.recordedAs, r.ref, r.t, r.summary]),
    [
      [
        'hung-component',
        'incident',
        runtime.incidents('HUNG_COMPONENT')[0]?.id,
        T0 + 6_000,
        'monitor is hung: an ask pending for 1000 ms',
      ],
    ],
  );
});

test('GET /api/ops/watchdog is 404 where the view is not kept and 400 for a query it does not take', async (t) => {
  const bare = await serve(t, undefined);
  const missing = await fetch(`${bare}/api/ops/watchdog`);
  t.is(missing.status, 404);
  t.like(await missing.json(), { error: { message: OPS_NOT_KEPT, status: 404 } });
  const { view } = await watchedSystem(t);
  const url = await serve(t, { uptime: () => ({}) as never, watchdog: () => view.snapshot() });
  const bad = await fetch(`${url}/api/ops/watchdog?component=monitor`);
  t.is(bad.status, 400);
});
