import { spawn } from 'node:child_process';
import { killOnExit } from './orphans';
import * as path from 'node:path';
import type { ExecutionContext } from 'ava';

/** The repository root, so specs run `bin/predator.js` from wherever ava was started. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(REPO_ROOT, 'bin', 'predator.js');

/** How a `predator` process ended. */
export interface PredatorExit {
  /** Exit code, or null when a signal ended it. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running `predator` child process. */
export interface PredatorProcess {
  readonly pid: number;
  /** Everything written so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves once the process has exited (never rejects). */
  readonly exited: Promise<PredatorExit>;
  /** Whether the process has exited. */
  done(): boolean;
  /** Sends a signal, if the process is still there. */
  signal(sig: NodeJS.Signals): void;
  /** SIGKILL, resolves once it has exited. */
  kill(): Promise<PredatorExit>;
}

/**
 * Spawns `node bin/predator.js ...args` from the repository root. When `t` is given, the process
 * is SIGKILLed at teardown if it is still running, whatever the outcome of the test.
 *
 * Logs go to the child's stdout as pino JSON lines; `LOG_LEVEL` can be set through `env`.
 */
export function spawnPredator(
  args: readonly string[],
  options: { t?: ExecutionContext; env?: NodeJS.ProcessEnv } = {},
): PredatorProcess {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  // The parent's Redis or port must never leak into a child that a spec configures by flags.
  if (options.env?.REDIS_URL === undefined) delete env.REDIS_URL;
  if (options.env?.PORT === undefined) delete env.PORT;
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  killOnExit(child);
  let out = '';
  let err = '';
  let finished = false;
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<PredatorExit>((resolve) => {
    const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (finished) return;
      finished = true;
      resolve({ code, signal, stdout: out, stderr: err });
    };
    child.once('error', (error) => {
      err += `\nspawn failed: ${error.message}`;
      finish(null, null);
    });
    // 'close' rather than 'exit': it comes after stdout and stderr have been read to the end.
    child.once('close', (code, signal) => finish(code, signal));
  });
  const handle: PredatorProcess = {
    pid: child.pid ?? -1,
    stdout: () => out,
    stderr: () => err,
    exited,
    done: () => finished,
    signal: (sig) => {
      if (!finished) child.kill(sig);
    },
    kill: () => {
      if (!finished) child.kill('SIGKILL');
      return exited;
    },
  };
  options.t?.teardown(async () => {
    await handle.kill();
  });
  return handle;
}

/**
 * Runs `predator ...args` to its end and returns how it ended; SIGKILLs it and rejects if it has
 * not ended within `timeoutMs`.
 */
export async function runPredator(
  args: readonly string[],
  options: { t?: ExecutionContext; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<PredatorExit> {
  await acquireSlot();
  try {
    return await runToEnd(args, options);
  } finally {
    releaseSlot();
  }
}

/**
 * At most this many {@link runPredator} processes at once per test worker. Why: a spec file with
 * a table of cases would otherwise start them all together, and a dozen tsx start-ups competing
 * for the CPU make every deadline in them meaningless.
 */
const MAX_RUNNING = 4;
let running = 0;
const queue: (() => void)[] = [];

function acquireSlot(): Promise<void> {
  if (running < MAX_RUNNING) {
    running++;
    return Promise.resolve();
  }
  return new Promise((resolve) => queue.push(resolve));
}

function releaseSlot(): void {
  const next = queue.shift();
  if (next) next();
  else running--;
}

async function runToEnd(
  args: readonly string[],
  options: { t?: ExecutionContext; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<PredatorExit> {
  const proc = spawnPredator(args, options);
  const timeoutMs = options.timeoutMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const result = await Promise.race([proc.exited, deadline]);
  clearTimeout(timer);
  if (result === 'timeout') {
    const last = await proc.kill();
    throw new Error(
      `predator ${args.join(' ')} did not end within ${timeoutMs} ms\nstdout:\n${last.stdout}\nstderr:\n${last.stderr}`,
    );
  }
  return result;
}

/** The line `predator start` prints once the gateway listens. */
const RUNNING = /Predator running: dashboard and API on (http:\/\/\S+)/;

/**
 * Waits until a `predator start` process prints its `Predator running:` line and returns the URL
 * from it. Rejects with the process's output if it exits first or stays silent for `timeoutMs`.
 */
export async function waitForRunning(proc: PredatorProcess, timeoutMs = 30_000): Promise<string> {
  const intervalMs = 25;
  const attempts = Math.ceil(timeoutMs / intervalMs);
  for (let i = 0; i < attempts; i++) {
    const match = RUNNING.exec(proc.stdout());
    if (match) return match[1] as string;
    if (proc.done()) break;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  const how = proc.done() ? 'exited' : `printed nothing within ${timeoutMs} ms`;
  throw new Error(
    `predator start ${how} before "Predator running:"\nstdout:\n${proc.stdout()}\nstderr:\n${proc.stderr()}`,
  );
}

/** `predator emulator --venue binance --port 0` in its own process, SIGKILLed at teardown. */
export async function startEmulatorProcess(t: ExecutionContext, seed: number): Promise<string> {
  const child = spawn(
    process.execPath,
    [
      path.join(REPO_ROOT, 'bin', 'predator.js'),
      'emulator',
      '--venue',
      'binance',
      '--port',
      '0',
      '--seed',
      String(seed),
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } },
  );
  killOnExit(child);
  t.teardown(() => void child.kill('SIGKILL'));
  let out = '';
  return new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.on('exit', (code, signal) => reject(new Error(`emulator exited (${signal ?? code}): ${out}`)));
  });
}
