import test from 'ava';
import { runSoak } from '../../actors/sim/soak';

test('soak: the same seed gives the same journal hash; another seed a different one', async (t) => {
  const a = await runSoak({ days: 0.5, seed: 11 });
  const b = await runSoak({ days: 0.5, seed: 11 });
  const c = await runSoak({ days: 0.5, seed: 12 });
  t.is(a.journalHash, b.journalHash);
  t.is(a.transitions, b.transitions);
  t.is(a.restarts, b.restarts);
  t.notDeepEqual(a.faults, { crashes: 0, hangs: 0, crashLoops: 0 });
  t.not(a.journalHash, c.journalHash);
  t.true(a.restarts > 0);
  t.is(a.finalState, 'running');
  t.regex(a.journalHash, /^[0-9a-f]{64}$/);
});
