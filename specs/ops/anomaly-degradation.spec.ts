import test from 'ava';
import { silentLogger } from '../../actors/kernel/logger';
import { Rng } from '../../actors/kernel/rng';
import type { AnomalyKind } from '../../actors/ops/anomaly-record';
import { AnomalyTracker } from '../../actors/ops/anomaly-tracker';
import type { SimVenue } from '../../actors/venues/sim-venue';
import { componentsOf } from '../helpers/sample-tree';
import { oneEngine, simulatedTrading } from '../helpers/trading';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** What was true when an anomaly kind was first flagged. */
interface Flag {
  readonly hours: number;
  readonly breakers: Readonly<Record<string, string>>;
  readonly summary: string;
}

test('T3: venue latency creeping 1%/h and a slow heap creep are flagged while no breaker is RED, the latency one still GREEN', async (t) => {
  const sim = await simulatedTrading(oneEngine({ mode: 'live' }));
  t.teardown(() => sim.stop());
  const { runtime, clock, store } = sim;
  const start = clock.now();
  const venue = sim.trading.services.venue('sim') as SimVenue;
  // The venue answers submissions 400 ms late, 1% later every hour, from the first order on.
  const delayAt = (hour: number) => Math.round(400 * 1.01 ** hour);
  let fault = venue.faults.set({ kind: 'delay', ms: delayAt(0), ops: ['submit'], count: 'unlimited' });

  // The real heap of a spec process is noise: a heap creeping 1 MB/h (24 MB/day) is fed in.
  const noise = new Rng(11).stream('heap');
  const heap = { postGc: true, sample: () => 80 + (clock.now() - start) / HOUR + (noise.next() - 0.5) };
  const tracker = await AnomalyTracker.open({
    store,
    clock,
    logger: silentLogger(),
    config: {
      heap: {
        everyMs: 10 * MINUTE,
        warmupMs: 0,
        windowMs: 4 * HOUR,
        minSpanMs: 2 * HOUR,
        sustainMs: 10 * MINUTE,
        warnMBPerDay: 12,
      },
    },
    sources: {
      journal: runtime.kernel.journal,
      heap,
      latency: {
        engines: () => ['eng'],
        figures: (engine, now, windowMs) => sim.trading.services.stats.figures(engine, now, windowMs),
      },
    },
  });
  const breakers = (): Record<string, string> =>
    Object.fromEntries(
      componentsOf(runtime.tree())
        .filter((c) => c.id.startsWith('breaker-'))
        .map((c) => [c.id, c.state]),
    );
  const flags = new Map<AnomalyKind, Flag>();
  tracker.onAnomaly((record, change) => {
    if (change !== 'opened' || flags.has(record.kind)) return;
    flags.set(record.kind, {
      hours: Math.round(((record.firstSeen - start) / HOUR) * 100) / 100,
      breakers: breakers(),
      summary: record.summary,
    });
  });
  tracker.start();
  t.teardown(() => tracker.stop());

  for (let step = 1; step <= 6 * 6 && !(flags.has('latency-creep') && flags.has('heap-growth')); step++) {
    await clock.advance(10 * MINUTE);
    if (step % 6 === 0) {
      venue.faults.remove(fault);
      fault = venue.faults.set({ kind: 'delay', ms: delayAt(step / 6), ops: ['submit'], count: 'unlimited' });
    }
  }

  const latency = flags.get('latency-creep');
  const leak = flags.get('heap-growth');
  t.log(`latency creep flagged at ${latency?.hours} h: ${latency?.summary}`);
  t.log(`heap creep flagged at ${leak?.hours} h: ${leak?.summary}`);
  t.log(`breakers then: ${JSON.stringify(latency?.breakers)}`);
  t.truthy(latency, 'the latency creep is flagged');
  t.truthy(leak, 'the heap creep is flagged');
  for (const flag of [latency, leak]) {
    t.true(Object.keys(flag?.breakers ?? {}).length >= 5, 'the breakers were read');
    t.deepEqual(
      Object.entries(flag?.breakers ?? {}).filter(([, state]) => state === 'RED'),
      [],
      'no breaker is RED',
    );
  }
  t.is(latency?.breakers['breaker-latency-eng'], 'GREEN', 'the latency breaker has not even gone YELLOW');
  t.true((latency?.hours ?? Infinity) <= 4, 'within 4 simulated hours: under 5% slower than at the start');
  const [record] = tracker.list({ kind: 'latency-creep' });
  t.true((record?.evidence.toYellowMs as number) > 24 * HOUR, 'yellow (2 000 ms) is days away at this rate');
});
