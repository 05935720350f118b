import { createActor } from 'xstate';
import type { AnyActorRef, AnyEventObject } from 'xstate';
import type { Clock } from './clock';
import type { ComponentDefinition, PublishCommand } from './component';
import { statePath } from './state-path';

/** One state change of a behaviour machine, before it is journaled. */
export interface StepTransition {
  readonly from: string;
  readonly event: string;
  readonly to: string;
}

/** What happened when the behaviour handled one event (or started). */
export interface StepResult {
  readonly transitions: readonly StepTransition[];
  readonly published: readonly PublishCommand[];
  /** Every other emitted event, in order: commands for the component's effects. */
  readonly commands: readonly AnyEventObject[];
  /** State after the step, dotted. */
  readonly state: string;
  /** `done` when the machine reached a final state (a `normal` exit); `error` when an action threw. */
  readonly status: 'active' | 'done' | 'error';
  readonly error: string | null;
  /** `context.deadlines` after the step, for the host to (re-)arm. */
  readonly deadlines: Readonly<Record<string, number>> | null;
  /** The machine accepts no event of this type: the host journals a dead letter. */
  readonly deadLetter: boolean;
  /** Whether the machine's snapshot may have changed (the host then persists it). */
  readonly changed: boolean;
}

/** Everything needed to start one incarnation of a behaviour. */
export interface BehaviourStart {
  readonly id: string;
  readonly config: unknown;
  readonly seed: number;
  readonly now: number;
  /** Persisted snapshot to resume from; absent on a first start. */
  readonly snapshot?: unknown;
}

/**
 * Runs one incarnation of a component's behaviour machine and reports each step as data. The same
 * code runs in-process (memory placement) and inside a forked child process, so both placements
 * behave alike. It does no I/O: the host journals, persists and publishes what a step reports.
 */
export class BehaviourRunner {
  private readonly actor: AnyActorRef;
  private readonly accepted: ReadonlySet<string>;
  private published: PublishCommand[] = [];
  private commands: AnyEventObject[] = [];
  private error: string | null = null;
  private state: string;

  constructor(
    private readonly definition: ComponentDefinition,
    start: BehaviourStart,
    clock: Clock,
  ) {
    this.accepted = new Set(definition.machine.events);
    const input = definition.input({ id: start.id, config: start.config, seed: start.seed, now: start.now });
    this.actor = createActor(definition.machine, {
      input,
      clock,
      ...(start.snapshot === undefined ? {} : { snapshot: start.snapshot as never }),
    });
    this.actor.on('*', (event: AnyEventObject) => {
      if (event.type === 'publish') this.published.push(event as PublishCommand);
      else this.commands.push(event);
    });
    this.actor.subscribe({
      error: (error: unknown) => {
        this.error = error instanceof Error ? error.message : String(error);
      },
    });
    this.state = '';
  }

  /** Starts the machine; a restored snapshot resumes where it left off. */
  start(): StepResult {
    this.actor.start();
    const before = this.state;
    this.state = this.currentPath();
    const transitions = before === this.state ? [] : [{ from: before, event: 'sys.init', to: this.state }];
    return this.result(transitions, false);
  }

  /** Whether the machine takes events of this type at all. */
  accepts(type: string): boolean {
    return this.accepted.has(type);
  }

  /** Handles one event synchronously. */
  step(event: AnyEventObject): StepResult {
    if (!this.accepted.has(event.type)) return this.result([], true, false);
    const before = this.state;
    this.actor.send(event);
    if (this.error === null) this.state = this.currentPath();
    const transitions = before === this.state ? [] : [{ from: before, event: event.type, to: this.state }];
    return this.result(transitions, false);
  }

  /** The persisted snapshot (JSON-safe) to store, without the definition's transient context. */
  persisted(): unknown {
    const transient = this.definition.transientContext;
    if (transient === undefined || transient.length === 0) return this.actor.getPersistedSnapshot();
    // Dropped before XState copies the context: that copy walks every nested object (a book's levels).
    const snapshot = this.actor.getSnapshot() as { context: Record<string, unknown> };
    const context = { ...snapshot.context };
    for (const key of transient) context[key] = null;
    return this.definition.machine.getPersistedSnapshot({ ...snapshot, context } as never);
  }

  /** The summary the component definition derives from the current context. */
  summary(): Record<string, unknown> {
    const context = (this.actor.getSnapshot() as { context?: unknown }).context;
    return this.definition.summary ? this.definition.summary(context) : {};
  }

  /** Machine id. */
  get machineId(): string {
    return this.definition.machine.id;
  }

  /** Stops the machine; no further steps are taken. */
  stop(): void {
    this.actor.stop();
  }

  private currentPath(): string {
    return statePath((this.actor.getSnapshot() as { value: never }).value);
  }

  private result(transitions: StepTransition[], deadLetter: boolean, changed = true): StepResult {
    const snapshot = this.actor.getSnapshot() as {
      status: string;
      context?: { deadlines?: Record<string, number> };
    };
    const published = this.published;
    if (published.length > 0) this.published = [];
    const commands = this.commands;
    if (commands.length > 0) this.commands = [];
    return {
      transitions,
      published,
      commands,
      state: this.state,
      status: this.error !== null ? 'error' : snapshot.status === 'done' ? 'done' : 'active',
      error: this.error,
      deadlines: snapshot.context?.deadlines ?? null,
      deadLetter,
      changed,
    };
  }
}
