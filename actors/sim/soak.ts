import { SIMULATION_EPOCH, VirtualClock } from '../kernel/clock-virtual';
import { RealClock } from '../kernel/clock';
import { silentLogger } from '../kernel/logger';
import type { Logger } from '../kernel/logger';
import { Rng } from '../kernel/rng';
import { Runtime } from '../kernel/runtime';
import { MemoryStore } from '../kernel/store-memory';
import { sampleConfig } from '../sample/sample-config';
import { DEFAULT_FAULTS, FaultInjector } from './fault-injector';
import type { FaultCounts, FaultProfile } from './fault-injector';
import { exposeGc, heapMB, round, slope } from './heap';

const DAY_MS = 86_400_000;

/** Options of {@link runSoak}. */
export interface SoakOptions {
  readonly days: number;
  readonly seed: number;
  /** System spec; the sample tree by default. Every component is placed in-memory. */
  readonly config?: Record<string, unknown>;
  readonly faults?: FaultProfile;
  readonly logger?: Logger;
  /** Called after each simulated day (progress). */
  readonly onDay?: (day: number) => void;
}

/** What `predator soak --json` prints. */
export interface SoakReport {
  readonly seed: number;
  readonly simulatedDays: number;
  readonly wallSeconds: number;
  readonly transitions: number;
  readonly restarts: number;
  readonly escalations: number;
  readonly halts: number;
  readonly journalHash: string;
  readonly heapUsedStartMB: number;
  readonly heapUsedEndMB: number;
  /** Least-squares slope of post-GC heap over simulated days, after a one-day warm-up. */
  readonly heapSlopeMBPerDay: number;
  readonly faults: FaultCounts;
  readonly watchdogKills: number;
  readonly finalState: string;
}

/**
 * Deterministic simulation: the whole tree on the virtual clock, in one process, with seeded crash
 * and hang faults. The journal hash depends only on the seed, the spec and the code: the same seed
 * gives the same hash; wall time and heap figures are measurements, not part of it.
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const wall = new RealClock();
  const wallStart = wall.now();
  const gc = exposeGc();
  const config: Record<string, unknown> = {
    ...(options.config ?? sampleConfig({ placement: 'memory' })),
    seed: options.seed,
  };
  const clock = new VirtualClock(SIMULATION_EPOCH);
  // A short in-memory journal: the soak's record is the running hash, not the entries.
  const store = new MemoryStore({ instance: String(config.instance ?? 'default'), journalLimit: 10_000 });
  const runtime = await Runtime.start({
    config,
    clock,
    store,
    placement: 'memory',
    logger: options.logger ?? silentLogger(),
  });
  const injector = new FaultInjector(
    clock,
    new Rng(options.seed).stream('soak:faults'),
    options.faults ?? DEFAULT_FAULTS,
    componentIds(runtime),
    (actor, event) => runtime.send(actor, event),
  );
  injector.start();

  const heap: { day: number; mb: number }[] = [];
  let heapStart = heapMB(gc);
  for (let day = 1; day <= options.days; day++) {
    await clock.runUntil(SIMULATION_EPOCH + day * DAY_MS);
    const mb = heapMB(gc);
    if (day === 1 || options.days < 2) heapStart = mb;
    heap.push({ day, mb });
    options.onDay?.(day);
  }
  const partial = options.days - Math.floor(options.days);
  if (partial > 0) await clock.runUntil(SIMULATION_EPOCH + options.days * DAY_MS);
  injector.stop();
  const heapEnd = heapMB(gc);
  const report: SoakReport = {
    seed: options.seed,
    simulatedDays: options.days,
    wallSeconds: round((wall.now() - wallStart) / 1000, 3),
    transitions: runtime.kernel.journal.recorded,
    restarts: runtime.restarts(),
    escalations: runtime.escalations(),
    halts: runtime.haltCount,
    journalHash: runtime.kernel.journal.digest(),
    heapUsedStartMB: round(heapStart, 2),
    heapUsedEndMB: round(heapEnd, 2),
    heapSlopeMBPerDay: round(slope(heap), 3),
    faults: { ...injector.counts },
    watchdogKills: runtime.kernel.watchdog.failures,
    finalState: runtime.state,
  };
  await runtime.stop();
  return report;
}

function componentIds(runtime: Runtime): string[] {
  const ids: string[] = [];
  const walk = (node: ReturnType<Runtime['tree']>['root']): void => {
    for (const child of node.children) {
      if (child.type === 'component') ids.push(child.id);
      else walk(child);
    }
  };
  walk(runtime.tree().root);
  return ids;
}
