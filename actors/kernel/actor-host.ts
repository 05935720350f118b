import * as path from 'node:path';
import * as comedy from 'comedy';
import type { Actor, ActorRef, ActorSystem } from 'comedy';
import type { ChildProcess } from 'node:child_process';
import type { Clock } from './clock';
import { AskTimeoutError } from './errors';
import type { Logger } from './logger';

/** An actor placed in this process. */
export interface MemoryPlacement {
  readonly placement: 'memory';
  /** Removes the actor from comedy's tree. */
  destroy(): Promise<void>;
}

/** An actor placed in a child process of its own. */
export interface ForkedPlacement {
  readonly placement: 'forked';
  /** OS pid of the child process. */
  readonly pid: number | null;
  /** Request/response with a deadline on the kernel clock. */
  ask<TReply>(topic: string, payload: unknown, timeoutMs: number): Promise<TReply>;
  /** SIGKILL: the only way to stop a busy loop. */
  kill(): void;
  /** Graceful teardown; resolves even if the child is already gone. */
  destroy(): Promise<void>;
  /** Called once when the child process exits for any reason. */
  onExit(listener: (code: number | null, signal: string | null) => void): void;
}

/** Options of {@link ActorHost.create}. */
export interface ActorHostOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  /** pino level inside comedy and forked children. */
  readonly level?: string;
}

const FORKED_RUNNER = path.join(__dirname, 'forked-runner.ts');
const COMEDY_LOGGER = path.join(__dirname, 'comedy-logger.ts');

/**
 * The one door to comedy (ADR 0001): places actors in memory or in forked child processes. comedy's
 * own SIGINT/SIGTERM handlers (which `process.exit(0)`) are removed — graceful shutdown is ours —
 * its logs go through pino, forked actors are always loaded by module path (comedy serialises
 * inline classes with `toString()`, which breaks under tsx), and its `respawn` is never used: our
 * supervisors restart.
 */
export class ActorHost {
  private constructor(
    private readonly system: ActorSystem,
    private readonly root: Actor,
    private readonly options: ActorHostOptions,
  ) {}

  /** Starts a comedy actor system with a root actor. */
  static async create(options: ActorHostOptions): Promise<ActorHost> {
    const system = comedy.createSystem({
      config: {},
      logger: '/' + COMEDY_LOGGER,
      loggerParams: { level: options.level ?? 'warn' },
      // Forked children must compile TypeScript however this process was started (comedy reads
      // this from the system options, not per child, and requires it before anything else).
      additionalRequires: require.resolve('tsx/cjs'),
    });
    const handlers = system as unknown as { sigintHandler?: () => void; sigtermHandler?: () => void };
    if (handlers.sigintHandler) process.removeListener('SIGINT', handlers.sigintHandler);
    if (handlers.sigtermHandler) process.removeListener('SIGTERM', handlers.sigtermHandler);
    const root = await system.rootActor();
    return new ActorHost(system, root, options);
  }

  /** Places `definition` (an object with comedy's `initialize`/`destroy` hooks) in this process. */
  async spawnMemory(name: string, definition: object): Promise<MemoryPlacement> {
    const ref = await this.root.createChild(definition, { mode: 'in-memory', name });
    return { placement: 'memory', destroy: () => ignoreErrors(ref.destroy()) };
  }

  /** Starts the forked runner in a new child process, loading `params.module` there. */
  async spawnForked(name: string, params: Record<string, unknown>): Promise<ForkedPlacement> {
    const ref = await this.root.createChild('/' + FORKED_RUNNER, {
      mode: 'forked',
      name,
      customParameters: params,
    });
    return new ForkedActor(ref, this.options.clock, name);
  }

  /** Destroys every actor and the comedy system. */
  async close(): Promise<void> {
    await ignoreErrors(this.system.destroy());
  }
}

/** The parts of comedy's ForkedActorParent we must reach (comedy 2.1.7). */
interface ForkedActorInternals {
  workerProcess?: ChildProcess;
  timeoutWorkerInterval?: NodeJS.Timeout;
  exitHandler?: () => void;
}

class ForkedActor implements ForkedPlacement {
  readonly placement = 'forked' as const;
  private readonly process: ChildProcess | undefined;
  private exited = false;
  private exitListeners: ((code: number | null, signal: string | null) => void)[] = [];

  constructor(
    private readonly ref: ActorRef,
    private readonly clock: Clock,
    private readonly name: string,
  ) {
    // comedy keeps the child process on its ForkedActorParent, behind the client proxy.
    const parent = (ref as unknown as { actor?: ForkedActorInternals }).actor;
    this.process = parent?.workerProcess;
    this.process?.once('exit', (code, signal) => {
      this.exited = true;
      // comedy clears its per-actor response-timeout interval only when the child confirms a
      // destroy; a child that was killed or crashed never does, and the interval would keep the
      // process alive and leak one timer per restart.
      if (parent?.timeoutWorkerInterval !== undefined) clearInterval(parent.timeoutWorkerInterval);
      // Likewise its process 'exit' hook (to kill the child when we exit) is only removed by a
      // confirmed destroy: one more listener per restart otherwise.
      if (parent?.exitHandler) process.removeListener('exit', parent.exitHandler);
      for (const listener of this.exitListeners) listener(code, signal);
      this.exitListeners = [];
    });
  }

  get pid(): number | null {
    return this.process?.pid ?? null;
  }

  ask<TReply>(topic: string, payload: unknown, timeoutMs: number): Promise<TReply> {
    return new Promise<TReply>((resolve, reject) => {
      const timer = this.clock.setTimeout(
        () => reject(new AskTimeoutError(this.name, topic, timeoutMs)),
        timeoutMs,
      );
      this.ref.sendAndReceive(topic, payload).then(
        (reply: TReply) => {
          this.clock.clearTimeout(timer);
          resolve(reply);
        },
        (error: unknown) => {
          this.clock.clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  kill(): void {
    if (!this.exited) this.process?.kill('SIGKILL');
  }

  async destroy(): Promise<void> {
    if (this.exited) return;
    await ignoreErrors(this.ref.destroy());
    // comedy's forked worker keeps a parent-ping interval after its actor is destroyed, so the
    // process would linger (and hold our IPC channel open): it holds no state of ours, end it.
    if (!this.exited) {
      const gone = new Promise<void>((resolve) => this.onExit(() => resolve()));
      this.process?.kill('SIGKILL');
      await gone;
    }
  }

  onExit(listener: (code: number | null, signal: string | null) => void): void {
    if (this.exited) listener(this.process?.exitCode ?? null, this.process?.signalCode ?? null);
    else this.exitListeners.push(listener);
  }
}

async function ignoreErrors(promise: Promise<unknown>): Promise<void> {
  try {
    await promise;
  } catch {
    // A child that already died cannot be destroyed twice; its exit was reported already.
  }
}
