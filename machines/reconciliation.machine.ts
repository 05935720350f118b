import { assign, setup } from 'xstate';

/** Events of a reconciliation machine; `t` is the clock time the pass finished. */
export type ReconciliationEvent =
  /** A pass found every order, fill and balance in agreement, or healed what differed. */
  | { type: 'recon.passed'; healed: number; t: number }
  /** A pass found differences only a human can settle (`count` of them). */
  | { type: 'recon.mismatch'; count: number; detail: string; t: number }
  /** A pass could not finish (the venue did not answer): nothing is concluded. */
  | { type: 'recon.failed'; error: string; t: number };

/** Context: what the passes so far found. */
export interface ReconciliationContext {
  passes: number;
  healed: number;
  failures: number;
  /** Differences the latest pass left for a human. */
  mismatches: number;
  lastDetail: string | null;
  /** Clock time of the latest pass that concluded; null before the first. */
  lastPassT: number | null;
}

/**
 * One engine's reconciliation with its venue: `unreconciled` from start until a pass concludes,
 * then `reconciled` or `mismatch` (the component is degraded while differences wait for a human).
 * A failed pass concludes nothing: the state stays where it was.
 */
export const reconciliationMachine = setup({
  types: {} as { context: ReconciliationContext; events: ReconciliationEvent },
  actions: {
    passed: assign(({ context, event }) =>
      event.type === 'recon.passed'
        ? {
            passes: context.passes + 1,
            healed: context.healed + event.healed,
            mismatches: 0,
            lastDetail: null,
            lastPassT: event.t,
          }
        : {},
    ),
    mismatched: assign(({ context, event }) =>
      event.type === 'recon.mismatch'
        ? {
            passes: context.passes + 1,
            mismatches: event.count,
            lastDetail: event.detail,
            lastPassT: event.t,
          }
        : {},
    ),
    failed: assign(({ context }) => ({ failures: context.failures + 1 })),
  },
}).createMachine({
  id: 'reconciliation',
  initial: 'unreconciled',
  context: { passes: 0, healed: 0, failures: 0, mismatches: 0, lastDetail: null, lastPassT: null },
  on: {
    'recon.passed': { target: '.reconciled', actions: 'passed' },
    'recon.mismatch': { target: '.mismatch', actions: 'mismatched' },
    'recon.failed': { actions: 'failed' },
  },
  states: { unreconciled: {}, reconciled: {}, mismatch: {} },
});
