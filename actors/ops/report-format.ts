/**
 * Number, time and duration formatting shared by the report's flags and renderers. Fixed formats
 * with no locale, so the same report renders to the same bytes on every host.
 */

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** `2026-01-05 13:04 UTC`; seconds only when there are any. */
export function utcTime(t: number): string {
  const iso = new Date(t).toISOString();
  const seconds = iso.slice(17, 23);
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}${seconds === '00.000' ? '' : `:${seconds.slice(0, 2)}`} UTC`;
}

/** `3d 4h 5m`, `12m`, `0m`; seconds only under a minute. */
export function duration(ms: number): string {
  if (ms < MINUTE_MS) return ms <= 0 ? '0m' : `${Math.round(ms / 1_000)}s`;
  const days = Math.floor(ms / DAY_MS);
  const hours = Math.floor((ms % DAY_MS) / HOUR_MS);
  const minutes = Math.floor((ms % HOUR_MS) / MINUTE_MS);
  const parts = [days > 0 ? `${days}d` : '', hours > 0 ? `${hours}h` : '', minutes > 0 ? `${minutes}m` : ''];
  return parts.filter((p) => p !== '').join(' ');
}

/** A ratio as a percentage with three decimals (`99.982%`); `n/a` for null. */
export function percent(ratio: number | null): string {
  return ratio === null ? 'n/a' : `${(ratio * 100).toFixed(3)}%`;
}

/**
 * A figure with at most `digits` decimals, trailing zeros dropped (`12.5`, `3`, `-0.25`); `n/a` for
 * null. Negative zero prints as `0`.
 */
export function figure(value: number | null, digits = 2): string {
  if (value === null || !Number.isFinite(value)) return 'n/a';
  const fixed = value.toFixed(digits);
  const trimmed = fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed;
  return trimmed === '-0' ? '0' : trimmed;
}

/** A signed change: `+12.5`, `-3`, `0`; `n/a` for null. */
export function signed(value: number | null, digits = 2): string {
  const text = figure(value, digits);
  return value !== null && text !== '0' && text !== 'n/a' && value > 0 ? `+${text}` : text;
}

/** A count, `n/a` for null. */
export function count(value: number | null): string {
  return value === null ? 'n/a' : String(value);
}

/** `#3, #7` (or `none`). */
export function ids(list: readonly number[]): string {
  return list.length === 0 ? 'none' : list.map((id) => `#${id}`).join(', ');
}
