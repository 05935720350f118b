import type { ChildProcess } from 'node:child_process';

/** Every child process a spec helper started, so an aborted run leaves no orphan behind. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Tracks `child` until it exits; anything still running when this process exits is SIGKILLed. */
export function killOnExit(child: ChildProcess): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const running of live) running.kill('SIGKILL');
    });
  }
  live.add(child);
  child.once('exit', () => live.delete(child));
}
