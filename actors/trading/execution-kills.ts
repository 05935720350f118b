import type { TradingStateValue } from '../../machines/trading-state.machine';
import type { KillRecord } from '../safety/kill-switches';
import { covers } from '../safety/kill-switches';
import type { Portfolio } from './portfolio';
import { fromLots, toLots } from './units';
import type { Instrument, Intent } from './types';

/** Intent ids of the orders a `flatten` kill places start with this. */
export const FLATTEN_INTENT_PREFIX = 'flatten-';

/** Whether an intent is a kill switch's own flatten order (exempt from the halt it serves). */
export function isFlattenIntent(intent: Pick<Intent, 'intentId'>): boolean {
  return intent.intentId.startsWith(FLATTEN_INTENT_PREFIX);
}

/** A working order, as the ladder needs to see it. */
export interface WorkingOrder {
  readonly intent: Intent;
  readonly filledQty: number;
}

/** Whether a kill of step `cancel` or `flatten` in `kills` covers the order's strategy. */
export function cancelledByKill(kills: readonly KillRecord[], engine: string, intent: Intent): boolean {
  if (isFlattenIntent(intent)) return false;
  return kills.some((k) => k.step !== 'reduce' && covers(k.scope, engine, intent.strategy));
}

/**
 * Whether an admitted order may still leave for the venue under the state its strategy trades in
 * now: a halt or kill that came while its intent was being written stops it there. A flatten
 * order always may; under REDUCING only an order that can only shrink the position may.
 */
export function mayStillSend(state: TradingStateValue, intent: Intent, position: number): boolean {
  if (isFlattenIntent(intent) || state === 'ACTIVE') return true;
  if (state === 'HALTED') return false;
  const reduces = intent.side === 'buy' ? position < 0 : position > 0;
  return reduces && intent.qty <= Math.abs(position);
}

/** What {@link flattenIntents} reads. */
export interface FlattenInput {
  readonly engine: string;
  readonly kills: readonly KillRecord[];
  readonly portfolio: Portfolio;
  readonly instruments: ReadonlyMap<string, Instrument>;
  readonly mids: Readonly<Record<string, number>>;
  /** Working orders of this engine: flatten orders still out are not placed again. */
  readonly working: readonly WorkingOrder[];
  readonly now: number;
}

/**
 * The market orders that close every position a `flatten` kill covers, net of flatten orders
 * already working. A remainder below one lot or the instrument's minimum notional is dust and is
 * left alone (the venue would refuse it, again on every pass).
 */
export function flattenIntents(input: FlattenInput): Intent[] {
  const flattening = input.kills.filter((k) => k.step === 'flatten');
  if (flattening.length === 0) return [];
  const out: Intent[] = [];
  for (const owner of input.portfolio.owners()) {
    if (owner.engine !== input.engine) continue;
    const kill = flattening.find((k) => covers(k.scope, input.engine, owner.strategy));
    if (!kill) continue;
    for (const position of input.portfolio.positions({ engine: owner.engine, strategy: owner.strategy })) {
      const instrument = input.instruments.get(position.symbol);
      if (!instrument || position.qty === 0) continue;
      const side = position.qty > 0 ? 'sell' : 'buy';
      let pending = 0;
      for (const w of input.working) {
        const { intent } = w;
        if (
          isFlattenIntent(intent) &&
          intent.strategy === owner.strategy &&
          intent.symbol === position.symbol
        )
          pending += intent.side === side ? intent.qty - w.filledQty : 0;
      }
      // Both are whole lots already, so their difference is exact in lots.
      const lots = toLots(instrument, Math.abs(position.qty)) - toLots(instrument, pending);
      if (lots <= 0) continue;
      const qty = fromLots(instrument, lots);
      const mid = input.mids[position.symbol];
      if (mid === undefined || qty * mid < instrument.minNotional) continue;
      out.push({
        intentId: `${FLATTEN_INTENT_PREFIX}${kill.seq}-${owner.strategy}-${position.symbol}-${input.now}`,
        engine: input.engine,
        strategy: owner.strategy,
        symbol: position.symbol,
        side,
        type: 'market',
        qty,
        t: input.now,
      });
    }
  }
  return out;
}
