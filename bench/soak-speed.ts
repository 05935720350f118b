import { runSoak } from '../actors/sim/soak';

/**
 * Wall time of a 30-day soak of the sample tree (1 s heartbeats, seeded faults) and its post-GC
 * heap slope after a one-day warm-up.
 */
export async function benchSoakSpeed(days = 30): Promise<Record<string, number>> {
  const report = await runSoak({ days, seed: 1 });
  return {
    soakDays: days,
    soakWallSeconds: report.wallSeconds,
    soakSimulatedDaysPerWallMinute: Math.round((days / report.wallSeconds) * 60 * 10) / 10,
    soakHeapSlopeMBPerDay: report.heapSlopeMBPerDay,
    soakHeapStartMB: report.heapUsedStartMB,
    soakHeapEndMB: report.heapUsedEndMB,
    soakTransitions: report.transitions,
    soakRestarts: report.restarts,
  };
}

if (require.main === module) {
  void benchSoakSpeed(Number(process.argv[2] ?? 30)).then((r) => console.log(JSON.stringify(r)));
}
