import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { killOnExit } from './orphans';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Options of {@link startRedisServer}. */
export interface RedisServerOptions {
  /**
   * AOF fsync policy. `always` (the default) acknowledges a write only after it is on disk, so a
   * SIGKILL loses nothing acknowledged; `everysec` is Redis's default, for comparison in benches.
   */
  readonly appendfsync?: 'always' | 'everysec' | 'no';
  /** How long to wait for the server to answer PING after each start; 10 s by default. */
  readonly startTimeoutMs?: number;
}

/** A real `redis-server` child process owned by one spec or bench. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>`, stable across {@link RedisServer.restart}. */
  readonly url: string;
  readonly port: number;
  /** The server's own temp `--dir`, where its AOF lives. */
  readonly dir: string;
  /** Whether the process is currently running. */
  running(): boolean;
  /** Graceful stop: SIGTERM, resolves once the process has exited. */
  stop(): Promise<void>;
  /** Crash: SIGKILL, resolves once the process has exited. */
  kill(): Promise<void>;
  /** Starts again on the same port and dir (after `stop` or `kill`); resolves once it answers PING. */
  restart(): Promise<void>;
  /** Freezes the process (SIGSTOP): the port still accepts connections but nothing answers. */
  freeze(): void;
  /** Lets a frozen process run again (SIGCONT). */
  thaw(): void;
  /** Kills the server if it is running and deletes its dir. */
  dispose(): Promise<void>;
}

/** Finds a free TCP port by letting the kernel pick one for a throwaway listener. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

/**
 * Polls `check` until it returns true, at most `attempts` times with `intervalMs` between tries.
 * Rejects naming `what` when it never does. Specs use this instead of sleeping a fixed time.
 */
export async function pollUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  options: { attempts?: number; intervalMs?: number } = {},
): Promise<void> {
  const attempts = options.attempts ?? 200;
  const intervalMs = options.intervalMs ?? 25;
  for (let i = 0; i < attempts; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`gave up waiting for ${what} after ${attempts} attempts`);
}

/** One raw RESP round trip: true when the server on `port` answers `+PONG`. */
function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

/**
 * Starts a real `redis-server` (from PATH) on a free port with its own temp dir, AOF on and RDB
 * snapshots off, so `kill` + `restart` on the same dir exercises real crash recovery.
 *
 * @example
 * ```ts
 * const redis = await startRedisServer();
 * t.teardown(() => redis.dispose());
 * const store = new RedisStore({ url: redis.url, instance: 'spec' });
 * ```
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'predator-redis-'));
  const startTimeoutMs = options.startTimeoutMs ?? 10_000;
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'yes',
    '--appendfsync',
    options.appendfsync ?? 'always',
    '--daemonize',
    'no',
    '--loglevel',
    'warning',
  ];

  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  /** Last lines of the server's output, quoted when it fails to start. */
  let tail = '';

  const launch = async (): Promise<void> => {
    const proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    killOnExit(proc);
    let exitCode: string | undefined;
    let spawnError: Error | undefined;
    const keepTail = (chunk: Buffer) => {
      tail = (tail + chunk.toString('utf8')).slice(-4000);
    };
    proc.stdout?.on('data', keepTail);
    proc.stderr?.on('data', keepTail);
    exited = new Promise((resolve) => {
      proc.once('error', (error) => {
        spawnError = error;
        resolve();
      });
      proc.once('exit', (code, signal) => {
        exitCode = signal ?? String(code);
        if (child === proc) child = undefined;
        resolve();
      });
    });
    const attempts = Math.max(1, Math.ceil(startTimeoutMs / 25));
    try {
      await pollUntil(
        `redis-server on port ${port} to answer PING`,
        async () => {
          if (spawnError !== undefined) throw spawnError;
          if (exitCode !== undefined) {
            throw new Error(`redis-server exited (${exitCode}) during start:\n${tail}`);
          }
          return pings(port);
        },
        { attempts, intervalMs: 25 },
      );
    } catch (error) {
      if (exitCode === undefined && spawnError === undefined) {
        proc.kill('SIGKILL');
        await exited;
      }
      throw error;
    }
  };

  const signal = async (sig: NodeJS.Signals): Promise<void> => {
    const proc = child;
    if (proc === undefined) return;
    proc.kill(sig);
    await exited;
  };

  try {
    await launch();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    running: () => child !== undefined,
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
    freeze: () => void child?.kill('SIGSTOP'),
    thaw: () => void child?.kill('SIGCONT'),
    restart: async () => {
      if (child !== undefined) throw new Error(`redis-server on port ${port} is still running`);
      await launch();
    },
    dispose: async () => {
      await signal('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
