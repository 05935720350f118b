import type { AnyEventObject } from 'xstate';
import { supervisorMachine } from '../../machines/supervisor.machine';
import { restartsBeforeHalt } from '../../machines/supervisor.policy';
import { systemMachine } from '../../machines/system.machine';
import type { SystemContext } from '../../machines/system.machine';
import { sampleRegistry } from '../sample/registry';
import { ActorHost } from './actor-host';
import type { ChildActor, KernelServices } from './child';
import { RealClock } from './clock';
import type { Clock } from './clock';
import { ComponentActor } from './component-actor';
import type { AskReply } from './component-actor';
import { ActorNotFoundError } from './errors';
import { Journal } from './journal';
import type { JournalEntry, JournalQuery } from './journal-entry';
import { JournaledActor } from './journaled-actor';
import { createLogger } from './logger';
import type { Logger } from './logger';
import { machineGraph } from './machine-graph';
import type { ComponentRegistry } from './registry';
import { Rng } from './rng';
import type { Store } from './store';
import { MemoryStore } from './store-memory';
import { SupervisorActor } from './supervisor';
import type { ComponentConfig, SupervisorConfig, SystemConfig } from './system-config';
import { parseSystemConfig } from './system-config';
import type { HealthView, MachineGraph, SystemTreeView, SystemView } from './system-view';
import { Watchdog } from './watchdog';
import { EXTERNAL_ASKER, PendingAsks } from './pending-asks';
import { IncidentLog } from './incidents';
import type { Incident, Raised } from './incidents';
import { SYSTEM_KEY } from './system-record';
import type { SystemRecord } from './system-record';

/** Options of {@link Runtime.start}. */
export interface RuntimeOptions {
  /** The system spec, validated here (a `ConfigError` names every bad field; nothing starts). */
  readonly config: unknown;
  readonly clock?: Clock;
  /** Defaults to an embedded `MemoryStore` (not durable). */
  readonly store?: Store;
  readonly logger?: Logger;
  readonly registry?: ComponentRegistry;
  /** `memory` forces every component in-process (simulation); `config` honours the spec. */
  readonly placement?: 'config' | 'memory';
  /** Deadline of one forked step. */
  readonly stepTimeoutMs?: number;
  /** Context-only snapshot changes are saved at most this often (state changes at once). */
  readonly snapshotIntervalMs?: number;
  /** Handed to every component's effects (`EffectEnv.services`): venues, execution store, … */
  readonly services?: unknown;
}

/**
 * A running Predator system: the system machine, the supervision tree under it, the watchdog, the
 * journal and the store. Read-only views for the gateway come from here ({@link SystemView}).
 *
 * @example
 * const runtime = await Runtime.start({ config: sampleConfig() });
 * runtime.tree().root.children;          // supervisors and components with their states
 * await runtime.stop();
 */
export class Runtime implements SystemView {
  readonly instance: string;
  private readonly components = new Map<string, ComponentActor>();
  private readonly supervisors = new Map<string, SupervisorActor>();
  private readonly startedAt: number;
  private root!: SupervisorActor;
  private halts = 0;
  private stopping = false;

  private constructor(
    readonly config: SystemConfig,
    readonly kernel: KernelServices,
    readonly system: JournaledActor,
    private readonly registry: ComponentRegistry,
    /** Subscribers by topic, filled while the tree is built. */
    private readonly topics: Map<string, ComponentActor[]>,
    private readonly forceMemory: boolean,
    private readonly incidentLog: IncidentLog,
  ) {
    this.instance = config.instance;
    this.startedAt = kernel.clock.now();
  }

  /** Validates the spec, connects the store, builds the tree and starts it (or comes up halted). */
  static async start(options: RuntimeOptions): Promise<Runtime> {
    const registry = options.registry ?? sampleRegistry();
    const config = parseSystemConfig(options.config, registry);
    const clock = options.clock ?? new RealClock();
    const logger = options.logger ?? createLogger();
    const store = options.store ?? new MemoryStore({ instance: config.instance });
    await store.connect();
    const journal = new Journal({ store, clock, logger });
    await journal.init();
    const host = await ActorHost.create({
      clock,
      logger,
      level: logger.level === 'silent' ? 'silent' : 'warn',
    });
    const watchdog = new Watchdog(clock, config.heartbeat);
    const topics = new Map<string, ComponentActor[]>();
    const incidents = new IncidentLog(journal, clock, logger);
    let tell: (actor: string, event: AnyEventObject) => void = () => {};
    let ask: KernelServices['ask'] = () => Promise.reject(new Error('runtime not built yet'));
    let stateOf: (actor: string) => string | undefined = () => undefined;
    const kernel: KernelServices = {
      clock,
      journal,
      store,
      logger,
      host,
      rng: new Rng(config.seed),
      watchdog,
      asks: new PendingAsks(),
      stepTimeoutMs: options.stepTimeoutMs ?? 10_000,
      snapshotIntervalMs: options.snapshotIntervalMs ?? 5_000,
      publish: (topic, event) => {
        for (const subscriber of topics.get(topic) ?? []) subscriber.deliver(event);
      },
      tell: (actor, event) => tell(actor, event),
      ask: (from, actor, event, timeoutMs) => ask(from, actor, event, timeoutMs),
      stateOf: (actor) => stateOf(actor),
      incident: (actor, kind, detail, data) => void incidents.raise(actor, kind, detail, data),
      services: options.services,
      deadLetter: (actor, state, event) =>
        journal.record({ t: clock.now(), actor, machine: 'dead-letter', from: state, event, to: state }),
    };
    const system = new JournaledActor(systemMachine, 'system', journal, clock);
    const runtime = new Runtime(
      config,
      kernel,
      system,
      registry,
      topics,
      options.placement === 'memory',
      incidents,
    );
    tell = (actor, event) => runtime.send(actor, event);
    ask = (from, actor, event, timeoutMs) => runtime.ask(actor, event, timeoutMs, from);
    stateOf = (actor) => runtime.components.get(actor)?.behaviourState;
    runtime.root = runtime.build(config.root) as SupervisorActor;
    runtime.root.onExit((_reason, detail) => void runtime.halt(`root supervisor gave up: ${detail}`));
    store.onStatus((status) => {
      for (const component of runtime.components.values()) component.storeStatus(status === 'up');
    });
    logger.info(
      {
        instance: config.instance,
        store: store.kind,
        durable: store.durable,
        maxRestartsBeforeHalt: runtime.maxRestarts(),
      },
      'runtime starting',
    );
    const record = await store.getValue<SystemRecord>(SYSTEM_KEY);
    if (record?.state === 'halted') {
      system.send({ type: 'sys.halt.requested', reason: record.reason ?? 'halted before restart' });
      system.send({ type: 'sys.halted' });
      logger.error(
        { reason: record.reason },
        'system is HALTED (persisted); it stays halted until an operator resumes',
      );
      return runtime;
    }
    await runtime.boot();
    return runtime;
  }

  /** Sends an event to a component; an unknown actor gets a journaled dead letter. */
  send(actor: string, event: AnyEventObject): void {
    const component = this.components.get(actor);
    if (component) component.deliver(event);
    else this.kernel.deadLetter(actor, '', event.type);
  }

  /**
   * Sends an event and waits until the component has handled it (its mailbox is serial, so every
   * earlier message was handled too). Rejects on a deadline on the clock, or for an unknown actor.
   * `from` names the component waiting (`external` for callers outside the tree): the kernel keeps
   * who waits on whom in `kernel.asks` while the ask is pending.
   */
  ask(
    actor: string,
    event: AnyEventObject,
    timeoutMs = 5_000,
    from: string = EXTERNAL_ASKER,
  ): Promise<AskReply> {
    const component = this.components.get(actor);
    if (component) return component.ask(event, timeoutMs, from);
    this.kernel.deadLetter(actor, '', event.type);
    return Promise.reject(new ActorNotFoundError(actor));
  }

  /** Leaves a GLOBAL HALT: the only way out of `halted`, and only with a named operator. */
  async resume(operator: string): Promise<void> {
    if (this.system.state !== 'halted') throw new Error(`system is ${this.system.state}, not halted`);
    if (!this.system.can({ type: 'sys.resume', operator })) throw new Error('resume needs a named operator');
    this.kernel.logger.warn({ operator }, 'operator resumed the system');
    this.system.send({ type: 'sys.resume', operator });
    await this.kernel.store.setValue(SYSTEM_KEY, {
      state: 'running',
      reason: null,
      t: this.kernel.clock.now(),
    });
    await this.boot();
  }

  /** Planned shutdown: stops the tree in reverse order, flushes the journal, closes everything. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.kernel.watchdog.stop();
    if (this.system.can({ type: 'sys.shutdown' })) {
      this.system.send({ type: 'sys.shutdown' });
      await this.root.stop();
      this.system.send({ type: 'sys.shutdown.done' });
    } else {
      await this.root.stop();
    }
    // The tail is I/O only (no clock waits): a simulation must see the stop finish before time moves.
    const release = this.kernel.clock.hold();
    try {
      await Promise.race([
        this.kernel.journal.drained(),
        this.kernel.store.status() === 'down' ? Promise.resolve() : never(),
      ]);
      this.kernel.journal.dispose();
      await this.kernel.host.close();
      await this.kernel.store.close();
    } finally {
      release();
    }
  }

  /** Raises an incident on behalf of `actor` (a service outside the tree, e.g. the control plane). */
  raiseIncident(
    actor: string,
    kind: string,
    detail: string,
    data: Readonly<Record<string, unknown>> = {},
  ): Incident {
    return this.incidentLog.raise(actor, kind, detail, data);
  }

  /**
   * Hears of every incident raised from now on, after it is journaled (the durable incident book
   * subscribes here); returns the unsubscribe function.
   */
  onRaise(listener: (incident: Incident, entry: JournalEntry) => void): () => void {
    return this.incidentLog.onRaise(listener);
  }

  /** Incidents raised in this process with their journal entries, oldest first (see `IncidentLog.raised`). */
  raised(): Raised[] {
    return this.incidentLog.raised();
  }

  /** Incidents raised in this process, oldest first (optionally of one `kind`). */
  incidents(kind?: string): Incident[] {
    return this.incidentLog.list(kind);
  }

  /** Ids of every component in the tree, in start order. */
  componentIds(): string[] {
    return [...this.components.keys()];
  }

  /** A component actor by id (specs and tools). */
  component(id: string): ComponentActor | undefined {
    return this.components.get(id);
  }

  /** A supervisor actor by id. */
  supervisor(id: string): SupervisorActor | undefined {
    return this.supervisors.get(id);
  }

  /** The system machine's state. */
  get state(): string {
    return this.system.state;
  }

  /** GLOBAL HALTs in this process. */
  get haltCount(): number {
    return this.halts;
  }

  /** Supervisors that gave up, summed over the tree. */
  escalations(): number {
    let total = 0;
    for (const supervisor of this.supervisors.values()) total += supervisor.escalations;
    return total;
  }

  /** Restarts carried out, summed over the tree. */
  restarts(): number {
    let total = 0;
    for (const supervisor of this.supervisors.values()) total += supervisor.restarts;
    return total;
  }

  health(): HealthView {
    const state = this.system.state;
    const up = this.kernel.store.status() === 'up';
    return {
      status:
        state === 'halted' || state === 'halting'
          ? 'halted'
          : state === 'running'
            ? up
              ? 'ok'
              : 'degraded'
            : 'starting',
      instance: this.instance,
      system: state,
      store: { kind: this.kernel.store.kind, durable: this.kernel.store.durable, up },
      uptimeMs: this.kernel.clock.now() - this.startedAt,
      now: this.kernel.clock.now(),
      journalSeq: this.kernel.journal.lastSeq,
    };
  }

  tree(): SystemTreeView {
    const store = this.kernel.store;
    return {
      instance: this.instance,
      state: this.system.state,
      haltReason: (this.system.context as SystemContext).haltReason,
      now: this.kernel.clock.now(),
      startedAt: this.startedAt,
      maxRestartsBeforeHalt: this.maxRestarts(),
      store: { kind: store.kind, durable: store.durable, up: store.status() === 'up' },
      root: this.root.view(),
    };
  }

  journal(query: JournalQuery): Promise<JournalEntry[]> {
    return this.kernel.journal.query(query);
  }

  graph(actor: string, machine: 'behaviour' | 'lifecycle' = 'behaviour'): MachineGraph | undefined {
    if (actor === 'system') return machineGraph(systemMachine, actor, this.system.state);
    const supervisor = this.supervisors.get(actor);
    if (supervisor) return machineGraph(supervisorMachine, actor, supervisor.machine.state);
    const component = this.components.get(actor);
    if (!component) return undefined;
    if (machine === 'lifecycle') {
      return machineGraph(component.lifecycleMachine.machine, actor, component.lifecycleState);
    }
    return machineGraph(component.spec.definition.machine, actor, component.view().state);
  }

  onTransition(listener: (entry: JournalEntry) => void): () => void {
    return this.kernel.journal.onTransition(listener);
  }

  private async boot(): Promise<void> {
    try {
      await this.root.start();
    } catch (error) {
      this.kernel.logger.error({ err: error }, 'root supervisor failed to start');
      await this.halt(`boot failed: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    this.system.send({ type: 'sys.booted' });
    await this.kernel.store
      .setValue(SYSTEM_KEY, { state: 'running', reason: null, t: this.kernel.clock.now() })
      .catch(() => {});
    this.kernel.watchdog.start();
  }

  /** GLOBAL HALT: everything stops; the system stays `halted`, even across restarts, until resumed. */
  private async halt(reason: string): Promise<void> {
    if (this.stopping || !this.system.can({ type: 'sys.halt.requested', reason })) return;
    this.halts++;
    this.kernel.logger.fatal({ reason }, 'GLOBAL HALT');
    this.system.send({ type: 'sys.halt.requested', reason });
    this.kernel.watchdog.stop();
    await this.root.stop();
    const record: SystemRecord = { state: 'halted', reason, t: this.kernel.clock.now() };
    await this.kernel.store.setValue(SYSTEM_KEY, record).catch((error: unknown) => {
      this.kernel.logger.error({ err: error }, 'could not persist the halt; it holds for this process only');
    });
    this.system.send({ type: 'sys.halted' });
  }

  private build(node: SupervisorConfig | ComponentConfig): ChildActor {
    if (node.type === 'component') {
      const entry = this.registry.get(node.kind);
      const component = new ComponentActor(
        {
          id: node.id,
          kind: node.kind,
          placement: this.forceMemory ? 'memory' : node.placement,
          restart: node.restart,
          shutdown: node.shutdown,
          subscribe: node.subscribe,
          config: this.registry.resolveConfig(node.kind, node.config),
          definition: entry.definition,
          module: entry.module,
        },
        this.kernel,
      );
      this.components.set(node.id, component);
      for (const topic of node.subscribe) {
        const list = this.topics.get(topic) ?? [];
        list.push(component);
        this.topics.set(topic, list);
      }
      return component;
    }
    const children = node.children.map((child) => this.build(child));
    const supervisor = new SupervisorActor(
      {
        id: node.id,
        strategy: node.strategy,
        intensity: node.intensity,
        periodMs: node.periodMs,
        restart: node.restart,
        // A supervisor stops when its children have (OTP's recommended `infinity`); each child's
        // own shutdown spec bounds that.
        shutdown: 'infinity',
        backoff: node.backoff ?? null,
      },
      children,
      this.kernel,
    );
    this.supervisors.set(node.id, supervisor);
    return supervisor;
  }

  private maxRestarts(): number {
    let best = 0;
    const walk = (node: SupervisorConfig, chain: number[]): void => {
      const here = [...chain, node.intensity];
      best = Math.max(best, restartsBeforeHalt(here));
      for (const child of node.children) if (child.type === 'supervisor') walk(child, here);
    };
    walk(this.config.root, []);
    return best;
  }
}

function never(): Promise<void> {
  return new Promise(() => {});
}
