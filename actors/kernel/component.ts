import type { AnyStateMachine } from 'xstate';
import type { z } from 'zod';

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
