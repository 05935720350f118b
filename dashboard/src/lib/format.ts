/** `1d 04h`, `2h 05m`, `4m 12s`, `12.3s`, `850ms`: the two largest units of a duration. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  const seconds = ms / 1_000;
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.floor(seconds)}s`;
  const s = Math.floor(seconds) % 60;
  const m = Math.floor(seconds / 60) % 60;
  const h = Math.floor(seconds / 3_600) % 24;
  const d = Math.floor(seconds / 86_400);
  const pad = (n: number): string => String(n).padStart(2, '0');
  if (d > 0) return `${d}d ${pad(h)}h`;
  if (h > 0) return `${h}h ${pad(m)}m`;
  return `${m}m ${pad(s)}s`;
}

/** A clock time as `HH:MM:SS.mmm` UTC (simulations run on a virtual clock, so UTC is the honest zone). */
export function formatClock(t: number): string {
  if (!Number.isFinite(t)) return '–';
  return new Date(t).toISOString().slice(11, 23);
}

/** A clock time in full, for tooltips. */
export function formatInstant(t: number): string {
  return Number.isFinite(t) ? new Date(t).toISOString() : '–';
}

/** A summary value on one short line: numbers as they are, strings unquoted, the rest as JSON. */
export function formatValue(value: unknown, max = 48): string {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (typeof value === 'number')
    text = Number.isInteger(value) ? String(value) : String(+value.toPrecision(8));
  else if (value === null || value === undefined) text = '–';
  else text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** An amount with exactly `decimals` decimals and thousands separators: `10,022.55`. */
export function formatAmount(value: number | null | undefined, decimals = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** A PnL figure with its sign: `+14.55`, `-2.00`, `0.00`. */
export function formatSigned(value: number | null | undefined, decimals = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return value.toLocaleString('en-US', {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
    signDisplay: 'exceptZero',
  });
}

/** A quantity or price as exact as it came, up to 8 decimals: `0.05`, `30,200`. */
export function formatQty(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return value.toLocaleString('en-US', { maximumFractionDigits: 8 });
}

/** `gain`, `loss` or `flat`: the tone of a signed figure. */
export function signTone(value: number | null | undefined): 'gain' | 'loss' | 'flat' {
  if (value === null || value === undefined || value === 0 || !Number.isFinite(value)) return 'flat';
  return value > 0 ? 'gain' : 'loss';
}
