import { performance } from 'node:perf_hooks';
import { RealClock, sleep } from '../actors/kernel/clock';
import { silentLogger } from '../actors/kernel/logger';
import { MemoryStore } from '../actors/kernel/store-memory';
import { MemoryAuditLog } from '../actors/safety/control-audit';
import { ControlPlane } from '../actors/safety/control-plane';
import { DEFAULT_CHAOS_PROFILE } from '../actors/safety/chaos-scenarios';
import { TradingControl, tradingLayout } from '../actors/safety/trading-control';
import { runTradingSoak } from '../actors/safety/trading-soak';
import { runTrading } from '../actors/trading/run-trading';
import { defaultTradingConfig, parseTradingConfig } from '../actors/trading/trading-config';
import type { SimVenue } from '../actors/venues/sim-venue';
import { median, percentile } from './stats';

const ADMIN = { id: 'bench', role: 'admin' as const, via: 'test' as const };

/** Resolves once `done()` holds, checking after every turn of the event loop; the time it took, ms. */
async function until(done: () => boolean, start: number, deadlineMs = 5_000): Promise<number> {
  while (!done()) {
    if (performance.now() - start > deadlineMs) return Number.POSITIVE_INFINITY;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return performance.now() - start;
}

/**
 * Halt propagation on a real clock: the default system live on the simulated venue, halted through
 * the control plane (request + confirm) `rounds` times. *Refuse* is the time from the confirm call
 * until every engine's gate refuses exposure-increasing orders; *cancelled* until the venue holds
 * no open order of ours. Resumed between rounds, once the makers quote again.
 */
export async function benchHaltPropagation(rounds = 30): Promise<Record<string, number>> {
  const clock = new RealClock();
  const config = parseTradingConfig({ ...defaultTradingConfig('live'), safety: { breakers: 'none' } });
  const running = await runTrading(config, {
    clock,
    store: new MemoryStore({ instance: 'bench-halt' }),
    logger: silentLogger(),
    placement: 'memory',
  });
  const { services } = running.trading;
  const venue = services.venue('sim') as SimVenue;
  let n = 0;
  const plane = new ControlPlane({
    clock,
    target: new TradingControl(running.runtime, services, tradingLayout(config)),
    audit: new MemoryAuditLog(),
    nonce: () => `n${++n}`,
  });
  const refuse: number[] = [];
  const cancelled: number[] = [];
  // The runtime's real-clock timers are unref'd (they never hold a process open): this one does.
  const keepAlive = setInterval(() => {}, 1_000);
  const pairs = config.engines.flatMap((e) => e.strategies.map((s) => [e.id, s.id] as const));
  try {
    for (let round = 0; round < rounds; round++) {
      await until(() => venue.engine.openOrders().length >= 3, performance.now(), 30_000);
      const asked = await plane.request(ADMIN, { command: 'halt', args: ['bench'] });
      if (asked.status !== 'confirm') throw new Error(`halt was not offered: ${JSON.stringify(asked)}`);
      const start = performance.now();
      const confirmed = plane.confirm(ADMIN, asked.nonce);
      refuse.push(
        await until(() => pairs.every(([e, s]) => services.kills.restriction(e, s) === 'HALTED'), start),
      );
      cancelled.push(await until(() => venue.engine.openOrders().length === 0, start));
      await confirmed;
      const resume = await plane.request(ADMIN, { command: 'resume', args: [] });
      if (resume.status === 'confirm') await plane.confirm(ADMIN, resume.nonce);
      await sleep(clock, 200);
    }
  } finally {
    clearInterval(keepAlive);
    await running.stop();
  }
  return {
    haltRounds: rounds,
    haltRefuseP50Ms: round(median(refuse)),
    haltRefuseP99Ms: round(percentile(refuse, 99)),
    haltCancelledP50Ms: round(median(cancelled)),
    haltCancelledP99Ms: round(percentile(cancelled, 99)),
  };
}

/**
 * Soak speed of the whole trading system under the default chaos profile: wall seconds per
 * simulated day over `days` days for each seed, and the projection to 30 days.
 */
export async function benchChaosSoak(
  days = 1,
  seeds: readonly number[] = [1, 2],
): Promise<Record<string, number>> {
  const perDay: number[] = [];
  const perSeed: Record<string, number> = {};
  let violations = 0;
  for (const seed of seeds) {
    const report = await runTradingSoak({ days, seed, chaos: DEFAULT_CHAOS_PROFILE, operator: {} });
    perDay.push(report.wallSeconds / days);
    perSeed[`chaosSoakWallSecondsSeed${seed}`] = round(report.wallSeconds);
    violations += report.invariantViolationCount;
  }
  return {
    chaosSoakDaysPerSeed: days,
    chaosSoakSeeds: seeds.length,
    ...perSeed,
    chaosSoakWallSecondsMax: round(Math.max(...perDay) * days),
    chaosSoakWallSecondsPerDayMedian: round(median(perDay)),
    // The first simulated day costs about twice a later one (every engine starts trading at once),
    // so a projection from one day overstates a month.
    chaosSoakProjected30DaysMinutes: round((median(perDay) * 30) / 60),
    chaosSoakInvariantViolations: violations,
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
