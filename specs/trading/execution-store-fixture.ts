import type { FillRecord } from '../../actors/trading/execution-store';

/** 2026-01-01 00:00 UTC: the execution store specs' clock origin. */
export const T0 = 1_767_225_600_000;

/** Fill `n` of the maker `mm` (strategy `quoter`): a maker buy of 0.1 BTCUSDT at 50 000; `more` changes any field. */
export function fillOf(n: number, more: Partial<FillRecord> = {}): FillRecord {
  return {
    fillId: `f-${n}`,
    venueOrderId: `v-${n}`,
    clientOrderId: `pd-mm-${n}`,
    symbol: 'BTCUSDT',
    side: 'buy',
    price: 50_000,
    qty: 0.1,
    fee: 0.5,
    feeAsset: 'USDT',
    liquidity: 'maker',
    t: T0 + n,
    engine: 'mm',
    strategy: 'quoter',
    intentId: `mm:BTCUSDT:${n}`,
    ...more,
  };
}
