import { assign, emit, enqueueActions, setup } from 'xstate';
import type { ChildEntry, ExitReason, SupervisorPolicy } from './supervisor.policy';
import { decideExit } from './supervisor.policy';

export type { ChildEntry, ExitReason, SupervisorPolicy } from './supervisor.policy';

/** Input of a supervisor machine. */
export interface SupervisorInput {
  readonly policy: SupervisorPolicy;
  readonly children: readonly ChildEntry[];
  /** Seed of the backoff jitter stream. */
  readonly rngState: number;
}

/** Context of a supervisor machine. */
export interface SupervisorContext {
  policy: SupervisorPolicy;
  /** The children of the spec: a restarted supervisor starts from these again (OTP re-runs init). */
  specChildren: ChildEntry[];
  children: ChildEntry[];
  /** Times of restarts inside the current intensity window. */
  restartTimes: number[];
  /** Restarts carried out by this supervisor since it started. */
  restarts: number;
  rngState: number;
  lastExit: { child: string; reason: ExitReason; t: number } | null;
}

/** Events the supervisor actor feeds its machine. */
export type SupervisorEvent =
  | { type: 'sys.start' }
  | { type: 'sys.children.started' }
  | { type: 'sys.start.failed'; reason: string }
  | { type: 'sys.child.exited'; child: string; reason: ExitReason; t: number }
  | { type: 'sys.restart.done' }
  | { type: 'sys.child.added'; child: ChildEntry }
  | { type: 'sys.child.deleted'; child: string }
  | { type: 'sys.stop' }
  | { type: 'sys.stopped' };

/** What the machine tells its actor to do. The actor carries these out; the machine does no I/O. */
export type SupervisorCommand =
  | {
      type: 'restart';
      child: string;
      stop: readonly string[];
      start: readonly string[];
      remove: readonly string[];
      delayMs: number;
    }
  | { type: 'remove'; child: string }
  | { type: 'giveUp'; child: string; restarts: number };

/**
 * OTP supervision policy as a machine. `running` handles child exits with {@link decideExit}: a
 * restart moves to `restarting` (emitting `restart`), exceeding intensity moves to `failed`
 * (emitting `giveUp`: the actor stops every child and reports `shutdown` to its parent — or, at the
 * root, the system halts). A supervisor that failed or stopped starts fresh on `sys.start`, with an
 * empty restart window, as a restarted OTP supervisor does.
 */
export const supervisorMachine = setup({
  types: {} as {
    context: SupervisorContext;
    events: SupervisorEvent;
    input: SupervisorInput;
    emitted: SupervisorCommand;
  },
  actions: {
    resetWindow: assign(({ context }) => ({
      restartTimes: [],
      restarts: 0,
      children: [...context.specChildren],
    })),
    addChild: assign({
      children: ({ context, event }) =>
        event.type === 'sys.child.added' && !context.children.some((c) => c.id === event.child.id)
          ? [...context.children, event.child]
          : context.children,
    }),
    deleteChild: assign({
      children: ({ context, event }) =>
        event.type === 'sys.child.deleted'
          ? context.children.filter((c) => c.id !== event.child)
          : context.children,
    }),
    handleExit: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'sys.child.exited') return;
      const decision = decideExit(
        context.policy,
        context.children,
        context.restartTimes,
        context.rngState,
        event,
      );
      const lastExit = { child: event.child, reason: event.reason, t: event.t };
      switch (decision.kind) {
        case 'ignore':
        case 'keep':
          enqueue.assign({ lastExit });
          return;
        case 'remove':
          enqueue.assign({ lastExit, children: context.children.filter((c) => c.id !== decision.child) });
          enqueue(emit({ type: 'remove', child: decision.child }));
          return;
        case 'giveUp':
          enqueue.assign({ lastExit, restartTimes: decision.restartTimes });
          enqueue(emit({ type: 'giveUp', child: decision.child, restarts: decision.restartTimes.length }));
          return;
        case 'restart':
          enqueue.assign({
            lastExit,
            restartTimes: decision.restartTimes,
            restarts: context.restarts + 1,
            rngState: decision.rngState,
            children: context.children.filter((c) => !decision.remove.includes(c.id)),
          });
          enqueue(
            emit({
              type: 'restart',
              child: decision.child,
              stop: decision.stop,
              start: decision.start,
              remove: decision.remove,
              delayMs: decision.delayMs,
            }),
          );
          return;
      }
    }),
  },
  guards: {
    exceedsIntensity: ({ context, event }) =>
      event.type === 'sys.child.exited' &&
      decideExit(context.policy, context.children, context.restartTimes, context.rngState, event).kind ===
        'giveUp',
    needsRestart: ({ context, event }) =>
      event.type === 'sys.child.exited' &&
      decideExit(context.policy, context.children, context.restartTimes, context.rngState, event).kind ===
        'restart',
  },
}).createMachine({
  id: 'supervisor',
  initial: 'starting',
  context: ({ input }) => ({
    policy: input.policy,
    specChildren: [...input.children],
    children: [...input.children],
    restartTimes: [],
    restarts: 0,
    rngState: input.rngState,
    lastExit: null,
  }),
  on: {
    'sys.child.added': { actions: 'addChild' },
    'sys.child.deleted': { actions: 'deleteChild' },
  },
  states: {
    starting: {
      on: {
        'sys.children.started': 'running',
        'sys.start.failed': 'failed',
        'sys.stop': 'stopping',
      },
    },
    running: {
      on: {
        'sys.child.exited': [
          { guard: 'exceedsIntensity', target: 'failed', actions: 'handleExit' },
          { guard: 'needsRestart', target: 'restarting', actions: 'handleExit' },
          { actions: 'handleExit' },
        ],
        'sys.stop': 'stopping',
      },
    },
    restarting: {
      on: {
        'sys.restart.done': 'running',
        'sys.child.exited': [
          { guard: 'exceedsIntensity', target: 'failed', actions: 'handleExit' },
          { guard: 'needsRestart', target: 'restarting', reenter: true, actions: 'handleExit' },
          { actions: 'handleExit' },
        ],
        'sys.stop': 'stopping',
      },
    },
    stopping: {
      on: { 'sys.stopped': 'stopped' },
    },
    stopped: {
      on: { 'sys.start': { target: 'starting', actions: 'resetWindow' } },
    },
    failed: {
      on: { 'sys.start': { target: 'starting', actions: 'resetWindow' } },
    },
  },
});
