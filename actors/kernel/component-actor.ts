import type { AnyEventObject } from 'xstate';
import { lifecycleMachine } from '../../machines/lifecycle.machine';
import type { LifecycleContext } from '../../machines/lifecycle.machine';
import type { ExitReason } from '../../machines/supervisor.policy';
import type { MemoryPlacement, ForkedPlacement } from './actor-host';
import { BehaviourRunner } from './behaviour-runner';
import type { BehaviourStart, StepResult } from './behaviour-runner';
import type { ChildActor, ExitListener, KernelServices, ShutdownSpec } from './child';
import type { TimerHandle } from './clock';
import type { ComponentDefinition, ComponentEffects, EffectEnv } from './component';
import { VOLATILE_SNAPSHOT_FACTOR } from './component';
import type { ForkedStep } from './forked-runner';
import { ActorNotFoundError, AskTimeoutError } from './errors';
import { JournaledActor } from './journaled-actor';
import { Mailbox } from './mailbox';
import { EXTERNAL_ASKER } from './pending-asks';
import { SnapshotKeeper } from './snapshot-keeper';
import type { Logger } from './logger';
import type { ComponentView, Placement, RestartType } from './system-view';

/** A component as declared in the system config, resolved against the registry. */
export interface ComponentSpec {
  readonly id: string;
  readonly kind: string;
  readonly placement: Placement;
  readonly restart: RestartType;
  readonly shutdown: ShutdownSpec;
  readonly subscribe: readonly string[];
  readonly config: unknown;
  readonly definition: ComponentDefinition;
  /** Absolute module path of the definition, for forked placement. */
  readonly module: string;
}

/** Messages held for a component that has not started yet; beyond this they are dead letters. */
const EARLY_LIMIT = 10_000;

type Message =
  | { readonly kind: 'event'; readonly event: AnyEventObject; readonly reply?: (reply: AskReply) => void }
  | { readonly kind: 'probe'; readonly answer: () => void };

/** What an `ask` resolves with: the component's state once it has handled the event. */
export interface AskReply {
  readonly state: string;
  /** The machine accepts no event of this type; it was journaled as a dead letter. */
  readonly deadLetter: boolean;
}

/** One life of a component: from a start to its exit or stop. */
interface Incarnation {
  readonly mailbox: Mailbox<Message>;
  readonly placement: MemoryPlacement | ForkedPlacement;
  readonly runner: BehaviourRunner | null;
  /** The I/O side, for kinds that have one (memory placement only). */
  effects: ComponentEffects | null;
  /** Commands held until `effects.start` has run (those of the first step); null once it has. */
  held: AnyEventObject[] | null;
  /** `effects.stop` as called, once. */
  released: Promise<void> | null;
  readonly timers: Map<string, { at: number; handle: TimerHandle }>;
  /** The deadlines object last armed (identity: XState keeps it when context.deadlines is untouched). */
  deadlines: Readonly<Record<string, number>> | null;
  unwatch: () => void;
  ended: boolean;
  /** A stop was requested: the end of the process is expected. */
  stopping: boolean;
  state: string;
  summary: Record<string, unknown>;
}

/**
 * Hosts one component: its lifecycle machine, its behaviour machine (in this process or forked),
 * its serial mailbox, its deadlines and its snapshot. Failures never cross this boundary as
 * exceptions: they end the incarnation and are reported to the supervisor as an exit.
 */
export class ComponentActor implements ChildActor {
  readonly id: string;
  readonly restart: RestartType;
  readonly shutdown: ShutdownSpec;
  private readonly lifecycle: JournaledActor;
  private incarnation: Incarnation | null = null;
  private exitListener: ExitListener = () => {};
  private starts = 0;
  private startedAt: number | null = null;
  private readonly seed: number;
  private readonly snapshots: SnapshotKeeper;
  private readonly volatileEvents: ReadonlySet<string>;
  private readonly effectLogger: Logger;
  /** Why the component is degraded now; empty when it is not. */
  private readonly degradeReasons = new Set<string>();
  /** Messages that arrived before the first incarnation was up. */
  private early: AnyEventObject[] = [];

  constructor(
    readonly spec: ComponentSpec,
    private readonly kernel: KernelServices,
  ) {
    this.id = spec.id;
    this.restart = spec.restart;
    this.shutdown = spec.shutdown;
    this.seed = Math.floor(kernel.rng.stream(`component:${spec.id}`).next() * 2 ** 32);
    this.lifecycle = new JournaledActor(lifecycleMachine, spec.id, kernel.journal, kernel.clock);
    this.effectLogger = kernel.logger.child({ actor: spec.id });
    this.snapshots = new SnapshotKeeper(
      spec.id,
      kernel.store,
      kernel.clock,
      kernel.snapshotIntervalMs,
      kernel.logger,
      kernel.snapshotIntervalMs * VOLATILE_SNAPSHOT_FACTOR,
    );
    this.volatileEvents = new Set(spec.definition.volatileEvents ?? []);
  }

  get running(): boolean {
    return this.incarnation !== null && !this.incarnation.ended;
  }

  /** The behaviour machine's state (dotted) while an incarnation is live; undefined otherwise. */
  get behaviourState(): string | undefined {
    const incarnation = this.incarnation;
    return incarnation && !incarnation.ended ? incarnation.state : undefined;
  }

  /** Lifecycle state (dotted). */
  get lifecycleState(): string {
    return this.lifecycle.state;
  }

  /** The lifecycle machine (for graphs). */
  get lifecycleMachine(): JournaledActor {
    return this.lifecycle;
  }

  onExit(listener: ExitListener): void {
    this.exitListener = listener;
  }

  componentIds(): string[] {
    return [this.id];
  }

  async start(): Promise<void> {
    if (this.running) return;
    // Placement goes through comedy, which resolves on its own scheduler across event-loop turns:
    // a simulation must not move time on until the component is up.
    const release = this.kernel.clock.hold();
    try {
      await this.startIncarnation();
    } finally {
      release();
    }
  }

  private async startIncarnation(): Promise<void> {
    if (this.lifecycle.state === 'stopped' || this.lifecycle.state === 'faulted') {
      this.lifecycle.send({ type: 'sys.reset' });
    }
    this.lifecycle.send({ type: 'sys.start' });
    try {
      const snapshot = await this.snapshots.load();
      const start: BehaviourStart = {
        id: this.id,
        config: this.spec.config,
        seed: this.seed,
        now: this.kernel.clock.now(),
        ...(snapshot === undefined ? {} : { snapshot }),
      };
      const incarnation =
        this.spec.placement === 'forked' ? await this.startForked(start) : await this.startMemory(start);
      this.incarnation = incarnation;
      if (incarnation.effects?.start) await incarnation.effects.start();
      this.starts++;
      this.startedAt = this.kernel.clock.now();
      this.lifecycle.send({ type: 'sys.started' });
      this.degradeReasons.clear();
      this.degradedBy('store down', this.kernel.store.status() === 'down');
      this.degradedBy(this.behaviourReason(incarnation.state), this.inDegradedState(incarnation.state));
      incarnation.unwatch = this.kernel.watchdog.watch({
        id: this.id,
        probe: (answer) => incarnation.mailbox.post({ kind: 'probe', answer }),
        failed: (missed) => this.fail(incarnation, `missed ${missed} heartbeats`),
      });
      // Last: one of these may end the incarnation at once (a crash), which must find it complete.
      const held = incarnation.held ?? [];
      incarnation.held = null;
      for (const command of held) if (!incarnation.ended) this.runEffect(incarnation, command);
      const early = this.early;
      this.early = [];
      for (const event of early) incarnation.mailbox.post({ kind: 'event', event });
    } catch (error) {
      const failed = this.incarnation;
      if (failed && !failed.ended) this.end(failed);
      const reason = error instanceof Error ? error.message : String(error);
      for (const event of this.early) this.kernel.deadLetter(this.id, '', event.type);
      this.early = [];
      this.lifecycle.send({ type: 'sys.fault', reason });
      throw error;
    }
  }

  async stop(): Promise<void> {
    const incarnation = this.incarnation;
    if (!incarnation || incarnation.ended) return;
    this.lifecycle.send({ type: 'sys.stop' });
    // From here the process ending is the stop we asked for, not a crash.
    incarnation.stopping = true;
    const graceful = this.graceful(incarnation);
    const finished =
      this.shutdown === 'brutal_kill'
        ? false
        : this.shutdown === 'infinity'
          ? await graceful.then(() => true)
          : await raceDeadline(graceful, this.kernel.clock, this.shutdown);
    if (!finished) this.kill(incarnation);
    this.end(incarnation);
    await this.snapshots.flush();
    this.lifecycle.send({ type: 'sys.stopped' });
  }

  /** Delivers an event to the component's mailbox, or journals it as a dead letter. */
  deliver(event: AnyEventObject): void {
    const incarnation = this.incarnation;
    if (incarnation && !incarnation.ended && incarnation.mailbox.post({ kind: 'event', event })) return;
    // Not started yet (the tree is booting, or a sibling started first): hold it for the mailbox.
    const state = this.lifecycle.state;
    if ((state === 'ready' || state === 'starting') && this.early.length < EARLY_LIMIT) {
      this.early.push(event);
      return;
    }
    this.kernel.deadLetter(this.id, incarnation?.state ?? '', event.type);
  }

  /**
   * Request/response through the mailbox: resolves once the component has handled `event`, with
   * its state; rejects with `AskTimeoutError` if no answer comes within `timeoutMs` on the clock
   * (a hung component), or `ActorNotFoundError` if it is not running. While it waits it is in the
   * kernel's `PendingAsks`, `from` (a component id, or `external`) waiting on this component.
   */
  ask(event: AnyEventObject, timeoutMs: number, from: string = EXTERNAL_ASKER): Promise<AskReply> {
    return new Promise((resolve, reject) => {
      const incarnation = this.incarnation;
      const { clock, asks } = this.kernel;
      // Before the post: an idle mailbox answers inside it.
      const pending = asks.add(from, this.id, event.type, clock.now(), timeoutMs);
      const timer = clock.setTimeout(() => {
        asks.settle(pending);
        reject(new AskTimeoutError(this.id, event.type, timeoutMs));
      }, timeoutMs);
      const reply = (answer: AskReply): void => {
        clock.clearTimeout(timer);
        asks.settle(pending);
        resolve(answer);
      };
      if (!incarnation || incarnation.ended || !incarnation.mailbox.post({ kind: 'event', event, reply })) {
        clock.clearTimeout(timer);
        asks.settle(pending);
        this.kernel.deadLetter(this.id, '', event.type);
        reject(new ActorNotFoundError(this.id));
      }
    });
  }

  /** Store availability changed: degrade or recover, without touching the behaviour. */
  storeStatus(up: boolean): void {
    if (!this.running) return;
    this.degradedBy('store down', !up);
    if (up) this.snapshots.storeReturned();
  }

  /**
   * Sets or clears one reason for being degraded: the lifecycle is `degraded` while any reason
   * holds (the store down, a behaviour state in `degradedIn`), `running` once none does.
   */
  private degradedBy(reason: string, holds: boolean): void {
    if (holds) this.degradeReasons.add(reason);
    else this.degradeReasons.delete(reason);
    const state = this.lifecycle.state;
    const first = this.degradeReasons.values().next();
    if (!first.done && (state === 'running' || state === 'degraded') && (state === 'running' || holds))
      this.lifecycle.send({ type: 'sys.degraded', reason: first.value });
    if (first.done && state === 'degraded') this.lifecycle.send({ type: 'sys.recovered' });
  }

  view(): ComponentView {
    const incarnation = this.incarnation;
    const live = incarnation !== null && !incarnation.ended;
    const now = this.kernel.clock.now();
    return {
      type: 'component',
      id: this.id,
      kind: this.spec.kind,
      placement: this.spec.placement,
      restart: this.restart,
      lifecycle: this.lifecycle.state,
      reason: (this.lifecycle.context as LifecycleContext).reason,
      machine: this.spec.definition.machine.id,
      state: live ? incarnation.state : '',
      restarts: Math.max(0, this.starts - 1),
      startedAt: live ? this.startedAt : null,
      uptimeMs: live && this.startedAt !== null ? now - this.startedAt : 0,
      missedHeartbeats: this.kernel.watchdog.missed(this.id),
      pid: live && incarnation.placement.placement === 'forked' ? incarnation.placement.pid : null,
      summary: live ? this.summary(incarnation) : {},
    };
  }

  private summary(incarnation: Incarnation): Record<string, unknown> {
    const own = incarnation.runner ? incarnation.runner.summary() : incarnation.summary;
    const extra = incarnation.effects?.summary?.();
    return extra ? { ...own, ...extra } : own;
  }

  private async startMemory(start: BehaviourStart): Promise<Incarnation> {
    const runner = new BehaviourRunner(this.spec.definition, start, this.kernel.clock);
    const placement = await this.kernel.host.spawnMemory(this.id, { initialize() {}, destroy() {} });
    const first = runner.start();
    if (first.status === 'error') {
      // The machine failed while starting (e.g. its context could not be built): the start failed.
      runner.stop();
      void placement.destroy();
      throw new Error(first.error ?? 'behaviour failed to start');
    }
    const incarnation = this.newIncarnation(placement, runner);
    const build = this.spec.definition.effects;
    if (build) {
      incarnation.effects = build(this.effectEnv(incarnation));
      incarnation.held = [];
    }
    this.apply(incarnation, first, undefined);
    return incarnation;
  }

  private effectEnv(incarnation: Incarnation): EffectEnv {
    const { kernel, id } = this;
    return {
      id,
      config: this.spec.config,
      clock: kernel.clock,
      // Bound to the component: its lines name it, and the log rate limit budgets it on its own.
      logger: this.effectLogger,
      services: kernel.services,
      state: () => incarnation.state,
      send: (event) => {
        if (incarnation.ended) return;
        if (!incarnation.mailbox.post({ kind: 'event', event }))
          kernel.deadLetter(id, incarnation.state, event.type);
      },
      // An ended incarnation's late I/O completions must not act in the name of the next one.
      tell: (actor, event) => {
        if (!incarnation.ended) kernel.tell(actor, event);
      },
      ask: (actor, event, timeoutMs = 5_000) =>
        incarnation.ended
          ? Promise.reject(new ActorNotFoundError(id))
          : kernel.ask(id, actor, event, timeoutMs),
      stateOf: (actor) => kernel.stateOf(actor),
      publish: (topic, event) => {
        if (!incarnation.ended) kernel.publish(topic, event);
      },
      record: (transition) => {
        if (!incarnation.ended) kernel.journal.record({ t: kernel.clock.now(), ...transition });
      },
      incident: (kind, detail, data) => {
        if (!incarnation.ended) kernel.incident(id, kind, detail, data);
      },
    };
  }

  private async startForked(start: BehaviourStart): Promise<Incarnation> {
    const placement = await this.kernel.host.spawnForked(this.id, { module: this.spec.module });
    const incarnation = this.newIncarnation(placement, null);
    placement.onExit((code, signal) => {
      if (!incarnation.ended && !incarnation.stopping) {
        this.fail(incarnation, `process exited (${signal ?? `code ${code}`})`);
      }
    });
    let first: ForkedStep;
    try {
      first = await placement.ask<ForkedStep>('start', start, this.kernel.stepTimeoutMs);
    } catch (error) {
      // The child never became this component: it must not outlive the failed start.
      incarnation.ended = true;
      placement.kill();
      await placement.destroy();
      throw error;
    }
    incarnation.summary = first.summary;
    this.apply(incarnation, first.result, first.snapshot);
    return incarnation;
  }

  private newIncarnation(
    placement: MemoryPlacement | ForkedPlacement,
    runner: BehaviourRunner | null,
  ): Incarnation {
    const incarnation: Incarnation = {
      placement,
      runner,
      effects: null,
      held: null,
      released: null,
      timers: new Map(),
      deadlines: null,
      unwatch: () => {},
      ended: false,
      stopping: false,
      state: '',
      summary: {},
      mailbox: new Mailbox<Message>(
        (message) => this.handle(incarnation, message),
        (error) => {
          if (!incarnation.ended)
            this.fail(incarnation, error instanceof Error ? error.message : String(error));
        },
      ),
    };
    return incarnation;
  }

  private handle(incarnation: Incarnation, message: Message): void | Promise<void> {
    if (incarnation.ended) return;
    if (message.kind === 'probe') {
      if (incarnation.placement.placement === 'memory') return message.answer();
      return incarnation.placement
        .ask<string>('ping', null, this.kernel.watchdog.config.timeoutMs)
        .then(message.answer, () => {});
    }
    const event = message.event;
    if (event.type === 'sys.fault.crash') return this.injectCrash(incarnation);
    if (event.type === 'sys.fault.hang') return this.injectHang(incarnation);
    if (incarnation.runner) {
      // Events for the I/O side (books for an engine, answers of its own calls) skip the machine.
      if (incarnation.effects?.handle && !incarnation.runner.accepts(event.type))
        return this.offer(incarnation, event, message.reply);
      const result = incarnation.runner.step(event);
      if (!result.deadLetter) this.apply(incarnation, result, undefined, event.type);
      else if (incarnation.effects?.handle) return this.offer(incarnation, event, message.reply);
      else this.kernel.deadLetter(this.id, incarnation.state, event.type);
      message.reply?.({ state: incarnation.state, deadLetter: result.deadLetter });
      return;
    }
    const forked = incarnation.placement as ForkedPlacement;
    return forked.ask<ForkedStep>('step', event, this.kernel.stepTimeoutMs).then((step) => {
      incarnation.summary = step.summary;
      if (step.result.deadLetter) this.kernel.deadLetter(this.id, incarnation.state, event.type);
      else this.apply(incarnation, step.result, step.snapshot, event.type);
      message.reply?.({ state: incarnation.state, deadLetter: step.result.deadLetter });
    });
  }

  private apply(
    incarnation: Incarnation,
    result: StepResult,
    forkedSnapshot: unknown,
    eventType?: string,
  ): void {
    if (incarnation.ended) return;
    const { clock, journal } = this.kernel;
    const machine = this.spec.definition.machine.id;
    for (const transition of result.transitions) {
      journal.record({ t: clock.now(), actor: this.id, machine, ...transition });
    }
    const before = incarnation.state;
    incarnation.state = result.state;
    if (
      before !== result.state &&
      this.spec.definition.degradedIn &&
      this.startedAt !== null &&
      incarnation === this.incarnation
    ) {
      this.degradedBy(this.behaviourReason(before), false);
      this.degradedBy(this.behaviourReason(result.state), this.inDegradedState(result.state));
    }
    if (result.status === 'error') {
      this.fail(incarnation, result.error ?? 'behaviour failed');
      return;
    }
    if (result.changed) {
      const runner = incarnation.runner;
      this.snapshots.changed(
        result.transitions.length > 0,
        result.state,
        runner ? () => runner.persisted() : () => forkedSnapshot,
        // A step that commands anything (an intent) changed more than what the next event replaces.
        eventType !== undefined && result.commands.length === 0 && this.volatileEvents.has(eventType),
      );
    }
    for (const command of result.published) this.kernel.publish(command.topic, command.event);
    for (const command of incarnation.effects ? result.commands : []) {
      // An effect that crashed the incarnation ends the step: its effects are already stopped.
      if (incarnation.ended) return;
      this.runEffect(incarnation, command);
    }
    if (incarnation.ended) return;
    if (result.status === 'done') {
      this.exit(incarnation, 'normal', 'machine reached a final state');
      return;
    }
    this.arm(incarnation, result.deadlines);
  }

  private inDegradedState(state: string): boolean {
    const states = this.spec.definition.degradedIn;
    return states !== undefined && states.some((s) => state === s || state.startsWith(`${s}.`));
  }

  private behaviourReason(state: string): string {
    return `${this.spec.definition.machine.id} ${state}`;
  }

  /**
   * Hands an event the machine does not accept to the effects; the mailbox waits for it when the
   * handler is asynchronous (and only then: most events are handled synchronously).
   */
  private offer(
    incarnation: Incarnation,
    event: AnyEventObject,
    reply: ((reply: AskReply) => void) | undefined,
  ): void | Promise<void> {
    const done = (handled: boolean): void => {
      if (!handled) this.kernel.deadLetter(this.id, incarnation.state, event.type);
      reply?.({ state: incarnation.state, deadLetter: !handled });
    };
    const handled = (incarnation.effects as ComponentEffects).handle?.(event) ?? false;
    if (typeof handled === 'boolean') return done(handled);
    return handled.then(done);
  }

  private runEffect(incarnation: Incarnation, command: AnyEventObject): void {
    if (incarnation.held) {
      incarnation.held.push(command);
      return;
    }
    const effects = incarnation.effects as ComponentEffects;
    const crash = (error: unknown): void => {
      const message = error instanceof Error ? error.message : String(error);
      this.fail(incarnation, `effect ${command.type} failed: ${message}`);
    };
    try {
      const pending = effects.run(command);
      if (pending) pending.catch(crash);
    } catch (error) {
      crash(error);
    }
  }

  private arm(incarnation: Incarnation, deadlines: Readonly<Record<string, number>> | null): void {
    // Context updates that leave the deadlines object alone need no timer work.
    if (deadlines === incarnation.deadlines) return;
    incarnation.deadlines = deadlines;
    const { clock } = this.kernel;
    const wanted = deadlines ?? {};
    for (const [name, timer] of incarnation.timers) {
      if (wanted[name] !== timer.at) {
        clock.clearTimeout(timer.handle);
        incarnation.timers.delete(name);
      }
    }
    for (const [name, at] of Object.entries(wanted)) {
      if (incarnation.timers.has(name)) continue;
      const handle = clock.setTimeout(() => {
        incarnation.timers.delete(name);
        incarnation.mailbox.post({ kind: 'event', event: { type: name, t: clock.now() } });
      }, at - clock.now());
      incarnation.timers.set(name, { at, handle });
    }
  }

  private injectCrash(incarnation: Incarnation): void | Promise<void> {
    if (incarnation.placement.placement === 'forked') {
      // The child process dies; its exit is reported through onExit like any other crash.
      return incarnation.placement.ask('crash', null, this.kernel.stepTimeoutMs).then(
        () => {},
        () => {},
      );
    }
    this.fail(incarnation, 'crash injected');
  }

  private injectHang(incarnation: Incarnation): void {
    if (incarnation.placement.placement === 'forked') {
      // A real busy loop in the child: no reply will ever come, only the watchdog ends it.
      incarnation.placement.ask('hang', null, 2 ** 31 - 1).catch(() => {});
      return;
    }
    // In one process a busy loop would stop everything; a hang is a mailbox that stops draining.
    incarnation.mailbox.pause();
  }

  /** The incarnation ended abnormally: kill what is left, fault, and tell the supervisor. */
  private fail(incarnation: Incarnation, detail: string): void {
    this.exit(incarnation, 'crash', detail);
  }

  private exit(incarnation: Incarnation, reason: ExitReason, detail: string): void {
    if (incarnation.ended || incarnation !== this.incarnation) return;
    this.kill(incarnation);
    this.end(incarnation);
    if (reason === 'crash') {
      this.kernel.logger.warn({ actor: this.id, detail }, 'component crashed');
      this.lifecycle.send({ type: 'sys.fault', reason: detail });
      void this.snapshots.flush();
    } else {
      this.lifecycle.send({ type: 'sys.stop' });
      this.lifecycle.send({ type: 'sys.stopped' });
      void this.snapshots.discard();
    }
    this.exitListener(reason, detail);
  }

  private graceful(incarnation: Incarnation): Promise<void> {
    if (incarnation.mailbox.isPaused) return new Promise<void>(() => {});
    if (incarnation.placement.placement === 'forked') return incarnation.placement.destroy();
    return this.release(incarnation);
  }

  /** Calls `effects.stop` once; resolves when it has finished (a failure is logged). */
  private release(incarnation: Incarnation): Promise<void> {
    if (incarnation.released) return incarnation.released;
    const effects = incarnation.effects;
    let stopped: void | Promise<void> = undefined;
    try {
      stopped = effects?.stop?.();
    } catch (error) {
      this.stopFailed(error);
    }
    incarnation.released = Promise.resolve(stopped).catch((error: unknown) => this.stopFailed(error));
    return incarnation.released;
  }

  private kill(incarnation: Incarnation): void {
    if (incarnation.placement.placement === 'forked') incarnation.placement.kill();
  }

  private stopFailed(error: unknown): void {
    this.kernel.logger.warn({ actor: this.id, err: error }, 'component effects failed to stop');
  }

  private end(incarnation: Incarnation): void {
    if (incarnation.ended) return;
    incarnation.ended = true;
    incarnation.unwatch();
    incarnation.mailbox.close();
    this.kernel.asks.orphan(this.id);
    for (const timer of incarnation.timers.values()) this.kernel.clock.clearTimeout(timer.handle);
    incarnation.timers.clear();
    this.snapshots.capture();
    incarnation.runner?.stop();
    void this.release(incarnation);
    void incarnation.placement.destroy();
  }
}

/** Resolves `true` if `work` finishes within `ms` on the clock, `false` otherwise. */
function raceDeadline(work: Promise<void>, clock: KernelServices['clock'], ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = clock.setTimeout(() => resolve(false), ms);
    work.then(
      () => {
        clock.clearTimeout(timer);
        resolve(true);
      },
      () => {
        clock.clearTimeout(timer);
        resolve(true);
      },
    );
  });
}
