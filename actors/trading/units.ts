import type { Instrument } from './types';

/**
 * Exact arithmetic for prices and quantities: integer ticks and lots. `0.1 + 0.2` is never a
 * balance here. Conversions round to the nearest increment and reject non-finite input.
 */

/** Price → integer ticks. */
export function toTicks(instrument: Instrument, price: number): number {
  return toUnits(price, instrument.tickSize, 'price');
}

/** Integer ticks → price, with no float residue beyond the tick's own decimals. */
export function fromTicks(instrument: Instrument, ticks: number): number {
  return fromUnits(ticks, instrument.tickSize);
}

/** Quantity → integer lots. */
export function toLots(instrument: Instrument, qty: number): number {
  return toUnits(qty, instrument.lotSize, 'quantity');
}

/** Integer lots → quantity. */
export function fromLots(instrument: Instrument, lots: number): number {
  return fromUnits(lots, instrument.lotSize);
}

/** Whether `value` is an exact multiple of `step` (within float representation). */
export function isMultiple(value: number, step: number): boolean {
  const units = value / step;
  return Math.abs(units - Math.round(units)) < 1e-9;
}

/** Number of decimals of a step such as 0.001 (→ 3). */
export function decimalsOf(step: number): number {
  return stepOf(step).decimals;
}

interface Step {
  readonly decimals: number;
  /** 10^decimals. */
  readonly scale: number;
  /** The step in units of 10^-decimals (0.025 → 25 at 3 decimals); NaN unless a whole number. */
  readonly whole: number;
}

// Why a cache: every price and quantity crossing a boundary is converted, with a handful of steps.
const STEPS = new Map<number, Step>();

function stepOf(step: number): Step {
  const known = STEPS.get(step);
  if (known) return known;
  const decimals = countDecimals(step);
  const scale = 10 ** decimals;
  const whole = Math.round(step * scale);
  const made = { decimals, scale, whole: Math.abs(step * scale - whole) < 1e-9 ? whole : NaN };
  if (STEPS.size < 1_000) STEPS.set(step, made);
  return made;
}

function countDecimals(step: number): number {
  const text = step.toString();
  if (text.includes('e-')) return Number(text.split('e-')[1]);
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

function toUnits(value: number, step: number, what: string): number {
  if (!Number.isFinite(value)) throw new RangeError(`${what} must be a finite number, got ${value}`);
  return Math.round(value / step);
}

function fromUnits(units: number, step: number): number {
  const { decimals, scale, whole } = stepOf(step);
  const exact = units * whole;
  // Integers divided by a power of ten are rounded once, to the double nearest the decimal: the
  // same number `toFixed` text would parse to, without the text.
  if (Number.isSafeInteger(exact) && decimals <= 22) return exact / scale + 0; // `+ 0`: no negative zero, as the text path never gave one
  return Number((units * step).toFixed(decimals));
}
