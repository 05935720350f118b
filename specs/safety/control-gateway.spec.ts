import test from 'ava';
import type { ExecutionContext } from 'ava';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { silentLogger } from '../../actors/kernel/logger';
import type { AuditEntry, ControlAnswer } from '../../actors/safety/control-plane';
import { defaultTradingConfig } from '../../actors/trading/trading-config';
import type { SimVenue } from '../../actors/venues/sim-venue';
import { startControl } from '../../bin/commands/start-control';
import { startGateway } from '../../gateway';
import { parseTradingConfig } from '../../actors/trading/trading-config';
import { spawnPredator, waitForRunning } from '../helpers/predator-process';
import { simulatedTrading } from '../helpers/trading';

const MINUTE = 60_000;

async function tempDir(t: { teardown(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'predator-control-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A trading instance on the virtual clock with its control plane behind a real gateway. */
async function controlled(t: ExecutionContext) {
  const dataDir = await tempDir(t);
  const config = defaultTradingConfig('live');
  const sim = await simulatedTrading(config);
  const control = await startControl({
    dataDir,
    runtime: sim.runtime,
    store: sim.store,
    services: sim.trading.services,
    config: parseTradingConfig(config),
  });
  const gateway = await startGateway({
    view: sim.runtime,
    clock: sim.clock,
    logger: silentLogger(),
    port: 0,
    trading: sim.trading.readModel,
    control,
  });
  t.teardown(async () => {
    await gateway.close();
    await sim.stop();
  });
  const post = async (route: string, body: unknown, token = control.token) => {
    const response = await fetch(`${gateway.url}/api/control${route}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as ControlAnswer & { error?: unknown } };
  };
  const audit = async (): Promise<AuditEntry[]> => control.audit.list();
  return { sim, control, gateway, post, audit, dataDir };
}

test('halt through the gateway: confirmed once, every engine stops sending exposure-increasing orders, open orders cancelled', async (t) => {
  const { sim, post, audit } = await controlled(t);
  await sim.clock.advance(5 * MINUTE);
  const venue = sim.trading.services.venue('sim') as SimVenue;
  t.true(venue.engine.openOrders().length > 0, 'the makers quote before the halt');

  const asked = await post('', { command: 'halt', args: ['test', 'halt'] });
  t.is(asked.status, 202);
  t.is(asked.body.status, 'confirm');
  t.is(sim.trading.services.kills.list().length, 0, 'nothing happens before the confirmation');
  const nonce = (asked.body as { nonce: string }).nonce;
  const done = await post('/confirm', { nonce });
  t.is(done.status, 200, JSON.stringify(done.body));
  // A nonce works once: the same confirmation again is refused.
  const replay = await post('/confirm', { nonce });
  t.is(replay.status, 409);
  t.is((replay.body as { reason: string }).reason, 'NONCE_REPLAYED');
  for (const [engine, strategy] of [
    ['maker', 'mm-btc'],
    ['maker', 'mm-sol'],
    ['trend', 'trend-btc'],
  ] as const)
    t.is(sim.trading.services.kills.restriction(engine, strategy), 'HALTED');
  const haltedAt = sim.clock.now();
  await sim.clock.advance(5_000);
  t.is(venue.engine.openOrders().length, 0, 'every open order was cancelled');
  await sim.clock.advance(10 * MINUTE);
  t.is(
    venue.ledger().orders.filter((o) => o.createdAt > haltedAt).length,
    0,
    'nothing was sent after the halt',
  );
  t.is(sim.runtime.component('trading')?.view().state, 'HALTED', 'the global trading state shows it');

  const resume = await post('', { command: 'resume', args: [] });
  t.is(resume.status, 202);
  const resumed = await post('/confirm', { nonce: (resume.body as { nonce: string }).nonce });
  t.is(resumed.status, 200);
  await sim.clock.advance(MINUTE);
  t.is(sim.runtime.component('trading')?.view().state, 'ACTIVE');
  t.true(
    venue.ledger().orders.some((o) => o.createdAt > sim.clock.now() - MINUTE),
    'trading resumed',
  );

  const trail = await audit();
  t.deepEqual(
    trail.map((e) => `${e.phase} ${e.command} ${e.outcome}${e.reason ? ` ${e.reason}` : ''}`),
    [
      'request halt test halt confirm',
      `confirm halt test halt done`,
      `confirm halt test halt refused NONCE_REPLAYED`,
      'request resume confirm',
      'confirm resume done',
    ],
  );
});

test('the gateway refuses and audits a missing or wrong token, an expired nonce, an unknown target and bad bodies', async (t) => {
  const { sim, gateway, post, audit } = await controlled(t);
  const none = await fetch(`${gateway.url}/api/control`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ command: 'halt', args: [] }),
  });
  t.is(none.status, 401);
  const wrong = await post('', { command: 'kill_all', args: [] }, 'f'.repeat(64));
  t.is(wrong.status, 401);
  t.is(sim.trading.services.kills.list().length, 0);

  const unknown = await post('', { command: 'kill_engine', args: ['nope'] });
  t.is(unknown.status, 400);
  t.regex((unknown.body as { message: string }).message, /no engine named "nope"; engines: maker, trend/);

  const bad = await post('', { command: 'kill_engine', args: ['maker', 'nuke'] });
  t.is(bad.status, 400);
  t.regex((bad.body as { message: string }).message, /nuke/);

  const notJson = await fetch(`${gateway.url}/api/control`, {
    method: 'POST',
    headers: { Authorization: 'Bearer x', 'Content-Type': 'application/json' },
    body: '{',
  });
  t.is(notJson.status, 400);

  const asked = await post('', { command: 'kill_engine', args: ['maker'] });
  await sim.clock.advance(2 * MINUTE);
  const late = await post('/confirm', { nonce: (asked.body as { nonce: string }).nonce });
  t.is(late.status, 409);
  t.is((late.body as { reason: string }).reason, 'NONCE_EXPIRED');
  t.is(sim.trading.services.kills.list().length, 0, 'nothing was killed');

  const chaos = await post('', { command: 'chaos', args: ['start'] });
  t.is(chaos.status, 400);
  t.regex(
    (chaos.body as { message: string }).message,
    /chaos runs in shadow mode only: maker, trend trade live/,
  );

  const put = await fetch(`${gateway.url}/api/control`, { method: 'PUT' });
  t.is(put.status, 405, 'only POST opens under /api/control');
  const elsewhere = await fetch(`${gateway.url}/api/system`, { method: 'POST' });
  t.is(elsewhere.status, 405, 'the rest of the API stays read-only');

  const outcomes = (await audit()).map((e) => `${e.identity.id} ${e.outcome} ${e.reason ?? ''}`.trim());
  t.deepEqual(outcomes, [
    'unauthenticated refused UNAUTHENTICATED',
    'unauthenticated refused UNAUTHENTICATED',
    'local-admin refused INVALID_TARGET',
    'local-admin refused INVALID_COMMAND',
    'local-admin confirm',
    'local-admin refused NONCE_EXPIRED',
    'local-admin refused INVALID_TARGET',
  ]);
});

test('predator ctl drives a running instance with the admin token it wrote (mode 0600)', async (t) => {
  const dataDir = await tempDir(t);
  const env = { NODE_OPTIONS: '', LOG_LEVEL: 'warn' };
  const proc = spawnPredator(['start', '--port', '0', '--data-dir', dataDir], { t, env });
  await waitForRunning(proc);
  const mode = (await stat(path.join(dataDir, 'admin.token'))).mode & 0o777;
  t.is(mode, 0o600);
  const ctl = async (...args: string[]) => {
    const run = spawnPredator(['ctl', ...args, '--data-dir', dataDir, '--as', 'alice'], { t, env });
    return run.exited;
  };
  const unconfirmed = await ctl('kill_engine', 'maker');
  t.is(unconfirmed.code, 3, unconfirmed.stderr);
  t.regex(unconfirmed.stdout, /predator ctl confirm [0-9a-f]{32}/);
  const killed = await ctl('kill_engine', 'maker', 'cancel', '--yes');
  t.is(killed.code, 0, killed.stderr + killed.stdout);
  const status = await ctl('status', '--json');
  t.is(status.code, 0, status.stderr);
  const answer = JSON.parse(status.stdout) as { result: { kills: { scope: { id: string }; by: string }[] } };
  t.deepEqual(
    answer.result.kills.map((k) => `${k.scope.id} ${k.by}`),
    ['maker local-admin:alice'],
  );
  const chaos = await ctl('chaos', 'start', '--yes', '--json');
  t.is(chaos.code, 0, chaos.stdout);
  t.true(
    (JSON.parse(chaos.stdout) as { result: { running: boolean } }).result.running,
    'a shadow instance may run chaos',
  );
  const calm = await ctl('chaos', 'stop', '--yes');
  t.is(calm.code, 0, calm.stdout);
  const typo = await ctl('kil_engine', 'maker');
  t.is(typo.code, 3);
  t.regex(typo.stdout, /unknown command "kil_engine"/);
  const trail = await ctl('audit');
  t.is(trail.code, 0);
  t.regex(trail.stdout, /local-admin:alice\/admin\/cli confirm "kill_engine maker cancel" → done/);
  t.regex(await readFile(path.join(dataDir, 'gateway.json'), 'utf8'), /http:\/\/127\.0\.0\.1:\d+/);
  proc.signal('SIGINT');
  t.is((await proc.exited).code, 0);
});
