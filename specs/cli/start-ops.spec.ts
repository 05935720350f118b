import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import test from 'ava';
import type { WatchdogSnapshot } from '../../actors/ops/watchdog-findings';
import type { HealthView } from '../../actors/kernel/system-view';
import type { UptimeSnapshot } from '../../actors/ops/uptime-snapshot';
import type { IncidentsAnswer } from '../../gateway/routes/ops';
import type { StabilityGateResult } from '../../actors/ops/stability-gate-result';
import { runPredator, spawnPredator, waitForRunning } from '../helpers/predator-process';
import { startRedisServer } from '../helpers/redis-server';

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

test('a crash loop of real processes: the fifth start within ten minutes comes up HALTED with a BOOT_LOOP incident and its post-mortem draft; uptime counts every start and crash; the stability gate and the weekly report read the records; logs go to the rotated file', async (t) => {
  const redis = await startRedisServer();
  t.teardown(() => redis.dispose());
  const dir = mkdtempSync(path.join(tmpdir(), 'predator-ops-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const logDir = path.join(dir, 'logs');
  const args = ['start', '--redis', redis.url, '--port', '0', '--data-dir', path.join(dir, 'data')];
  const env = { LOG_LEVEL: 'info', PREDATOR_LOG_DIR: logDir };

  // Four runs killed as a crash would end them (pm2 restarts each at once).
  for (let run = 1; run <= 4; run++) {
    const proc = spawnPredator(args, { t, env });
    const url = await waitForRunning(proc);
    const uptime = await getJson<UptimeSnapshot>(`${url}/api/ops/uptime`);
    t.is(uptime.process.starts, run);
    t.is(uptime.process.crashes, run - 1);
    t.is(uptime.process.previousRun, run === 1 ? 'first' : 'crash');
    t.false(uptime.halted, `run ${run} trades`);
    proc.signal('SIGKILL');
    await proc.exited;
  }

  const fifth = spawnPredator(args, { t, env });
  const url = await waitForRunning(fifth);
  const health = await getJson<HealthView>(`${url}/api/health`);
  t.is(health.system, 'halted', 'the fifth start in a loop comes up halted instead of trading');
  const uptime = await getJson<UptimeSnapshot>(`${url}/api/ops/uptime`);
  t.is(uptime.process.starts, 5);
  t.is(uptime.process.crashes, 4);
  t.true(uptime.halted);
  t.is(uptime.unplannedHalts, 1);
  // The incident is a durable record, mitigated by the halt itself, with a post-mortem draft.
  const { incidents } = await getJson<IncidentsAnswer>(`${url}/api/incidents`);
  const loop = incidents.find((i) => i.kind === 'BOOT_LOOP');
  t.truthy(loop, JSON.stringify(incidents));
  t.is(loop?.state, 'mitigated');
  const markdown = await (await fetch(`${url}/api/incidents/${loop?.id}/postmortem?format=md`)).text();
  t.regex(markdown, /BOOT_LOOP/);
  t.is((await fetch(`${url}/api/incidents/999999`)).status, 404);
  t.is((await fetch(`${url}/api/incidents/x`)).status, 400);
  fifth.signal('SIGINT');
  t.is((await fifth.exited).code, 0);

  // pino's lines went to the rotating file, not stdout; the incident is among them.
  const files = readdirSync(logDir);
  t.true(files.includes('predator.log'), files.join(', '));
  const lines = files.flatMap((f) => readFileSync(path.join(logDir, f), 'utf8').split('\n').filter(Boolean));
  t.true(
    lines.some((l) => l.includes('"kind":"BOOT_LOOP"')),
    'the BOOT_LOOP incident is logged',
  );

  // A graceful stop and start is an operator's restart: the halt persists, the loop count does not grow.
  const sixth = spawnPredator(args, { t, env });
  const sixthUrl = await waitForRunning(sixth);
  const again = await getJson<UptimeSnapshot>(`${sixthUrl}/api/ops/uptime`);
  t.is(again.process.previousRun, 'clean');
  t.is(again.process.crashes, 4);
  const anomalies = await getJson<{ instance: string; anomalies: unknown[] }>(
    `${sixthUrl}/api/ops/anomalies?limit=5`,
  );
  t.true(Array.isArray(anomalies.anomalies), JSON.stringify(anomalies).slice(0, 300));
  // The watchdog view of the running instance: every component watched, nothing hung.
  const watchdog = await getJson<WatchdogSnapshot>(`${sixthUrl}/api/ops/watchdog`);
  t.true(watchdog.components.length > 10, String(watchdog.components.length));
  t.true(
    watchdog.components.filter((c) => c.lifecycle === 'running').every((c) => c.watched),
    JSON.stringify(watchdog.components.filter((c) => !c.watched)),
  );
  t.deepEqual(
    watchdog.findings.filter((f) => f.severity === 'critical'),
    [],
  );
  const bad = await fetch(`${sixthUrl}/api/ops/anomalies?severity=loud`);
  t.is(bad.status, 400);
  t.regex(await bad.text(), /severity/);
  // The stability gate, read by the CLI: a week-old instance with an unsigned incident has not passed.
  const gate = await runPredator(['gate', 'stability', '--json', '--url', sixthUrl], { t });
  t.is(gate.code, 1, gate.stderr);
  const verdict = JSON.parse(gate.stdout) as StabilityGateResult;
  t.false(verdict.passed);
  t.false(verdict.criteria.continuousOperation.met, 'minutes, not 60 days');
  t.false(verdict.criteria.postmortems.met, 'the BOOT_LOOP incident has no signed post-mortem');
  t.true(verdict.criteria.balanceEvents.met);
  const report = await runPredator(['report', '--url', sixthUrl], { t });
  t.is(report.code, 0, report.stderr);
  t.regex(report.stdout, /BOOT_LOOP|boot/i);
  const html = await fetch(`${sixthUrl}/api/reports/current?format=html`);
  t.is(html.status, 200);
  t.regex(await html.text(), /<svg/);
  sixth.signal('SIGINT');
  t.is((await sixth.exited).code, 0);
});
