import { supervisorMachine } from '../../machines/supervisor.machine';
import type { SupervisorCommand, SupervisorContext } from '../../machines/supervisor.machine';
import type { BackoffConfig, ExitReason } from '../../machines/supervisor.policy';
import type { ChildActor, ExitListener, KernelServices, ShutdownSpec } from './child';
import type { TimerHandle } from './clock';
import { ActorNotFoundError } from './errors';
import { JournaledActor } from './journaled-actor';
import { Mailbox } from './mailbox';
import type { RestartType, SupervisorStrategy, SupervisorView } from './system-view';

/** A supervisor as declared in the system config. */
export interface SupervisorSpec {
  readonly id: string;
  readonly strategy: SupervisorStrategy;
  readonly intensity: number;
  readonly periodMs: number;
  readonly restart: RestartType;
  readonly shutdown: ShutdownSpec;
  readonly backoff: BackoffConfig | null;
}

type Done = (error?: unknown) => void;

type Work =
  | { readonly kind: 'start'; readonly done: Done }
  | { readonly kind: 'stop'; readonly done: Done }
  | {
      readonly kind: 'exit';
      readonly child: ChildActor;
      readonly reason: ExitReason;
      readonly detail: string;
      /** When the child exited, not when the exit was handled. */
      readonly t: number;
    }
  | { readonly kind: 'restartDue'; readonly token: number; readonly start: readonly string[] }
  | { readonly kind: 'add'; readonly child: ChildActor; readonly done: Done }
  | { readonly kind: 'terminate'; readonly child: string; readonly done: Done }
  | { readonly kind: 'delete'; readonly child: string; readonly done: Done };

/**
 * Carries out what the supervisor machine decides. Every piece of work — start, stop, a child's
 * exit, a dynamic child — goes through one serial mailbox, so a restart is never interleaved with
 * another decision, as in an OTP supervisor process. A restart with backoff does not block the
 * mailbox: the delayed start is a timer that posts new work, so a stop or another exit is handled
 * meanwhile (OTP's `try_again_restart`).
 */
export class SupervisorActor implements ChildActor {
  readonly id: string;
  readonly restart: RestartType;
  readonly shutdown: ShutdownSpec;
  readonly machine: JournaledActor<SupervisorCommand>;
  private children: ChildActor[];
  private readonly mailbox: Mailbox<Work>;
  private exitListener: ExitListener = () => {};
  private live = false;
  private totalRestarts = 0;
  private starts = 0;
  /** Delayed restarts waiting for their backoff timer. */
  private readonly delayed = new Map<number, TimerHandle>();
  private nextToken = 0;
  /** Times this supervisor gave up (exceeded its intensity). */
  escalations = 0;

  constructor(
    readonly spec: SupervisorSpec,
    private readonly specChildren: readonly ChildActor[],
    private readonly kernel: KernelServices,
  ) {
    this.id = spec.id;
    this.restart = spec.restart;
    this.shutdown = spec.shutdown;
    this.children = [...specChildren];
    this.machine = new JournaledActor<SupervisorCommand>(
      supervisorMachine,
      spec.id,
      kernel.journal,
      kernel.clock,
      {
        policy: {
          strategy: spec.strategy,
          intensity: spec.intensity,
          periodMs: spec.periodMs,
          backoff: spec.backoff,
        },
        children: specChildren.map((c) => ({ id: c.id, restart: c.restart })),
        rngState: Math.floor(kernel.rng.stream(`supervisor:${spec.id}`).next() * 2 ** 32),
      },
    );
    for (const child of this.children) this.adopt(child);
    this.mailbox = new Mailbox<Work>(
      (work) => this.work(work),
      (error) => kernel.logger.error({ err: error, supervisor: this.id }, 'supervisor work failed'),
    );
  }

  get running(): boolean {
    return this.live;
  }

  /** Restarts carried out since the process started. */
  get restarts(): number {
    return this.totalRestarts;
  }

  onExit(listener: ExitListener): void {
    this.exitListener = listener;
  }

  /** Starts children in order; if one fails, the started ones are stopped and this rejects. */
  start(): Promise<void> {
    return this.request((done) => ({ kind: 'start', done }));
  }

  /** Stops children in reverse order, each per its shutdown spec. */
  stop(): Promise<void> {
    return this.request((done) => ({ kind: 'stop', done }));
  }

  /**
   * Adds and starts a dynamic child (OTP `start_child`). A child that cannot start is not kept.
   * Dynamic children do not outlive a restart of this supervisor: like OTP, it restarts from its spec.
   */
  startChild(child: ChildActor): Promise<void> {
    return this.request((done) => ({ kind: 'add', child, done }));
  }

  /** Stops a child and keeps its spec, unless it is temporary (OTP `terminate_child`). */
  terminateChild(id: string): Promise<void> {
    return this.request((done) => ({ kind: 'terminate', child: id, done }));
  }

  /** Removes a stopped child's spec (OTP `delete_child`). */
  deleteChild(id: string): Promise<void> {
    return this.request((done) => ({ kind: 'delete', child: id, done }));
  }

  /** Children in start order. */
  childList(): readonly ChildActor[] {
    return this.children;
  }

  componentIds(): string[] {
    return this.children.flatMap((c) => c.componentIds());
  }

  view(): SupervisorView {
    const context = this.machine.context as SupervisorContext;
    const windowStart = this.kernel.clock.now() - this.spec.periodMs;
    return {
      type: 'supervisor',
      id: this.id,
      strategy: this.spec.strategy,
      restart: this.restart,
      intensity: this.spec.intensity,
      periodMs: this.spec.periodMs,
      state: this.machine.state,
      restarts: this.totalRestarts,
      recentRestarts: context.restartTimes.filter((t) => t >= windowStart).length,
      selfRestarts: Math.max(0, this.starts - 1),
      children: this.children.map((c) => c.view()),
    };
  }

  private request(make: (done: Done) => Work): Promise<void> {
    return new Promise((resolve, reject) =>
      this.mailbox.post(make((error) => (error === undefined ? resolve() : reject(error)))),
    );
  }

  private adopt(child: ChildActor): void {
    child.onExit((reason, detail) =>
      this.mailbox.post({ kind: 'exit', child, reason, detail, t: this.kernel.clock.now() }),
    );
  }

  private async work(work: Work): Promise<void> {
    switch (work.kind) {
      case 'start':
        return this.doStart().then(() => work.done(), work.done);
      case 'stop':
        await this.doStop();
        return work.done();
      case 'exit':
        return this.doExit(work.child, work.reason, work.detail, work.t);
      case 'restartDue':
        return this.doDelayedStart(work.token, work.start);
      case 'add':
        return this.doAdd(work.child).then(() => work.done(), work.done);
      case 'terminate': {
        const child = this.find(work.child);
        if (!child) return work.done(new ActorNotFoundError(work.child));
        await child.stop();
        if (child.restart === 'temporary') this.forget(child.id);
        return work.done();
      }
      case 'delete': {
        const child = this.find(work.child);
        if (!child) return work.done(new ActorNotFoundError(work.child));
        if (child.running) return work.done(new Error(`child ${work.child} is running; terminate it first`));
        this.forget(child.id);
        return work.done();
      }
    }
  }

  private async doStart(): Promise<void> {
    if (this.live) return;
    if (this.machine.state === 'stopped' || this.machine.state === 'failed') {
      // A restarted supervisor comes back with the children of its spec, as OTP re-runs init.
      this.children = [...this.specChildren];
      this.machine.send({ type: 'sys.start' });
    }
    const started: ChildActor[] = [];
    for (const child of this.children) {
      try {
        await child.start();
        started.push(child);
      } catch (error) {
        for (const done of started.reverse()) await done.stop();
        this.machine.send({ type: 'sys.start.failed', reason: String(error) });
        throw error;
      }
    }
    this.live = true;
    this.starts++;
    this.machine.send({ type: 'sys.children.started' });
  }

  private async doStop(): Promise<void> {
    this.cancelDelayed();
    if (!this.live && this.machine.state !== 'starting') return;
    this.machine.send({ type: 'sys.stop' });
    for (const child of [...this.children].reverse()) await child.stop();
    this.live = false;
    this.machine.send({ type: 'sys.stopped' });
  }

  private async doAdd(child: ChildActor): Promise<void> {
    if (this.find(child.id)) throw new Error(`child ${child.id} already exists`);
    this.children.push(child);
    this.adopt(child);
    this.machine.send({ type: 'sys.child.added', child: { id: child.id, restart: child.restart } });
    if (!this.live) return;
    try {
      await child.start();
    } catch (error) {
      this.forget(child.id);
      throw error;
    }
  }

  private async doExit(child: ChildActor, reason: ExitReason, detail: string, t: number): Promise<void> {
    // Not ours any more, or already brought back by a restart that took it down (OTP flushes the
    // EXIT of a child it terminates): this exit is stale.
    if (!this.live || this.find(child.id) !== child || child.running) return;
    this.kernel.logger.info({ supervisor: this.id, child: child.id, reason, detail }, 'child exited');
    const commands = this.machine.send({ type: 'sys.child.exited', child: child.id, reason, t });
    for (const command of commands) await this.carryOut(command);
  }

  private async carryOut(command: SupervisorCommand): Promise<void> {
    switch (command.type) {
      case 'remove':
        this.children = this.children.filter((c) => c.id !== command.child);
        await this.kernel.store.deleteActor(command.child).catch(() => {});
        return;
      case 'giveUp': {
        this.escalations++;
        this.kernel.logger.error(
          { supervisor: this.id, child: command.child, restarts: command.restarts },
          'restart intensity exceeded; stopping all children and escalating',
        );
        this.cancelDelayed();
        for (const child of [...this.children].reverse()) await child.stop();
        this.live = false;
        this.exitListener('shutdown', `${this.id} reached max restart intensity`);
        return;
      }
      case 'restart': {
        for (const id of command.stop) await this.find(id)?.stop();
        this.children = this.children.filter((c) => !command.remove.includes(c.id));
        this.totalRestarts++;
        if (command.delayMs > 0) {
          const token = ++this.nextToken;
          const start = command.start;
          this.delayed.set(
            token,
            this.kernel.clock.setTimeout(
              () => this.mailbox.post({ kind: 'restartDue', token, start }),
              command.delayMs,
            ),
          );
          return;
        }
        await this.startAll(command.start);
        return;
      }
    }
  }

  private async doDelayedStart(token: number, ids: readonly string[]): Promise<void> {
    if (!this.delayed.delete(token) || !this.live) return;
    await this.startAll(ids);
  }

  /** Starts children in order; one that cannot start counts as one more crash of it. */
  private async startAll(ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      const child = this.find(id);
      if (!child || child.running) continue;
      try {
        await child.start();
      } catch (error) {
        if (this.delayed.size === 0) this.machine.send({ type: 'sys.restart.done' });
        await this.doExit(child, 'crash', `restart failed: ${String(error)}`, this.kernel.clock.now());
        return;
      }
    }
    if (this.delayed.size === 0) this.machine.send({ type: 'sys.restart.done' });
  }

  private cancelDelayed(): void {
    for (const timer of this.delayed.values()) this.kernel.clock.clearTimeout(timer);
    this.delayed.clear();
  }

  private find(id: string): ChildActor | undefined {
    return this.children.find((c) => c.id === id);
  }

  private forget(id: string): void {
    this.children = this.children.filter((c) => c.id !== id);
    this.machine.send({ type: 'sys.child.deleted', child: id });
  }
}
