import test from 'ava';
import { OrphanTracker } from '../../actors/safety/orphan-tracker';

test('an orphan seen in one pass does not count yet', (t) => {
  const tracker = new OrphanTracker({ minGapMs: 10_000 });
  t.deepEqual(tracker.observe(0, ['pd-a', 'pd-b']), []);
  t.is(tracker.size, 2);
});

test('an orphan seen in two passes far enough apart counts, and keeps counting while listed', (t) => {
  const tracker = new OrphanTracker({ minGapMs: 10_000 });
  tracker.observe(0, ['pd-a']);
  t.deepEqual(tracker.observe(10_000, ['pd-a', 'pd-b']), ['pd-a']);
  // Its cancel may have failed: the next pass still lists it, so it is confirmed again; pd-b now too.
  t.deepEqual(tracker.observe(20_000, ['pd-a', 'pd-b']), ['pd-a', 'pd-b']);
});

test('a second sighting too soon after the first does not count until the gap has passed', (t) => {
  const tracker = new OrphanTracker({ minGapMs: 10_000 });
  tracker.observe(0, ['pd-a']);
  t.deepEqual(tracker.observe(3_000, ['pd-a']), []);
  t.deepEqual(tracker.observe(9_999, ['pd-a']), []);
  // The gap runs from the first sighting, not the last.
  t.deepEqual(tracker.observe(10_000, ['pd-a']), ['pd-a']);
});

test('two sightings in the same pass (or a repeated pass) are one', (t) => {
  const tracker = new OrphanTracker({ minGapMs: 0 });
  t.deepEqual(tracker.observe(5, ['pd-a', 'pd-a']), []);
  t.deepEqual(tracker.observe(5, ['pd-a']), []);
  t.deepEqual(tracker.observe(6, ['pd-a']), ['pd-a']);
});

test('an orphan missing from one pass is forgotten and starts over', (t) => {
  const tracker = new OrphanTracker({ minGapMs: 10_000 });
  tracker.observe(0, ['pd-a']);
  t.deepEqual(tracker.observe(10_000, []), []);
  t.is(tracker.size, 0);
  t.deepEqual(tracker.observe(20_000, ['pd-a']), []);
  t.deepEqual(tracker.observe(30_000, ['pd-a']), ['pd-a']);
});

test('a clock that goes back forgets every sighting', (t) => {
  const tracker = new OrphanTracker({ minGapMs: 10_000 });
  tracker.observe(50_000, ['pd-a']);
  t.deepEqual(tracker.observe(0, ['pd-a']), []);
  t.deepEqual(tracker.observe(10_000, ['pd-a']), ['pd-a']);
});

test('memory is bounded: past capacity ids go untracked and are counted, tracked ones keep their place', (t) => {
  const tracker = new OrphanTracker({ minGapMs: 1, capacity: 2 });
  tracker.observe(0, ['pd-a']);
  t.deepEqual(tracker.observe(1, ['pd-x', 'pd-y', 'pd-z', 'pd-a']), ['pd-a']);
  t.is(tracker.size, 2);
  t.is(tracker.dropped, 2);
});

test('the state survives a restart through JSON', (t) => {
  const tracker = new OrphanTracker({ minGapMs: 10_000, capacity: 50 });
  tracker.observe(0, ['pd-a', 'pd-b']);
  tracker.observe(4_000, ['pd-a', 'pd-b', 'pd-c']);
  const json = JSON.parse(JSON.stringify(tracker));
  const restored = OrphanTracker.from(json);
  t.deepEqual(restored.toJSON(), tracker.toJSON());
  t.deepEqual(restored.observe(12_000, ['pd-a', 'pd-c']), ['pd-a']);
  t.deepEqual(tracker.observe(12_000, ['pd-a', 'pd-c']), ['pd-a']);
});

test('a malformed saved state is refused with the field named', (t) => {
  const good = new OrphanTracker({ minGapMs: 1 }).toJSON();
  t.throws(() => OrphanTracker.from({ ...good, version: 2 as 1 }), { message: /version/ });
  t.throws(() => OrphanTracker.from({ ...good, minGapMs: -1 }), { message: /minGapMs/ });
  t.throws(() => OrphanTracker.from({ ...good, seen: [['pd-a', Number.NaN]] }), { message: /seen\[0\]/ });
  t.throws(() => new OrphanTracker({ minGapMs: 1, capacity: 0 }), { message: /capacity/ });
});
