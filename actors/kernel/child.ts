import type { AnyEventObject } from 'xstate';
import type { ExitReason } from '../../machines/supervisor.policy';
import type { ActorHost } from './actor-host';
import type { Clock } from './clock';
import type { Journal } from './journal';
import type { AskReply } from './component-actor';
import type { Logger } from './logger';
import type { PendingAsks } from './pending-asks';
import type { Rng } from './rng';
import type { Store } from './store';
import type { ComponentView, RestartType, SupervisorView } from './system-view';
import type { Watchdog } from './watchdog';

/** How a child is stopped: at once, after a grace period in ms, or whenever it finishes. */
export type ShutdownSpec = 'brutal_kill' | 'infinity' | number;

/** Called when a child ends on its own (crash, normal completion, watchdog kill) — not when stopped. */
export type ExitListener = (reason: ExitReason, detail: string) => void;

/** What a supervisor needs of a child, component or supervisor alike. */
export interface ChildActor {
  readonly id: string;
  readonly restart: RestartType;
  readonly shutdown: ShutdownSpec;
  /** Starts (or restarts) the child; rejects if it could not start. */
  start(): Promise<void>;
  /** Stops the child per its shutdown spec: graceful with a deadline, then kill. Never rejects. */
  stop(): Promise<void>;
  /** Registers the parent's exit listener. */
  onExit(listener: ExitListener): void;
  /** Whether an incarnation is live. */
  readonly running: boolean;
  view(): ComponentView | SupervisorView;
  /** Every component id under this child (itself, for a component). */
  componentIds(): string[];
}

/** Shared services every hosted actor uses. */
export interface KernelServices {
  readonly clock: Clock;
  readonly journal: Journal;
  readonly store: Store;
  readonly logger: Logger;
  readonly host: ActorHost;
  readonly rng: Rng;
  readonly watchdog: Watchdog;
  /** Asks waiting for their answer: who waits on whom (see `PendingAsks`). */
  readonly asks: PendingAsks;
  /** Delivers `event` to every component subscribed to `topic`. */
  publish(topic: string, event: AnyEventObject): void;
  /** Delivers `event` to the component `actor`, or journals it as a dead letter. */
  tell(actor: string, event: AnyEventObject): void;
  /** Asks component `actor` on behalf of `from` (a component id): see `Runtime.ask`. */
  ask(from: string, actor: string, event: AnyEventObject, timeoutMs: number): Promise<AskReply>;
  /** The behaviour state of component `actor` while it runs; undefined when it does not. */
  stateOf(actor: string): string | undefined;
  /** Raises an incident on behalf of `actor` (see `IncidentLog`). */
  incident(actor: string, kind: string, detail: string, data?: Readonly<Record<string, unknown>>): void;
  /** What the application passed to `Runtime.start({ services })`, handed to component effects. */
  readonly services: unknown;
  /** Journals an undeliverable message; the addressee, if any, is unaffected. */
  deadLetter(actor: string, state: string, event: string): void;
  /** Ask deadline for a forked step; a step still running then is treated as hung. */
  readonly stepTimeoutMs: number;
  /** Context-only snapshot changes are saved at most this often; state changes at once. */
  readonly snapshotIntervalMs: number;
}
