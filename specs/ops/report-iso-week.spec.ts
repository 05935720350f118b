import test from 'ava';
import {
  WEEK_MS,
  isoWeekLabel,
  parseIsoWeek,
  weekNumber,
  weekRange,
  weekRangeOf,
  weeksInYear,
} from '../../actors/ops/iso-week';

const at = (iso: string): number => Date.parse(iso);

test('1 January can belong to the previous year: 2027-01-01 is in 2026-W53', (t) => {
  t.is(isoWeekLabel(at('2027-01-01T00:00:00Z')), '2026-W53');
  t.is(isoWeekLabel(at('2027-01-03T23:59:59.999Z')), '2026-W53');
  t.is(isoWeekLabel(at('2027-01-04T00:00:00Z')), '2027-W01');
  t.is(isoWeekLabel(at('2021-01-01T12:00:00Z')), '2020-W53');
  t.is(isoWeekLabel(at('2023-01-01T00:00:00Z')), '2022-W52');
});

test('late December can belong to the next year: 2025-12-29 is in 2026-W01', (t) => {
  t.is(isoWeekLabel(at('2025-12-28T23:59:59.999Z')), '2025-W52');
  t.is(isoWeekLabel(at('2025-12-29T00:00:00Z')), '2026-W01');
  t.is(isoWeekLabel(at('2024-12-30T00:00:00Z')), '2025-W01');
  t.is(isoWeekLabel(at('2026-01-01T00:00:00Z')), '2026-W01');
});

test('a year has 53 weeks when 1 January is a Thursday, or a Wednesday in a leap year', (t) => {
  t.is(weeksInYear(2026), 53); // Thursday
  t.is(weeksInYear(2020), 53); // Wednesday, leap
  t.is(weeksInYear(2015), 53); // Thursday
  t.is(weeksInYear(2027), 52);
  t.is(weeksInYear(2024), 52); // Monday, leap
  t.is(weeksInYear(2019), 52); // Tuesday
  t.deepEqual(parseIsoWeek('2026-W53'), { year: 2026, week: 53 });
  t.is(parseIsoWeek('2027-W53'), undefined);
  t.is(parseIsoWeek('2025-W53'), undefined);
});

test('a week runs Monday 00:00 to the next Monday 00:00 UTC', (t) => {
  const w = weekRange('2026-W01');
  t.is(new Date(w.from).toISOString(), '2025-12-29T00:00:00.000Z');
  t.is(new Date(w.to).toISOString(), '2026-01-05T00:00:00.000Z');
  t.is(w.to - w.from, WEEK_MS);
  const last = weekRange('2026-W53');
  t.is(new Date(last.from).toISOString(), '2026-12-28T00:00:00.000Z');
  t.is(last.to, weekRange('2027-W01').from);
  t.deepEqual(weekRangeOf(w.from), w);
  t.deepEqual(weekRangeOf(w.to - 1), w);
  t.is(weekRangeOf(w.to).week, '2026-W02');
});

test('only YYYY-Www with a week the year has is read', (t) => {
  for (const bad of [
    '2026-W00',
    '2026-W54',
    '2026-W1',
    '2026W01',
    '2026-w01',
    '26-W01',
    '1969-W10',
    ' 2026-W01',
    'current',
  ])
    t.is(parseIsoWeek(bad), undefined, bad);
  t.throws(() => weekRange('2026-W54'), {
    instanceOf: RangeError,
    message: /2026-W54: expected an ISO week YYYY-Www/,
  });
});

test('week numbers are consecutive across year boundaries, for the ring of week slots', (t) => {
  t.is(weekNumber(weekRange('2027-W01').from) - weekNumber(weekRange('2026-W53').from), 1);
  t.is(weekNumber(weekRange('2026-W01').from) - weekNumber(weekRange('2025-W52').from), 1);
  t.is(weekNumber(at('1969-12-29T00:00:00Z')), 0);
  t.is(weekNumber(weekRange('2026-W02').to - 1), weekNumber(weekRange('2026-W02').from));
});

test('every day of three decades lands in the week whose range holds it', (t) => {
  let previous = '';
  for (let day = at('2015-01-01T00:00:00Z'); day < at('2045-01-01T00:00:00Z'); day += 86_400_000) {
    const range = weekRangeOf(day + 43_200_000);
    t.true(range.from <= day && day < range.to);
    if (range.week !== previous) {
      t.is(new Date(range.from).getUTCDay(), 1);
      previous = range.week;
    }
  }
});
