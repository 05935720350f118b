import { createActor } from 'xstate';
import type { AnyActorRef, AnyEventObject, AnyStateMachine } from 'xstate';
import type { Clock } from './clock';
import type { Journal } from './journal';
import { statePath } from './state-path';

/**
 * A kernel machine (lifecycle, supervisor, system) run in-process with every state change
 * journaled. Events are handled synchronously, so the caller sees the new state on return.
 */
export class JournaledActor<TEmitted extends AnyEventObject = AnyEventObject> {
  private readonly actor: AnyActorRef;
  private current: string;
  private emitted: TEmitted[] = [];

  constructor(
    readonly machine: AnyStateMachine,
    private readonly actorId: string,
    private readonly journal: Journal,
    private readonly clock: Clock,
    input?: unknown,
    /** A persisted snapshot ({@link persisted}) to resume from instead of starting afresh. */
    snapshot?: unknown,
  ) {
    this.actor = createActor(machine, {
      input,
      clock,
      ...(snapshot === undefined ? {} : { snapshot: snapshot as never }),
    });
    this.actor.on('*', (event: TEmitted) => this.emitted.push(event));
    this.actor.start();
    this.current = statePath(this.actor.getSnapshot().value);
  }

  /** Dotted current state. */
  get state(): string {
    return this.current;
  }

  /** Current context. */
  get context(): unknown {
    return this.actor.getSnapshot().context;
  }

  /** JSON-safe persisted snapshot, to resume from after a restart. */
  persisted(): unknown {
    return this.actor.getPersistedSnapshot();
  }

  /** Whether the machine has a state tagged `tag` active. */
  hasTag(tag: string): boolean {
    return this.actor.getSnapshot().hasTag(tag) as boolean;
  }

  /** Whether the machine would take a transition for this event in its current state. */
  can(event: AnyEventObject): boolean {
    return this.actor.getSnapshot().can(event) as boolean;
  }

  /** Sends one event; journals the transition if the state changed; returns what the machine emitted. */
  send(event: AnyEventObject): TEmitted[] {
    const from = this.current;
    this.actor.send(event);
    this.current = statePath(this.actor.getSnapshot().value);
    if (from !== this.current) {
      this.journal.record({
        t: this.clock.now(),
        actor: this.actorId,
        machine: this.machine.id,
        from,
        event: event.type,
        to: this.current,
      });
    }
    if (this.emitted.length === 0) return [];
    const out = this.emitted;
    this.emitted = [];
    return out;
  }
}
