import type { SimAccount } from './sim-venue-balances';
import { feeAtoms } from './sim-venue-balances';
import type { OrderRecord } from './sim-venue-orders';

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
