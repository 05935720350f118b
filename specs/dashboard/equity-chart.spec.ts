import test from 'ava';
import { equityChart } from '../../dashboard/src/lib/equity-chart';

// The equity curve's layout, drawn by the dashboard without a chart library.

test('the curve spans the box: first point left, last right, highest equity at the top', (t) => {
  const chart = equityChart(
    [
      { t: 0, equity: 100 },
      { t: 5, equity: 120 },
      { t: 10, equity: 110 },
    ],
    200,
    100,
    0,
  );
  t.is(chart.line, '0,100 100,0 200,50');
  t.is(chart.area, 'M 0,100 L 0,100 L 100,0 L 200,50 L 200,100 Z');
  t.like(chart, { min: 100, max: 120, last: { x: 200, y: 50 } });
});

test('points are placed by time, so uneven marks stay uneven', (t) => {
  const chart = equityChart(
    [
      { t: 1_000, equity: 1 },
      { t: 1_100, equity: 2 },
      { t: 2_000, equity: 3 },
    ],
    104,
    54,
    2,
  );
  t.is(chart.line, '2,52 12,27 102,2');
});

test('a single point or a flat curve sits in the middle', (t) => {
  t.is(equityChart([{ t: 7, equity: 5 }], 100, 40).line, '50,20');
  t.is(
    equityChart(
      [
        { t: 0, equity: 5 },
        { t: 10, equity: 5 },
      ],
      100,
      40,
      0,
    ).line,
    '0,20 100,20',
  );
});

test('no points draw nothing', (t) => {
  t.deepEqual(equityChart([], 100, 40), { line: '', area: '', min: 0, max: 0, last: null });
});
