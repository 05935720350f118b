import { Reconciler } from '../../actors/safety/reconciliation';
import type { ReconcilerOptions } from '../../actors/safety/reconciliation';
import { MemoryExecutionStore } from '../../actors/trading/execution-store-memory';
import type { Fill } from '../../actors/trading/types';
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

/** A maker buy of 0.5 BTCUSDT at 100 with a 0.05 USDT fee (fill `f1` of order `pd-abcdef-1`); `overrides` change any field. */
export function specFill(overrides: Partial<Fill> = {}): Fill {
  return {
    fillId: 'f1',
    venueOrderId: 'v-1',
    clientOrderId: 'pd-abcdef-1',
    symbol: 'BTCUSDT',
    side: 'buy',
    price: 100,
    qty: 0.5,
    fee: 0.05,
    feeAsset: 'USDT',
    liquidity: 'maker',
    t: 10,
    ...overrides,
  };
}
