import type { Clock } from '../kernel/clock';
import type { Logger } from '../kernel/logger';
import type { Rng } from '../kernel/rng';
import type { Runtime } from '../kernel/runtime';
import type { StoreOutage } from '../sim/store-outage';
import type { TradingServices } from '../trading/trading-services';
import { accountVenue } from '../trading/engine-venue-view';
import { SimVenue } from '../venues/sim-venue';
import type { VenueFaultInput } from '../venues/sim-venue-faults';
import { matchesChaosTarget } from './chaos-scenarios';
import type { ChaosProfile } from './chaos-scenarios';
import { ChaosSchedule } from './chaos-schedule';
import type { ChaosFiring, ChaosRecord, ChaosScheduleSnapshot } from './chaos-schedule';

/** What a {@link ChaosEngine} breaks things in. */
export interface ChaosEngineOptions {
  readonly clock: Clock;
  readonly rng: Rng;
  readonly runtime: Runtime;
  readonly services: TradingServices;
  readonly logger: Logger;
  readonly profile: ChaosProfile;
  /** Chaos where an engine trades live only if both this and the profile allow it. */
  readonly allowLive?: boolean;
  /** Receives every started and ended firing (the soak counts them; the instance journals them). */
  readonly onRecord?: (record: ChaosRecord) => void;
  /**
   * The switch `redis-restart` throws: the stores the runtime and execution use must be built over
   * it (`OutageStore`, `OutageExecutionStore`). Without one a `redis-restart` firing fails, saying so.
   */
  readonly storeOutage?: StoreOutage;
}

/**
 * The chaos engine: fires a profile's scenarios on the clock (`ChaosSchedule`) and injects each
 * one — a crash or hang of a component through the kernel's fault events, venue faults through
 * the simulated venue's fault hooks (latency, 5xx, 429/418, unknown outcomes, false "not found",
 * lost or late books, partial-fill storms, a skewed venue clock), a Redis restart through the
 * store outage switch, a log flood through the logger. Every firing is journaled (machine `chaos`).
 * It refuses to start while an engine trades live unless the config and the profile allow it.
 */
export class ChaosEngine {
  private schedule: ChaosSchedule | null = null;

  constructor(private readonly o: ChaosEngineOptions) {}

  /** Why chaos may not start now (live engines without permission), or null. */
  refusal(scenario: string | null): string | null {
    const live = this.o.services.liveEngines();
    if (live.length > 0 && !(this.o.allowLive === true && this.o.profile.allowLive === true))
      return `chaos runs in shadow mode only: ${live.join(', ')} trade live and live chaos is not allowed by the config and the profile`;
    if (scenario !== null && !this.o.profile.scenarios.some((s) => s.id === scenario))
      return `no scenario ${JSON.stringify(scenario)} in profile ${this.o.profile.name}; scenarios: ${this.o.profile.scenarios.map((s) => s.id).join(', ')}`;
    return null;
  }

  /** Starts the whole profile, or one of its scenarios. */
  start(scenario: string | null = null): ChaosScheduleSnapshot {
    const refusal = this.refusal(scenario);
    if (refusal !== null) throw new Error(refusal);
    this.schedule?.stop();
    const profile =
      scenario === null
        ? this.o.profile
        : { ...this.o.profile, scenarios: this.o.profile.scenarios.filter((s) => s.id === scenario) };
    this.schedule = new ChaosSchedule({
      clock: this.o.clock,
      rng: this.o.rng,
      profile,
      inject: (firing) => this.inject(firing),
      onRecord: (record) => {
        const f = record.firing;
        this.o.runtime.kernel.journal.record({
          t: this.o.clock.now(),
          actor: 'chaos-engine',
          machine: 'chaos',
          from: record.type === 'started' ? '' : f.kind,
          event: `${f.scenarioId}#${f.id}`,
          to: record.type === 'started' ? f.kind : f.outcome,
        });
        this.o.onRecord?.(record);
      },
    });
    this.schedule.start();
    return this.schedule.snapshot();
  }

  /** Stops firing; faults in effect are lifted as their durations end. */
  stop(): ChaosScheduleSnapshot | null {
    this.schedule?.stop();
    return this.schedule?.snapshot() ?? null;
  }

  /** Active scenarios, history and counts (null before the first start). */
  status(): ChaosScheduleSnapshot | null {
    return this.schedule?.snapshot() ?? null;
  }

  private async inject(firing: ChaosFiring): Promise<void> {
    switch (firing.kind) {
      case 'kill-actor':
        return this.fault(this.victim(firing), 'sys.fault.crash');
      case 'hang-actor':
        return this.fault(this.victim(firing), 'sys.fault.hang');
      case 'crash-loop': {
        const victim = this.victim(firing);
        for (let i = 0; i < firing.params.crashes; i++) {
          this.fault(victim, 'sys.fault.crash');
          if (i + 1 < firing.params.crashes) await this.wait(firing.params.everyMs);
        }
        return;
      }
      case 'venue-latency':
        return this.venueFault(
          firing,
          { kind: 'delay', ms: firing.params.addMs, count: 'unlimited' },
          firing.params.durationMs,
        );
      case 'venue-5xx-burst':
        return 'count' in firing.params
          ? this.venueFault(firing, { kind: 'unavailable', count: firing.params.count }, 0)
          : this.venueFault(firing, { kind: 'unavailable', count: 'unlimited' }, firing.params.durationMs);
      case 'venue-ban': {
        const { status, retryAfterMs } = firing.params;
        const fault: VenueFaultInput =
          status === 418 ? { kind: 'ban', retryAfterMs } : { kind: 'rateLimit', retryAfterMs, count: 3 };
        return this.venueFault(firing, fault, 0);
      }
      case 'unknown-outcome':
        return this.venueFault(
          firing,
          { kind: 'timeoutAfterAccept', ops: ['submit'], count: firing.params.count },
          0,
        );
      case 'false-not-found':
        return this.venueFault(firing, { kind: 'notFound', count: firing.params.count }, 0);
      case 'feed-drop':
        return this.feedFault(
          firing,
          { kind: 'unavailable', ops: ['book'], count: 'unlimited' },
          firing.params.durationMs,
        );
      case 'stale-book':
        return this.feedFault(
          firing,
          { kind: 'timeout', ops: ['book'], count: 'unlimited' },
          firing.params.durationMs,
        );
      case 'redis-restart':
        return this.storeDown(firing.params.downMs);
      case 'clock-skew':
        return this.skewClocks(firing);
      case 'partial-fill-storm':
        return this.venueFault(
          firing,
          { kind: 'partialFills', pieces: firing.params.pieces },
          firing.params.durationMs,
        );
      case 'log-flood':
        return this.flood(firing.params.linesPerSec, firing.params.durationMs);
      default: {
        // Why: a kind added to the scenarios without an injector fails the build here, not a soak.
        const kind: never = firing;
        throw new Error(`${(kind as ChaosFiring).kind}: no injector`);
      }
    }
  }

  private victim(firing: ChaosFiring): string {
    const candidates = this.o.runtime.componentIds().filter((id) =>
      matchesChaosTarget(firing.target, {
        actor: id,
        kind: this.o.runtime.component(id)?.spec.definition.kind ?? '',
      }),
    );
    if (candidates.length === 0) throw new Error(`no component matches ${JSON.stringify(firing.target)}`);
    return candidates[
      Math.floor(this.o.rng.stream(`victim#${firing.id}`).next() * candidates.length)
    ] as string;
  }

  private fault(actor: string, type: 'sys.fault.crash' | 'sys.fault.hang'): void {
    this.o.runtime.send(actor, { type });
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => this.o.clock.setTimeout(resolve, ms));
  }

  /** A fault on the venue of the targeted engines' orders (their fill models in shadow). */
  private async venueFault(firing: ChaosFiring, fault: VenueFaultInput, durationMs: number): Promise<void> {
    const engines = this.o.services
      .engineIds()
      .filter((engine) => matchesChaosTarget(firing.target, { engine }));
    const venues = [...new Set(engines.map((e) => accountVenue(this.o.services.engineVenue(e).venue)))];
    await this.onVenues(venues, { ...fault, ...this.symbols(firing) }, durationMs);
  }

  /**
   * The venue clocks of the targeted engines run `skewMs` off ours; with no engine named, the
   * market venue's too (one exchange, one clock).
   */
  private async skewClocks(firing: ChaosFiring & { kind: 'clock-skew' }): Promise<void> {
    const engines = this.o.services
      .engineIds()
      .filter((engine) => matchesChaosTarget(firing.target, { engine }));
    const venues: unknown[] = engines.map((e) => accountVenue(this.o.services.engineVenue(e).venue));
    if (firing.target.engine === undefined) venues.push(this.o.services.venue(this.o.services.marketVenue));
    const { skewMs, durationMs } = firing.params;
    await this.onVenues([...new Set(venues)], { kind: 'clockSkew', ms: skewMs }, durationMs);
  }

  /** Redis goes away for `downMs` and comes back with its data. */
  private async storeDown(downMs: number): Promise<void> {
    const outage = this.o.storeOutage;
    if (outage === undefined)
      throw new Error('redis-restart needs the store built over a StoreOutage (the trading soak has one)');
    outage.begin();
    try {
      await this.wait(downMs);
    } finally {
      outage.end();
    }
  }

  /** A fault on the market venue's books. */
  private async feedFault(firing: ChaosFiring, fault: VenueFaultInput, durationMs: number): Promise<void> {
    await this.onVenues(
      [this.o.services.venue(this.o.services.marketVenue)],
      { ...fault, ...this.symbols(firing) },
      durationMs,
    );
  }

  private symbols(firing: ChaosFiring): { symbols?: string[] } {
    return firing.target.symbol === undefined ? {} : { symbols: [firing.target.symbol] };
  }

  private async onVenues(
    venues: readonly unknown[],
    fault: VenueFaultInput,
    durationMs: number,
  ): Promise<void> {
    const sims = venues.filter((v): v is SimVenue => v instanceof SimVenue);
    if (sims.length === 0) throw new Error('venue faults need the simulated venue');
    const ids = sims.map((v) => v.faults.set(fault));
    if (durationMs <= 0) return;
    await this.wait(durationMs);
    sims.forEach((v, i) => v.faults.remove(ids[i] as string));
  }

  /** Log lines at a rate, in one burst per simulated second (what matters is volume, not spacing). */
  private async flood(linesPerSec: number, durationMs: number): Promise<void> {
    for (let elapsed = 0; elapsed < durationMs; elapsed += 1_000) {
      for (let i = 0; i < linesPerSec; i++)
        this.o.logger.info({ chaos: 'log-flood', line: i }, 'chaos log flood');
      await this.wait(1_000);
    }
  }
}
