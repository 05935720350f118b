import { RealClock } from '../actors/kernel/clock';
import { silentLogger } from '../actors/kernel/logger';
import { Runtime } from '../actors/kernel/runtime';
import { benchRegistry, counterConfig } from './fixtures/bench-registry';
import { median, percentile } from './stats';

/** Round-trip times of `ask` to one hosted component, in microseconds. */
async function roundTrips(placement: 'memory' | 'forked', count: number): Promise<number[]> {
  const clock = new RealClock();
  const runtime = await Runtime.start({
    config: counterConfig(placement),
    clock,
    logger: silentLogger(),
    registry: benchRegistry(),
  });
  try {
    for (let i = 0; i < 100; i++) await runtime.ask('counter', { type: 'inc' });
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      const start = process.hrtime.bigint();
      await runtime.ask('counter', { type: 'inc' });
      times.push(Number(process.hrtime.bigint() - start) / 1_000);
    }
    return times;
  } finally {
    await runtime.stop();
  }
}

/** `ask` round trip (send, handle, reply) in-memory and to a forked child process. */
export async function benchAskRoundTrip(): Promise<Record<string, number>> {
  const memory = await roundTrips('memory', 20_000);
  const forked = await roundTrips('forked', 2_000);
  return {
    askMemoryMedianUs: round(median(memory)),
    askMemoryP99Us: round(percentile(memory, 99)),
    askForkedMedianUs: round(median(forked)),
    askForkedP99Us: round(percentile(forked, 99)),
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

if (require.main === module) {
  void benchAskRoundTrip().then((r) => console.log(JSON.stringify(r)));
}
