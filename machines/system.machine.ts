import { assign, setup } from 'xstate';

/** Events of the system machine. */
export type SystemEvent =
  | { type: 'sys.booted' }
  | { type: 'sys.boot.failed'; reason: string }
  | { type: 'sys.halt.requested'; reason: string }
  | { type: 'sys.halted' }
  | { type: 'sys.resume'; operator: string }
  | { type: 'sys.shutdown' }
  | { type: 'sys.shutdown.done' };

/** Context: why the system halted and who last resumed it. */
export interface SystemContext {
  haltReason: string | null;
  resumedBy: string | null;
}

/**
 * The top of the tree. When the root supervisor gives up, the system goes to `halting` and then
 * `halted`: a GLOBAL HALT. Nothing leaves `halted` except `sys.resume` from a named operator — no
 * timer, no restart, no other event. `stopping`/`stopped` are a planned shutdown, not a halt.
 */
export const systemMachine = setup({
  types: {} as { context: SystemContext; events: SystemEvent },
  guards: {
    hasOperator: ({ event }) => event.type === 'sys.resume' && event.operator.trim().length > 0,
  },
  actions: {
    recordHalt: assign({
      haltReason: ({ event }) =>
        event.type === 'sys.halt.requested' || event.type === 'sys.boot.failed' ? event.reason : null,
    }),
    recordResume: assign({
      haltReason: null,
      resumedBy: ({ event }) => (event.type === 'sys.resume' ? event.operator : null),
    }),
  },
}).createMachine({
  id: 'system',
  initial: 'booting',
  context: { haltReason: null, resumedBy: null },
  states: {
    booting: {
      on: {
        'sys.booted': 'running',
        'sys.boot.failed': { target: 'halting', actions: 'recordHalt' },
        'sys.halt.requested': { target: 'halting', actions: 'recordHalt' },
        'sys.shutdown': 'stopping',
      },
    },
    running: {
      on: {
        'sys.halt.requested': { target: 'halting', actions: 'recordHalt' },
        'sys.shutdown': 'stopping',
      },
    },
    halting: {
      on: { 'sys.halted': 'halted' },
    },
    halted: {
      on: {
        'sys.resume': { guard: 'hasOperator', target: 'booting', actions: 'recordResume' },
      },
    },
    stopping: {
      on: { 'sys.shutdown.done': 'stopped' },
    },
    stopped: { type: 'final' },
  },
});
