import type { TickLevel } from './matching-book';
import type { SimAccount } from './sim-venue-balances';
import { feeAtoms, fromAtoms, toAtoms } from './sim-venue-balances';
import type { OutsideLiquidity } from './sim-venue-liquidity';
import { sweepCost } from './sim-venue-liquidity';
import type { OrderRecord } from './sim-venue-orders';
import type { Checked, ValidOrder } from './sim-venue-validate';

/**
 * Checks that the account can pay for order `o` and locks what a limit order holds: its cost at
 * its limit (quote for a buy, base for a sell). A market order locks nothing but must find
 * liquidity, reach the minimum notional at the best price, and be covered by free funds for what
 * sweeping the book would cost. Returns the atoms locked, or why the order is refused (and then
 * nothing is locked).
 */
export function reserveFunds(account: SimAccount, o: ValidOrder, outside: OutsideLiquidity): Checked<bigint> {
  const { instrument, lotAtoms, tickLotAtoms } = o.scale;
  const asset = o.side === 'buy' ? instrument.quote : instrument.base;
  if (o.priceTicks !== null) {
    const lockAtoms = BigInt(o.lots) * (o.side === 'buy' ? BigInt(o.priceTicks) * tickLotAtoms : lotAtoms);
    if (account.lock(asset, lockAtoms)) return { ok: true, value: lockAtoms };
    return short(account, asset, lockAtoms);
  }
  const levels = outside.against(o.side);
  const cost = sweepCost(levels, o.lots, tickLotAtoms);
  if (cost.lots === 0)
    return {
      ok: false,
      reason: 'NO_LIQUIDITY',
      detail: `no ${o.side === 'buy' ? 'sell' : 'buy'} liquidity in ${instrument.symbol}`,
    };
  const estimate = BigInt((levels[0] as TickLevel).priceTicks) * BigInt(o.lots) * tickLotAtoms;
  if (estimate < toAtoms(instrument.minNotional))
    return {
      ok: false,
      reason: 'MIN_NOTIONAL',
      detail: `qty × best price: expected at least ${instrument.minNotional} ${instrument.quote}`,
    };
  const need = o.side === 'buy' ? cost.atoms : BigInt(o.lots) * lotAtoms;
  return account.free(asset) < need ? short(account, asset, need) : { ok: true, value: 0n };
}

function short(account: SimAccount, asset: string, need: bigint): Checked<bigint> {
  return {
    ok: false,
    reason: 'INSUFFICIENT_BALANCE',
    detail: `needs ${fromAtoms(need)} ${asset}, free ${fromAtoms(account.free(asset))}`,
  };
}

/**
 * Moves the account's balances for one fill of `record` at `priceTicks` for `lots`, at fee rate
 * `rate` (parts per 10⁸), and lowers what the order holds locked. A limit order pays from its lock
 * (a buy that fills below its limit gets the difference back); a market order, which locked
 * nothing, pays from free funds. The fee is charged in the asset received, as on Binance spot.
 */
export function settleFill(
  account: SimAccount,
  record: OrderRecord,
  priceTicks: number,
  lots: number,
  rate: bigint,
): { fee: bigint; feeAsset: string } {
  const { instrument, lotAtoms, tickLotAtoms } = record.scale;
  const notional = BigInt(priceTicks) * BigInt(lots) * tickLotAtoms;
  const baseAtoms = BigInt(lots) * lotAtoms;
  if (record.side === 'buy') {
    if (record.type === 'limit') {
      const reserved = BigInt(record.priceTicks) * BigInt(lots) * tickLotAtoms;
      account.spendLocked(instrument.quote, reserved);
      record.lockedAtoms -= reserved;
      account.credit(instrument.quote, reserved - notional);
    } else account.spendFree(instrument.quote, notional);
    const fee = feeAtoms(baseAtoms, rate);
    account.credit(instrument.base, baseAtoms - fee);
    return { fee, feeAsset: instrument.base };
  }
  if (record.type === 'limit') {
    account.spendLocked(instrument.base, baseAtoms);
    record.lockedAtoms -= baseAtoms;
  } else account.spendFree(instrument.base, baseAtoms);
  const fee = feeAtoms(notional, rate);
  account.credit(instrument.quote, notional - fee);
  return { fee, feeAsset: instrument.quote };
}
