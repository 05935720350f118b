import { assign, setup } from 'xstate';

/** Events of the shared component lifecycle; raised by the runtime (`sys.*`). */
export type LifecycleEvent =
  | { type: 'sys.start' }
  | { type: 'sys.started' }
  | { type: 'sys.degraded'; reason: string }
  | { type: 'sys.recovered' }
  | { type: 'sys.stop' }
  | { type: 'sys.stopped' }
  | { type: 'sys.fault'; reason: string }
  | { type: 'sys.reset' }
  | { type: 'sys.dispose' };

/** Context: why the component is degraded or faulted, if it is. */
export interface LifecycleContext {
  reason: string | null;
}

/**
 * The one lifecycle every component shares (NautilusTrader's `ComponentState`):
 * `ready → starting → running ⇄ degraded → stopping → stopped`, `faulted` from anywhere live,
 * `disposed` at the end. A restart is `faulted|stopped → ready` (`sys.reset`) and starts again.
 * The dashboard draws this diagram from this object; it is never drawn by hand.
 */
export const lifecycleMachine = setup({
  types: {} as { context: LifecycleContext; events: LifecycleEvent },
  actions: {
    recordReason: assign({
      reason: ({ event }) => ('reason' in event ? event.reason : null),
    }),
    clearReason: assign({ reason: null }),
  },
}).createMachine({
  id: 'lifecycle',
  initial: 'ready',
  context: { reason: null },
  states: {
    ready: {
      on: {
        'sys.start': 'starting',
        'sys.dispose': 'disposed',
      },
    },
    starting: {
      on: {
        'sys.started': 'running',
        'sys.stop': 'stopping',
        'sys.fault': { target: 'faulted', actions: 'recordReason' },
      },
    },
    running: {
      on: {
        'sys.degraded': { target: 'degraded', actions: 'recordReason' },
        'sys.stop': 'stopping',
        'sys.fault': { target: 'faulted', actions: 'recordReason' },
      },
    },
    degraded: {
      on: {
        'sys.recovered': { target: 'running', actions: 'clearReason' },
        'sys.degraded': { actions: 'recordReason' },
        'sys.stop': 'stopping',
        'sys.fault': { target: 'faulted', actions: 'recordReason' },
      },
    },
    stopping: {
      on: {
        'sys.stopped': 'stopped',
        'sys.fault': { target: 'faulted', actions: 'recordReason' },
      },
    },
    stopped: {
      on: {
        'sys.reset': { target: 'ready', actions: 'clearReason' },
        'sys.dispose': 'disposed',
      },
    },
    faulted: {
      on: {
        'sys.reset': { target: 'ready', actions: 'clearReason' },
        'sys.dispose': 'disposed',
      },
    },
    disposed: { type: 'final' },
  },
});
