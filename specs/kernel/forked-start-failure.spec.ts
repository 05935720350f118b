import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import test from 'ava';
import { silentLogger } from '../../actors/kernel/logger';
import { ComponentRegistry } from '../../actors/kernel/registry';
import { Runtime } from '../../actors/kernel/runtime';
import failing from './fixtures/failing-start-component';

/** Pids of this process's children, from `pgrep -P`. */
function childPids(): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(process.pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

test('a forked component that fails to start leaves no child process behind, and the boot halts', async (t) => {
  const registry = new ComponentRegistry().register(
    failing,
    path.join(__dirname, 'fixtures', 'failing-start-component.ts'),
  );
  const before = childPids();
  const runtime = await Runtime.start({
    config: {
      root: {
        type: 'supervisor',
        id: 'root',
        intensity: 0,
        children: [{ type: 'component', id: 'broken', kind: 'failing-start', placement: 'forked' }],
      },
    },
    registry,
    logger: silentLogger(),
  });
  t.teardown(() => runtime.stop());
  t.is(runtime.state, 'halted');
  t.regex(runtime.tree().haltReason ?? '', /boot failed: .*cannot build input/);
  const broken = runtime.tree().root.children[0];
  t.is(broken?.type === 'component' ? broken.lifecycle : undefined, 'faulted');
  t.deepEqual(
    childPids().filter((pid) => !before.includes(pid)),
    [],
  );
});
