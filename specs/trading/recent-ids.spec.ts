import test from 'ava';
import { RecentIds } from '../../actors/trading/recent-ids';

test('RecentIds remembers the last ids added and forgets the oldest beyond its capacity', (t) => {
  const seen = new RecentIds(3);
  for (const id of ['a', 'b', 'c']) seen.add(id);
  seen.add('b');
  t.true(
    ['a', 'b', 'c'].every((id) => seen.has(id)),
    'adding a known id changes nothing',
  );
  seen.add('d');
  t.false(seen.has('a'), 'the oldest goes first');
  t.true(['b', 'c', 'd'].every((id) => seen.has(id)));
  t.false(seen.has('e'));
});
