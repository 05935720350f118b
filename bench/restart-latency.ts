import { RealClock } from '../actors/kernel/clock';
import type { JournalEntry } from '../actors/kernel/journal-entry';
import { silentLogger } from '../actors/kernel/logger';
import { Runtime } from '../actors/kernel/runtime';
import { benchRegistry, counterConfig } from './fixtures/bench-registry';
import { median, percentile } from './stats';

/** Resolves on the next lifecycle entry of `actor` reaching `to`. */
function next(runtime: Runtime, actor: string, to: string): Promise<JournalEntry> {
  return new Promise((resolve) => {
    const off = runtime.onTransition((entry) => {
      if (entry.actor === actor && entry.machine === 'lifecycle' && entry.to === to) {
        off();
        resolve(entry);
      }
    });
  });
}

/** Milliseconds from a fault to the component running again, per trial. */
async function trials(
  placement: 'memory' | 'forked',
  fault: 'crash' | 'hang',
  count: number,
): Promise<number[]> {
  const runtime = await Runtime.start({
    config: counterConfig(placement),
    clock: new RealClock(),
    logger: silentLogger(),
    registry: benchRegistry(),
  });
  try {
    const times: number[] = [];
    for (let i = 0; i < count; i++) {
      await runtime.ask('counter', { type: 'inc' });
      const running = next(runtime, 'counter', 'running');
      const start = process.hrtime.bigint();
      runtime.send('counter', { type: `sys.fault.${fault}` });
      await running;
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    return times;
  } finally {
    await runtime.stop();
  }
}

/**
 * Crash → running again (in-memory and forked) and, for a forked component, busy-loop hang →
 * killed → running again, in heartbeat intervals (the watchdog's interval in the bench tree: 1 s).
 */
export async function benchRestartLatency(): Promise<Record<string, number>> {
  const memory = await trials('memory', 'crash', 500);
  const forked = await trials('forked', 'crash', 30);
  const hang = await trials('forked', 'hang', 5);
  const intervalMs = 1_000;
  return {
    restartMemoryMedianMs: round(median(memory), 3),
    restartMemoryP99Ms: round(percentile(memory, 99), 3),
    restartForkedMedianMs: round(median(forked), 1),
    restartForkedP99Ms: round(percentile(forked, 99), 1),
    hangToRunningForkedMedianMs: round(median(hang), 0),
    hangToRunningForkedMaxMs: round(Math.max(...hang), 0),
    hangToRunningForkedMaxIntervals: round(Math.max(...hang) / intervalMs, 2),
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

if (require.main === module) {
  void benchRestartLatency().then((r) => console.log(JSON.stringify(r)));
}
