/**
 * ISO 8601 weeks in UTC (`2026-W02`): a week runs Monday 00:00 to the next Monday 00:00 UTC and
 * belongs to the year its Thursday falls in, so week 1 is the week of the year's first Thursday
 * (the one holding 4 January) and a year has 52 or 53 weeks. 1 January can belong to the previous
 * year's last week (2027-01-01 is in 2026-W53), and 29–31 December to the next year's week 1
 * (2025-12-29 is in 2026-W01). Pure arithmetic on epoch milliseconds, no local time.
 */

const DAY_MS = 86_400_000;
/** One week, ms. */
export const WEEK_MS = 7 * DAY_MS;
/** 1970-01-01 was a Thursday: the Monday of its week is three days earlier. */
const EPOCH_MONDAY_MS = -3 * DAY_MS;

/** A week as numbers; {@link formatIsoWeek} spells it. */
export interface IsoWeek {
  readonly year: number;
  /** 1 to 52, or 53 in a long year. */
  readonly week: number;
}

/** A week's span in clock ms: `from` inclusive (Monday 00:00 UTC), `to` exclusive (the next Monday). */
export interface WeekRange {
  readonly week: string;
  readonly from: number;
  readonly to: number;
}

/** What `--week` and `/api/reports/:week` take, in words. */
export const ISO_WEEK_EXPECTED =
  'expected an ISO week YYYY-Www, e.g. 2026-W02 (W01 to W52, or W53 in a long year)';

/** Day of the week, Monday 0 … Sunday 6, of the day `day` days after 1970-01-01. */
function weekday(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

/** Days from 1970-01-01 to 1 January of `year`. */
function firstOfYear(year: number): number {
  return Date.UTC(year, 0, 1) / DAY_MS;
}

/** Weeks in an ISO year: 53 when 1 January is a Thursday, or a Wednesday in a leap year; else 52. */
export function weeksInYear(year: number): number {
  const jan1 = weekday(firstOfYear(year));
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return jan1 === 3 || (leap && jan1 === 2) ? 53 : 52;
}

/** `2026-W02`. */
export function formatIsoWeek(week: IsoWeek): string {
  return `${String(week.year).padStart(4, '0')}-W${String(week.week).padStart(2, '0')}`;
}

/** The ISO week clock time `t` falls in. */
export function isoWeekOf(t: number): IsoWeek {
  const day = Math.floor(t / DAY_MS);
  const thursday = day - weekday(day) + 3;
  const year = new Date(thursday * DAY_MS).getUTCFullYear();
  return { year, week: Math.floor((thursday - firstOfYear(year)) / 7) + 1 };
}

/** The ISO week of `t`, spelled: `isoWeekLabel(Date.UTC(2027, 0, 1))` is `2026-W53`. */
export function isoWeekLabel(t: number): string {
  return formatIsoWeek(isoWeekOf(t));
}

/**
 * Reads `2026-W02`; undefined for anything else, including a week the year does not have
 * (`2025-W53`) and years outside 1970–9999.
 *
 * @example
 * parseIsoWeek('2026-W53'); // { year: 2026, week: 53 }
 * parseIsoWeek('2027-W53'); // undefined: 2027 has 52 weeks
 */
export function parseIsoWeek(text: string): IsoWeek | undefined {
  const match = /^(\d{4})-W(\d{2})$/.exec(text);
  if (!match) return undefined;
  const year = Number(match[1]);
  const week = Number(match[2]);
  if (year < 1970 || week < 1 || week > weeksInYear(year)) return undefined;
  return { year, week };
}

/** Monday 00:00 UTC opening `week`, in clock ms. */
export function weekStart(week: IsoWeek): number {
  const jan4 = firstOfYear(week.year) + 3;
  const monday1 = jan4 - weekday(jan4);
  return (monday1 + (week.week - 1) * 7) * DAY_MS;
}

/** The span of `week` (a label or numbers). Throws a `RangeError` for a label that is no ISO week. */
export function weekRange(week: string | IsoWeek): WeekRange {
  const parsed = typeof week === 'string' ? parseIsoWeek(week) : week;
  if (parsed === undefined) throw new RangeError(`${String(week)}: ${ISO_WEEK_EXPECTED}`);
  const from = weekStart(parsed);
  return { week: formatIsoWeek(parsed), from, to: from + WEEK_MS };
}

/** The span of the week `t` falls in. */
export function weekRangeOf(t: number): WeekRange {
  return weekRange(isoWeekOf(t));
}

/**
 * Weeks since the week of 1970-01-01 (which is 0): consecutive weeks have consecutive numbers
 * across year boundaries, which is what a ring of week slots is indexed by.
 */
export function weekNumber(t: number): number {
  return Math.floor((t - EPOCH_MONDAY_MS) / WEEK_MS);
}
