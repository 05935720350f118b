/**
 * Exact decimal amounts for the portfolio: every quantity, price, balance and cost is a `bigint`
 * counting units of `10^-scale` (a *scaled integer*). Sums of scaled integers never drift, so a
 * ledger adds up to its balance to the last unit; numbers appear only at the boundary.
 *
 * A JavaScript number is read as the shortest decimal that round-trips to it (`String(x)`), which is
 * what a venue or a JSON document wrote: `30000.55` is 30000.55, not the binary
 * 30000.549999999999272… that `toFixed(12)` would expose.
 */

const NUMBER_TEXT = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/;

// Why a table: amounts are rescaled on every fill and every equity reading.
const POWERS: readonly bigint[] = Array.from({ length: 40 }, (_, i) => 10n ** BigInt(i));

/** `10^n` as a bigint. */
export function pow10(n: number): bigint {
  return n >= 0 && n < POWERS.length ? POWERS[n]! : 10n ** BigInt(n);
}

/** `n / d` rounded to the nearest integer, halves away from zero. `d` must be positive. */
export function divRound(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  const twice = r < 0n ? -2n * r : 2n * r;
  if (twice < d) return q;
  return n < 0n ? q - 1n : q + 1n;
}

/**
 * A finite number → scaled integer at `scale` decimals, rounding halves away from zero when the
 * number has more decimals than the scale. Returns `null` for NaN, ±Infinity or a non-number.
 */
export function toScaled(value: unknown, scale: number): bigint | null {
  const parsed = parse(value, scale);
  if (parsed === null) return null;
  const { negative, digits, shift } = parsed;
  const magnitude = shift >= 0 ? digits * pow10(shift) : divRound(digits, pow10(-shift));
  return negative ? -magnitude : magnitude;
}

/** Like {@link toScaled}, but `null` unless the number is exactly representable at `scale`. */
export function toScaledExact(value: unknown, scale: number): bigint | null {
  const parsed = parse(value, scale);
  if (parsed === null) return null;
  if (parsed.shift < 0 && parsed.digits % pow10(-parsed.shift) !== 0n) return null;
  return toScaled(value, scale);
}

function parse(value: unknown, scale: number): { negative: boolean; digits: bigint; shift: number } | null {
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  const match = NUMBER_TEXT.exec(String(value));
  if (match === null) return null;
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = match;
  return {
    negative: sign === '-',
    digits: BigInt(whole + fraction),
    shift: Number(exponent) - fraction.length + scale,
  };
}

/** Scaled integer → exact decimal text (`-12.5`), no exponent, no trailing zeros. */
export function formatScaled(value: bigint, scale: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction === '' ? '' : `.${fraction}`}`;
}

/** Scaled integer → the nearest number (the boundary conversion). */
export function fromScaled(value: bigint, scale: number): number {
  return Number(formatScaled(value, scale));
}

/** Decimal integer text from a snapshot → bigint; `null` if it is not one. */
export function bigintFromJSON(text: string): bigint | null {
  return /^-?\d+$/.test(text) ? BigInt(text) : null;
}
