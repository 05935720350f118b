import test from 'ava';
import type { ExecutionContext } from 'ava';
import { setup } from 'xstate';
import { z } from 'zod';
import { defineComponent } from '../../actors/kernel/component';
import { MemoryStore } from '../../actors/kernel/store-memory';
import { silentLogger } from '../../actors/kernel/logger';
import { AnomalyTracker } from '../../actors/ops/anomaly-tracker';
import type { AnomalyView } from '../../actors/ops/anomaly-view';
import { realHeapSampler } from '../../actors/ops/leak-heap-sampler';
import { sampleRegistry } from '../../actors/sample/registry';
import { exposeGc } from '../../actors/sim/heap';
import { simulated } from '../helpers/runtime';
import { sampleTree } from '../helpers/sample-tree';

// T2 (memory leak). Both tests read this process's real heap, so they run one after the other, in
// a file of their own (ava gives each file its own process), the clean run first.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** What the leaking component holds on to: released by the spec once the run is over. */
const hoard: number[][] = [];

/**
 * A deliberately leaking component: it keeps a copy of every price it is sent, `bytesPerTick` of
 * them (doubles, on the JS heap, not a Buffer). At the feed's 2 s tick, 4 KB a tick is 120 KB per
 * simulated minute, ~170 MB per simulated day.
 */
const leakyCache = defineComponent({
  kind: 'leaky-cache',
  description: 'Keeps every price it is sent, for ever (a deliberate leak)',
  machine: setup({}).createMachine({ id: 'leaky-cache', initial: 'caching', states: { caching: {} } }),
  configSchema: z.strictObject({ bytesPerTick: z.number().int().min(8).default(4_096) }),
  input: () => ({}),
  effects: (env) => ({
    run: () => {},
    handle: (event) => {
      if (event.type !== 'price.ticked') return false;
      hoard.push(
        new Array<number>(env.config.bytesPerTick / 8).fill(Number(event.price) + hoard.length / 1e6),
      );
      return true;
    },
  }),
});

/** The sample tree (feed ticking every 2 s), with the leaking component under `ops` when asked. */
function tree(instance: string, leak: boolean): Record<string, unknown> {
  const config = sampleTree({ instance, tickMs: 2_000 }) as unknown as {
    root: { children: { id: string; children: unknown[] }[] };
  };
  if (leak) {
    const ops = config.root.children.find((c) => c.id === 'ops');
    ops?.children.push({ type: 'component', id: 'cache', kind: 'leaky-cache', subscribe: ['prices'] });
  }
  return config as unknown as Record<string, unknown>;
}

/**
 * Runs the tree on a virtual clock for up to a simulated day with the tracker watching the real
 * heap (after a forced GC each sample) and the journal; stops early at the first heap anomaly.
 */
async function watch(
  t: ExecutionContext,
  leak: boolean,
): Promise<{ flagged: AnomalyView | undefined; all: AnomalyView[]; hours: number }> {
  const registry = sampleRegistry().register(leakyCache, __filename);
  const store = new MemoryStore({ instance: `anomaly-leak-${leak}`, journalLimit: 10_000 });
  const { runtime, clock } = await simulated({ config: tree(store.instance, leak), registry, store });
  const start = clock.now();
  const tracker = await AnomalyTracker.open({
    store,
    clock,
    logger: silentLogger(),
    sources: { journal: runtime.kernel.journal, heap: realHeapSampler({ gc: exposeGc() }) },
  });
  tracker.start();
  let flagged: AnomalyView | undefined;
  try {
    while (clock.now() - start < DAY && flagged === undefined) {
      await clock.advance(tracker.config.heap.everyMs);
      flagged = tracker.list({ kind: 'heap-growth' })[0];
    }
    return { flagged, all: tracker.list(), hours: (clock.now() - start) / HOUR };
  } finally {
    await tracker.stop();
    await runtime.stop();
    hoard.length = 0;
    t.log(`leak ${leak}: ran ${(clock.now() - start) / HOUR} simulated h`);
  }
}

test.serial('T2: without a leak the leak detector flags nothing in a simulated day', async (t) => {
  const { flagged, all, hours } = await watch(t, false);
  t.is(hours, 24);
  t.is(flagged, undefined);
  t.deepEqual(all, [], 'no detector flags anything');
});

test.serial(
  'T2: a component leaking ~120 KB per simulated minute is flagged within a simulated day',
  async (t) => {
    const { flagged, hours } = await watch(t, true);
    t.truthy(flagged, 'flagged');
    t.true(hours < 24);
    const evidence = flagged?.evidence as { slopeMBPerDay: number; tau: number; postGc: boolean };
    t.log(`flagged after ${hours} simulated h: ${flagged?.summary}`);
    t.like(flagged, { kind: 'heap-growth', subject: { type: 'process', id: 'heap' }, unit: 'MB' });
    t.true(evidence.postGc);
    // ~170 MB/day retained; the figure is a measurement, so only its size is checked.
    t.true(evidence.slopeMBPerDay > 80 && evidence.slopeMBPerDay < 400, `${evidence.slopeMBPerDay} MB/day`);
  },
);
