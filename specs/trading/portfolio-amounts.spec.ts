import test from 'ava';
import {
  divRound,
  formatScaled,
  fromScaled,
  toScaled,
  toScaledExact,
} from '../../actors/trading/portfolio-amounts';

// Scaled integers: a number means the shortest decimal that round-trips to it.

test('a number is read as the decimal it prints as, not its binary expansion', (t) => {
  // 30000.55 is stored as 30000.549999999999272…; read at 12 decimals it must still be .55
  t.is(toScaled(30_000.55, 12), 30_000_550_000_000_000n);
  t.is(toScaled(0.1, 2), 10n);
  t.is(toScaled(1.5e-7, 8), 15n);
  t.is(toScaled(-2, 3), -2000n);
});

test('extra decimals round half away from zero', (t) => {
  t.is(toScaled(0.125, 2), 13n);
  t.is(toScaled(-0.125, 2), -13n);
  t.is(toScaled(0.124, 2), 12n);
  t.is(divRound(5n, 2n), 3n);
  t.is(divRound(-5n, 2n), -3n);
  t.is(divRound(-4n, 3n), -1n);
});

test('exact conversion refuses a number with more decimals than the scale', (t) => {
  t.is(toScaledExact(0.001, 3), 1n);
  t.is(toScaledExact(0.0015, 3), null);
});

test('non-finite and non-number input has no scaled value', (t) => {
  for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, '1', undefined, null])
    t.is(toScaled(bad, 2), null);
});

test('scaled integers print exactly and convert back to the nearest number', (t) => {
  t.is(formatScaled(-1205n, 3), '-1.205');
  t.is(formatScaled(5n, 3), '0.005');
  t.is(formatScaled(1200n, 2), '12');
  t.is(fromScaled(799_800_000_000_000n, 12), 799.8);
});
