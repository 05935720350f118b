import { Reconciler } from '../../actors/safety/reconciliation';
import type { ReconcilerOptions } from '../../actors/safety/reconciliation';
import { MemoryExecutionStore } from '../../actors/trading/execution-store-memory';
import { BTC } from '../venues/sim-fixture';

/**
 * A reconciler of engine `eng` on BTCUSDT with the component's default timings (10 s young orders,
 * 90 s absence, 30 s orphan gap), an empty memory store, owning its account and telling nobody;
 * `options` overrides any of it (`venue` is required).
 */
export function specReconciler(
  options: Pick<ReconcilerOptions, 'venue' | 'instance'> & Partial<ReconcilerOptions>,
): Reconciler {
  return new Reconciler({
    engine: 'eng',
    store: new MemoryExecutionStore(),
    instruments: new Map([['BTCUSDT', BTC]]),
    minAgeMs: 10_000,
    absentAfterMs: 90_000,
    since: 0,
    orphanGapMs: 30_000,
    ownsAccount: true,
    tellEngine: () => {},
    recordFill: () => Promise.resolve(),
    ...options,
  });
}
