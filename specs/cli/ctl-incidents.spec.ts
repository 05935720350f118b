import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import test from 'ava';
import type { StabilityGateResult } from '../../actors/ops/stability-gate-result';
import type { IncidentView } from '../../actors/ops/incident-view';
import type { IncidentLine } from '../../actors/safety/ops-control';
import { runPredator, spawnPredator, waitForRunning } from '../helpers/predator-process';
import { startRedisServer } from '../helpers/redis-server';

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

test('predator ctl takes a real incident from the list to a signed post-mortem the stability gate counts; sign-off and bad input are refused', async (t) => {
  // Why: two starts and a dozen `predator ctl` processes, each a tsx start-up; on a loaded machine
  // that outlasts ava's inactivity timeout.
  t.timeout(5 * 60_000);
  const redis = await startRedisServer();
  t.teardown(() => redis.dispose());
  const dir = mkdtempSync(path.join(tmpdir(), 'predator-ctl-incidents-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const dataDir = path.join(dir, 'data');
  const args = ['start', '--redis', redis.url, '--port', '0', '--data-dir', dataDir];
  // A boot loop of two starts: the second comes up HALTED with a BOOT_LOOP incident to work on.
  const env = { NODE_OPTIONS: '', LOG_LEVEL: 'warn', PREDATOR_BOOT_LOOP_STARTS: '2' };
  const first = spawnPredator(args, { t, env });
  await waitForRunning(first);
  await first.kill();
  const second = spawnPredator(args, { t, env });
  const url = await waitForRunning(second);
  const ctl = (...words: string[]) =>
    runPredator(['ctl', ...words, '--data-dir', dataDir, '--as', 'alice'], { t, env });

  const listed = await ctl('incidents', '--json');
  t.is(listed.code, 0, listed.stderr + listed.stdout);
  const lines = (JSON.parse(listed.stdout) as { result: { incidents: IncidentLine[] } }).result.incidents;
  const loop = lines.find((l) => l.kind === 'BOOT_LOOP');
  t.truthy(loop, listed.stdout);
  const id = String(loop?.id);

  const shown = await ctl('postmortem', id);
  t.is(shown.code, 0, shown.stderr);
  t.regex(shown.stdout, /\n#.*BOOT_LOOP/, 'the Markdown is printed as text');

  const resolved = await ctl('resolve_incident', id, 'fixed', 'the', 'cause', '--yes');
  t.is(resolved.code, 0, resolved.stdout);
  for (const [field, ...text] of [
    ['rootCause', 'killed', 'by', 'the', 'spec'],
    ['actions', 'came', 'up', 'HALTED'],
    ['followUp', 'none'],
  ] as [string, ...string[]][]) {
    const written = await ctl('complete_postmortem', id, field, ...text, '--yes');
    t.is(written.code, 0, written.stdout);
  }
  const signed = await ctl('sign_postmortem', id, '--yes', '--json');
  t.is(signed.code, 0, signed.stdout);
  t.like(JSON.parse(signed.stdout), {
    status: 'done',
    result: { incident: { state: 'postmortem_written' }, signature: { by: 'local-admin:alice' } },
  });
  const incident = await getJson<IncidentView>(`${url}/api/incidents/${id}`);
  t.like(incident, { state: 'postmortem_written', resolution: { by: 'local-admin:alice' } });
  const gate = await getJson<StabilityGateResult>(`${url}/api/gates/stability`);
  t.true(gate.criteria.postmortems.met, gate.criteria.postmortems.detail);

  const signoff = await ctl('signoff_gate', 'too', 'early', '--yes');
  t.is(signoff.code, 3);
  t.regex(
    signoff.stdout,
    /refused \(INVALID_TARGET\): the stability gate is not ready for sign-off: continuousOperation/,
  );
  const badField = await ctl('complete_postmortem', id, 'cause', 'x');
  t.is(badField.code, 3);
  t.regex(badField.stdout, /refused \(INVALID_COMMAND\): complete_postmortem: bad field "cause"/);

  const trail = await ctl('audit');
  t.regex(trail.stdout, new RegExp(`local-admin:alice/admin/cli confirm "sign_postmortem ${id}" → done`));
  second.signal('SIGINT');
  t.is((await second.exited).code, 0);
});
