import test from 'ava';
import { diffFills } from '../../actors/safety/reconciliation-fills';
import type { FillRecord } from '../../actors/trading/execution-store';
import type { Fill } from '../../actors/trading/types';
import { specFill } from './reconciler-fixture';

function fill(fillId: string, overrides: Partial<Fill> = {}): Fill {
  return specFill({ fillId, ...overrides });
}

function recorded(venue: Fill, overrides: Partial<FillRecord> = {}): FillRecord {
  return { ...venue, engine: 'mm', strategy: 'a', intentId: 'intent-1', ...overrides };
}

test('fills that agree give an empty diff, whatever the order or float spelling', (t) => {
  const venue = [fill('f1'), fill('f2', { qty: 0.3 })];
  const local = [recorded(fill('f2', { qty: 0.1 + 0.2 })), recorded(fill('f1'))];
  t.deepEqual(diffFills(local, venue), {
    missingLocally: [],
    unknownAtVenue: [],
    mismatched: [],
    conflictingAtVenue: [],
  });
});

test('a fill the venue has and we do not is reported for healing', (t) => {
  const missed = fill('f2');
  const diff = diffFills([recorded(fill('f1'))], [fill('f1'), missed]);
  t.deepEqual(diff.missingLocally, [missed]);
  t.deepEqual(diff.unknownAtVenue, []);
});

test('a fill we recorded and the venue does not know is reported for a human', (t) => {
  const phantom = recorded(fill('f9'));
  const diff = diffFills([recorded(fill('f1')), phantom], [fill('f1')]);
  t.deepEqual(diff.unknownAtVenue, [phantom]);
  t.deepEqual(diff.missingLocally, []);
});

test('the same fill described differently is a mismatch naming the fields', (t) => {
  const ours = recorded(fill('f1'));
  const theirs = fill('f1', { qty: 0.4, fee: 0.04, venueOrderId: 'v-2', t: 99, liquidity: 'taker' });
  const diff = diffFills([ours], [theirs]);
  // Time and liquidity are not compared: they move no balance.
  t.deepEqual(diff.mismatched, [{ local: ours, venue: theirs, fields: ['venueOrderId', 'qty', 'fee'] }]);
  t.deepEqual(diff.missingLocally, []);
  t.deepEqual(diff.unknownAtVenue, []);
});

test('a fill under another order is a mismatch, not a match', (t) => {
  const diff = diffFills([recorded(fill('f1'))], [fill('f1', { clientOrderId: 'pd-abcdef-2' })]);
  t.deepEqual(diff.mismatched[0]?.fields, ['clientOrderId']);
});

test('overlapping venue pages count a fill once; one id with two contents is bad venue data', (t) => {
  const diff = diffFills([], [fill('f1'), fill('f1'), fill('f1', { price: 101 })]);
  t.deepEqual(diff.missingLocally, [fill('f1')]);
  t.deepEqual(diff.conflictingAtVenue, [fill('f1', { price: 101 })]);
});
