import { assign, setup } from 'xstate';

/** Input of the crossing monitor. */
export interface CrossingMonitorInput {
  /** Look-back window for counting crossings. */
  readonly windowMs: number;
  /** More crossings than this inside the window and the market is `choppy`. */
  readonly threshold: number;
}

/** Context: times of recent moving-average crossings. */
export interface CrossingMonitorContext {
  windowMs: number;
  threshold: number;
  recent: number[];
  total: number;
}

type CrossingMonitorEvent = { type: 'ma.crossed'; direction: 'up' | 'down'; t: number };

/** Crossing times inside the window after one more at `t`. */
export function withCrossing(context: CrossingMonitorContext, t: number): number[] {
  return [...context.recent.filter((x) => x > t - context.windowMs), t];
}

/**
 * Watches the moving-average consumer's crossings: `quiet` while there are at most `threshold` of
 * them within `windowMs`, `choppy` above that — the kind of signal a strategy would stand down on.
 */
export const crossingMonitorMachine = setup({
  types: {} as { context: CrossingMonitorContext; events: CrossingMonitorEvent; input: CrossingMonitorInput },
  actions: {
    record: assign(({ context, event }) => ({
      recent: withCrossing(context, event.t),
      total: context.total + 1,
    })),
  },
  guards: {
    turnsChoppy: ({ context, event }) => withCrossing(context, event.t).length > context.threshold,
    turnsQuiet: ({ context, event }) => withCrossing(context, event.t).length <= context.threshold,
  },
}).createMachine({
  id: 'crossing-monitor',
  initial: 'quiet',
  context: ({ input }) => ({ windowMs: input.windowMs, threshold: input.threshold, recent: [], total: 0 }),
  states: {
    quiet: {
      on: {
        'ma.crossed': [{ guard: 'turnsChoppy', target: 'choppy', actions: 'record' }, { actions: 'record' }],
      },
    },
    choppy: {
      on: {
        'ma.crossed': [{ guard: 'turnsQuiet', target: 'quiet', actions: 'record' }, { actions: 'record' }],
      },
    },
  },
});
