import test from 'ava';
import type { SystemTreeView } from '../../actors/kernel/system-view';
import { spawnPredator, waitForRunning } from '../helpers/predator-process';
import { componentsOf } from '../helpers/sample-tree';

test('predator start runs the default tree with its forked worker, and SIGINT stops it cleanly', async (t) => {
  // Started as a user would: plain node, no TypeScript loader inherited from the test runner.
  const proc = spawnPredator(['start', '--port', '0'], { t, env: { NODE_OPTIONS: '', LOG_LEVEL: 'warn' } });
  const url = await waitForRunning(proc);
  const tree = (await (await fetch(`${url}/api/system`)).json()) as SystemTreeView;
  t.is(tree.state, 'running');
  const worker = componentsOf(tree).find((c) => c.id === 'worker');
  t.is(worker?.placement, 'forked');
  t.is(worker?.lifecycle, 'running');
  t.true(typeof worker?.pid === 'number' && worker.pid !== proc.pid);
  t.deepEqual(
    componentsOf(tree).map((c) => c.lifecycle),
    ['running', 'running', 'running', 'running'],
  );
  proc.signal('SIGINT');
  const exit = await proc.exited;
  t.is(exit.code, 0);
  t.notRegex(exit.stdout, /component crashed/);
  let workerGone = false;
  try {
    process.kill(worker?.pid as number, 0);
  } catch {
    workerGone = true;
  }
  t.true(workerGone, 'the forked worker process ended with the runtime');
});
