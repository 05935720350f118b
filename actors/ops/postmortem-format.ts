/**
 * Formatting shared by post-mortem drafts and their Markdown: pure functions of their arguments, so
 * the same draft always renders to the same bytes.
 */

/** Clock time as ISO 8601 UTC with milliseconds (`2026-01-01T00:05:10.000Z`). */
export function iso(t: number): string {
  return new Date(t).toISOString();
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/**
 * Time relative to the incident, `T+hh:mm:ss.mmm` or `T-hh:mm:ss.mmm` (hours grow past 99).
 *
 * @example
 * relative(61_500, 0); // 'T+00:01:01.500'
 */
export function relative(t: number, origin: number): string {
  const delta = t - origin;
  const abs = Math.abs(delta);
  const ms = abs % 1000;
  const s = Math.floor(abs / 1000) % 60;
  const m = Math.floor(abs / 60_000) % 60;
  const h = Math.floor(abs / 3_600_000);
  return `T${delta < 0 ? '-' : '+'}${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms, 3)}`;
}

/** A number for people: at most 8 decimals, no exponent for ordinary amounts, no trailing zeros. */
export function amount(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const fixed = x.toFixed(8).replace(/\.?0+$/, '');
  return fixed === '-0' ? '0' : fixed;
}

/** `n thing` / `n things`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * A state path for a row: `a → b → c`, with the count of states left out between the first three
 * and the rest when the row was cut (`skipped`).
 */
export function pathText(path: readonly string[], skipped = 0): string {
  if (skipped === 0 || path.length <= 3) return path.join(' → ');
  return [...path.slice(0, 3), `… (${skipped} more) …`, ...path.slice(3)].join(' → ');
}

/** Every state something passed through, as row text: cut like a timeline row past eight. */
export function statesText(states: readonly string[]): string {
  if (states.length <= 8) return pathText(states);
  return pathText([...states.slice(0, 3), ...states.slice(-5)], states.length - 8);
}
