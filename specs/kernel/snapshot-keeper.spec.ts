import test from 'ava';
import { VirtualClock } from '../../actors/kernel/clock-virtual';
import { silentLogger } from '../../actors/kernel/logger';
import { SnapshotKeeper } from '../../actors/kernel/snapshot-keeper';
import { MemoryStore } from '../../actors/kernel/store-memory';

// Context-only changes are written at most every interval; volatile ones (a new book) at most every
// volatile interval, unless a change that is not volatile waits behind them.

async function keeper(): Promise<{
  clock: VirtualClock;
  change: (n: number, volatile: boolean) => Promise<void>;
  stored: () => Promise<unknown>;
}> {
  const clock = new VirtualClock();
  const store = new MemoryStore({ instance: 'snap-spec' });
  const keeper = new SnapshotKeeper('a', store, clock, 5_000, silentLogger(), 60_000);
  return {
    clock,
    change: async (n, volatile) => {
      keeper.changed(false, 's', () => ({ n }), volatile);
      await clock.settle();
    },
    stored: async () => (await store.loadActor('a'))?.snapshot,
  };
}

test('a volatile change waits the volatile interval since the last write', async (t) => {
  const { clock, change, stored } = await keeper();
  await change(1, true);
  t.deepEqual(await stored(), { n: 1 }, 'the first change is written at once');
  await clock.advance(10_000);
  await change(2, true);
  t.deepEqual(await stored(), { n: 1 }, '10 s later a volatile change is not due');
  await clock.advance(50_000);
  await change(3, true);
  t.deepEqual(await stored(), { n: 3 }, 'a minute after the last write it is');
});

test('a change that is not volatile is due after the interval, even when only volatile ones follow it', async (t) => {
  const { clock, change, stored } = await keeper();
  await change(1, false);
  await clock.advance(1_000);
  await change(2, false);
  t.deepEqual(await stored(), { n: 1 }, 'within the interval nothing is written');
  await clock.advance(5_000);
  await change(3, true);
  t.deepEqual(await stored(), { n: 3 }, 'the volatile change carries the one waiting behind it');
  await clock.advance(5_000);
  await change(4, true);
  t.deepEqual(await stored(), { n: 3 }, 'with nothing urgent left, volatile changes wait again');
});
