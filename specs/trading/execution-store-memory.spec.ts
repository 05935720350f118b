import test from 'ava';
import { exposeGc } from '../../actors/sim/heap';
import type { FillRecord } from '../../actors/trading/execution-store';
import { MemoryExecutionStore } from '../../actors/trading/execution-store-memory';
import { fillOf } from './execution-store-fixture';

// Reads this process's real heap: one test, in a file of its own (ava gives each file a process).

const CAP = 5_000;

const fill = (n: number): FillRecord => fillOf(n, { price: 50_000 + (n % 100) });

test('issue 5: the memory execution store frees a dropped fill at once, so fillsCap bounds the heap and not twice it', async (t) => {
  const gc = exposeGc();
  if (gc === undefined) {
    t.pass('V8 refused to expose gc: nothing to measure');
    return;
  }
  const heap = async (): Promise<number> => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    gc();
    return process.memoryUsage().heapUsed;
  };
  const exec = new MemoryExecutionStore({ fillsCap: CAP });
  const empty = await heap();
  for (let n = 1; n <= CAP; n++) await exec.appendFill(fill(n));
  const full = await heap();
  // Almost another cap's worth: every one drops the oldest, and the array is not compacted yet.
  for (let n = CAP + 1; n < 2 * CAP; n++) await exec.appendFill(fill(n));
  const after = await heap();
  const perCap = full - empty;
  t.true(perCap > 0, `${perCap} bytes for ${CAP} fills`);
  t.true(
    after - full < perCap * 0.3,
    `kept ${after - full} bytes more after replacing them (${perCap} per cap)`,
  );
  t.is((await exec.fills({ limit: 2 * CAP })).length, CAP);
  t.log(`${Math.round(perCap / CAP)} bytes per kept fill`);
});
