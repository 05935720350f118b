import test from 'ava';
import { SIMULATION_EPOCH, VirtualClock } from '../../actors/kernel/clock-virtual';

test('virtual clock fires timers in time order, ties in the order they were set', async (t) => {
  const clock = new VirtualClock();
  const fired: string[] = [];
  clock.setTimeout(() => fired.push('c@30'), 30);
  clock.setTimeout(() => fired.push('a@10'), 10);
  clock.setTimeout(() => fired.push('b@10'), 10);
  await clock.advance(100);
  t.deepEqual(fired, ['a@10', 'b@10', 'c@30']);
  t.is(clock.now(), SIMULATION_EPOCH + 100);
});

test('virtual clock lets promise chains settle before the next timestamp', async (t) => {
  const clock = new VirtualClock();
  const seen: string[] = [];
  clock.setTimeout(() => {
    void Promise.resolve()
      .then(() => Promise.resolve())
      .then(() => seen.push(`chain done at ${clock.now() - SIMULATION_EPOCH}`));
  }, 10);
  clock.setTimeout(() => seen.push(`next timer at ${clock.now() - SIMULATION_EPOCH}`), 20);
  await clock.advance(50);
  t.deepEqual(seen, ['chain done at 10', 'next timer at 20']);
});

test('virtual clock runs timers set while firing when they fall inside the advance', async (t) => {
  const clock = new VirtualClock();
  const times: number[] = [];
  const tick = (): void => {
    times.push(clock.now() - SIMULATION_EPOCH);
    clock.setTimeout(tick, 1_000);
  };
  clock.setTimeout(tick, 1_000);
  await clock.advance(5_000);
  t.deepEqual(times, [1_000, 2_000, 3_000, 4_000, 5_000]);
});

test('virtual clock never fires a cleared timer and zero delays fire at the same instant', async (t) => {
  const clock = new VirtualClock();
  let fired = 0;
  const handle = clock.setTimeout(() => fired++, 10);
  clock.clearTimeout(handle);
  clock.setTimeout(() => clock.setTimeout(() => fired++, 0), 5);
  await clock.advance(20);
  t.is(fired, 1);
  t.is(clock.pending(), 0);
});

test('virtual clock moves a million timers quickly (heap, not a sort per step)', async (t) => {
  const clock = new VirtualClock();
  let count = 0;
  for (let i = 0; i < 1_000; i++) {
    const again = (): void => {
      count++;
      if (count < 1_000_000) clock.setTimeout(again, 1_000 + (i % 7));
    };
    clock.setTimeout(again, i);
  }
  await clock.advance(1_000 * 1_010);
  t.true(count >= 1_000_000);
});
