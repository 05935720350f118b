import type { AnyEventObject, AnyStateMachine } from 'xstate';
import type { z } from 'zod';
import type { Clock } from './clock';
import type { AskReply } from './component-actor';
import type { Logger } from './logger';

/** What a component's machine input is built from. */
export interface ComponentInputArgs<TConfig> {
  /** Actor id in the tree. */
  readonly id: string;
  /** The component's validated config. */
  readonly config: TConfig;
  /** Seed of the component's own rng stream (independent of every other component). */
  readonly seed: number;
  /** Clock time when the component first starts (not on a restore from snapshot). */
  readonly now: number;
}

/**
 * A kind of component: a pure behaviour machine plus how to build its input. Modules under
 * `actors/` export one as `default`, so a forked child process can load it by path.
 *
 * What the machine may rely on from the runtime:
 * - **Deadlines**: `context.deadlines` (`{ [eventType]: clockTime }`) is re-armed by the host after
 *   every step and after a restore; at that time the host sends `{ type: eventType, t }`. This is how
 *   timers survive restarts (XState does not persist `after` timers).
 * - **Publishing**: `emit({ type: 'publish', topic, event })` delivers `event` to every component
 *   subscribed to `topic`.
 * - **Faults**: `sys.fault.crash` and `sys.fault.hang` are handled by the host for every component.
 * - **Effects**: any other emitted event is a command for the definition's {@link ComponentEffects}
 *   (I/O: a venue call, a store write); answers come back as events in the mailbox. A kind with
 *   effects runs in-process only (its I/O objects cannot cross a process boundary).
 */
export interface ComponentDefinition<TConfig = unknown> {
  /** Registry name, e.g. `market-feed`. */
  readonly kind: string;
  /** One-line description for operators. */
  readonly description: string;
  readonly machine: AnyStateMachine;
  /** Validates the component's `config` block; errors name the field. */
  readonly configSchema: z.ZodType<TConfig>;
  /** Builds the machine input. Pure. */
  input(args: ComponentInputArgs<TConfig>): unknown;
  /** A small JSON-safe summary of the context for views (last price, average, …). */
  summary?(context: unknown): Record<string, unknown>;
  /**
   * Behaviour states in which the component is `degraded` rather than `running` (a stale book):
   * supervisors and operators see it on the lifecycle without reading the behaviour machine.
   */
  readonly degradedIn?: readonly string[];
  /**
   * Events whose context change the next such event replaces anyway (a new book over the last
   * one): when only they changed the context, and the step commanded no effect, the snapshot is
   * written at most every {@link VOLATILE_SNAPSHOT_FACTOR} snapshot intervals instead of every
   * interval. Any other change, and every state change, is written as usual.
   */
  readonly volatileEvents?: readonly string[];
  /**
   * Context keys left out of the persisted snapshot (stored as `null`): what the next event brings
   * back anyway (the last book), so a restored machine must already accept `null` there.
   */
  readonly transientContext?: readonly string[];
  /** Builds the I/O side of one incarnation; absent for a pure component. */
  effects?(env: EffectEnv<TConfig>): ComponentEffects;
}

/**
 * How many snapshot intervals a component's volatile context changes wait (see
 * {@link ComponentDefinition.volatileEvents}): a minute at the default 5 s interval.
 */
export const VOLATILE_SNAPSHOT_FACTOR = 12;

/** What a component's effects may use. Everything here goes through the kernel (clock, journal). */
export interface EffectEnv<TConfig = unknown> {
  readonly id: string;
  readonly config: TConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  /** What the application passed to `Runtime.start({ services })` (venues, stores); opaque here. */
  readonly services: unknown;
  /** The component machine's current state, dotted (e.g. `REDUCING`). */
  state(): string;
  /** Posts an event to this component's own mailbox: how the outcome of I/O reaches the machine. */
  send(event: AnyEventObject): void;
  /**
   * Another component's behaviour state while it runs, undefined while it does not (a caller that
   * depends on it decides what "unknown" means; deny by default).
   */
  stateOf(actor: string): string | undefined;
  /** Delivers an event to another component; journaled as a dead letter if it is not running. */
  tell(actor: string, event: AnyEventObject): void;
  /**
   * Asks another component and resolves once it has handled `event` (see `Runtime.ask`; 5 s by
   * default). The kernel records this component as the one waiting, so the ops watchdog view sees
   * who waits on whom. Awaited inside `handle`, it holds this component's mailbox meanwhile: two
   * components doing so on each other deadlock (reported as `DEADLOCK`) until the watchdog kills them.
   */
  ask(actor: string, event: AnyEventObject, timeoutMs?: number): Promise<AskReply>;
  /** Delivers an event to every component subscribed to `topic`. */
  publish(topic: string, event: AnyEventObject): void;
  /**
   * Journals a transition of a machine the effects run themselves (one order machine per order):
   * the journal holds every transition of every machine, not only the component's own.
   */
  record(transition: { actor: string; machine: string; from: string; event: string; to: string }): void;
  /** Raises an incident: journaled, logged, and kept for operators (`Runtime.incidents()`). */
  incident(kind: string, detail: string, data?: Readonly<Record<string, unknown>>): void;
}

/**
 * The I/O side of one incarnation of a component. A method that throws (or rejects) is a bug, not
 * an expected failure: the incarnation crashes and its supervisor decides. Expected failures (a
 * venue timeout) are turned into events with {@link EffectEnv.send}.
 */
export interface ComponentEffects {
  /** Called once the machine has started (or resumed) and before any message is handled. */
  start?(): void | Promise<void>;
  /**
   * Offered every event the machine does not accept, in mailbox order (requests for the I/O side,
   * answers of I/O it ran itself); `true` = handled, otherwise it is a dead letter.
   */
  handle?(event: AnyEventObject): boolean | Promise<boolean>;
  /** Carries out one command the machine emitted; commands run in emission order. */
  run(command: AnyEventObject): void | Promise<void>;
  /** Releases what `start` acquired (subscriptions, timers); awaited on stop and crash. */
  stop?(): void | Promise<void>;
  /** Extra figures for views, merged into the component's summary. */
  summary?(): Record<string, unknown>;
}

/** Declares a component definition with its config type inferred from the schema. */
export function defineComponent<TConfig>(
  definition: ComponentDefinition<TConfig>,
): ComponentDefinition<TConfig> {
  return definition;
}

/** An event a component machine emits to publish on a topic. */
export interface PublishCommand {
  readonly type: 'publish';
  readonly topic: string;
  readonly event: { readonly type: string; readonly [key: string]: unknown };
}
