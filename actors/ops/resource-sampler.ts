import type { Clock, TimerHandle } from '../kernel/clock';
import type { Logger } from '../kernel/logger';
import type { Store } from '../kernel/store';
import type { WeekRange } from './iso-week';
import { weekRangeOf } from './iso-week';
import type { ResourceField, ResourceSample, ResourceSources } from './resource-sample';
import { RESOURCE_FIELDS } from './resource-sample';
import type { ResourceSamplerConfig } from './resource-sampler.config';
import { parseResourceSamplerConfig } from './resource-sampler.config';
import { loadResourceWeek, saveResourceWeek } from './resource-store';

/** What {@link ResourceSampler.open} needs. */
export interface ResourceSamplerOptions {
  readonly store: Pick<Store, 'getValue' | 'setValue'>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly sources: ResourceSources;
  /** A `ResourceSamplerConfigInput`; defaults for every field left out. */
  readonly config?: unknown;
}

/**
 * Samples heap, event-loop delay, Redis memory, journal size, equity, net PnL and the tree's
 * restart and crash totals every `intervalMs` of the injected clock, on the interval's grid (a
 * sample at every whole hour by default, so one falls on each week boundary), and keeps them in the
 * store one value per ISO week in a ring of `keepWeeks` slots (`kv:resources:week:{n}`,
 * `docs/redis-keys.md`). Weekly reports read their resource trends and week-over-week deltas here.
 * It never throws into the runtime: a failing source gives null, a failed write is retried with the
 * next sample.
 *
 * @example
 * const sampler = await ResourceSampler.open({ store, clock, logger, sources: realResourceSources({ store }) });
 * sampler.start();
 * await sampler.samples(weekRange('2026-W02'));
 * await sampler.stop();      // before runtime.stop() closes the store
 */
export class ResourceSampler {
  private timer: TimerHandle | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly failing = new Set<ResourceField>();
  private warnedWrite = false;
  private started = false;
  private stopped = false;

  private constructor(
    private readonly options: ResourceSamplerOptions,
    readonly config: ResourceSamplerConfig,
    private current: { range: WeekRange; samples: ResourceSample[] },
  ) {}

  /** Validates the config (a `ConfigError` names every bad field) and loads this week's samples. */
  static async open(options: ResourceSamplerOptions): Promise<ResourceSampler> {
    const config = parseResourceSamplerConfig(options.config ?? {});
    const range = weekRangeOf(options.clock.now());
    const samples = await loadResourceWeek(options.store, range, config.keepWeeks).catch((error: unknown) => {
      options.logger.warn({ err: error }, 'stored resource samples not read; this week starts empty');
      return [];
    });
    return new ResourceSampler(options, config, { range, samples });
  }

  /**
   * Samples the current slot now, then arms the sampling timer on the interval's grid. Once only.
   * Why sample at once: a report counts restarts and crashes as growth between samples, so what
   * happened between the start and the first whole interval would otherwise be counted nowhere.
   */
  start(): void {
    if (this.started) throw new Error('resource sampler already started');
    this.started = true;
    void this.sampleNow();
    this.arm();
  }

  /**
   * Takes the sample of the current slot (`now` rounded down to the interval), unless it was
   * taken already, and stores the week. Resolves with that slot's sample.
   */
  sampleNow(): Promise<ResourceSample> {
    const run = this.chain.then(() => this.take());
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** The samples of `week` kept, oldest first: this week's from memory, others from the store. */
  async samples(week: WeekRange): Promise<ResourceSample[]> {
    await this.chain;
    if (week.week === this.current.range.week) return [...this.current.samples];
    return loadResourceWeek(this.options.store, week, this.config.keepWeeks);
  }

  /** Cancels the timer, waits for a sample in progress and releases the sources. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.options.clock.clearTimeout(this.timer);
    await this.chain;
    this.options.sources.close?.();
  }

  private arm(): void {
    const { clock } = this.options;
    const { intervalMs } = this.config;
    const now = clock.now();
    const next = (Math.floor(now / intervalMs) + 1) * intervalMs;
    this.timer = clock.setTimeout(() => {
      if (this.stopped) return;
      void this.sampleNow();
      this.arm();
    }, next - now);
  }

  private async take(): Promise<ResourceSample> {
    const release = this.options.clock.hold();
    try {
      const t = Math.floor(this.options.clock.now() / this.config.intervalMs) * this.config.intervalMs;
      if (t < this.current.range.from || t >= this.current.range.to) await this.roll(t);
      const taken = this.current.samples.find((s) => s.t === t);
      if (taken !== undefined) return taken;
      const sample = await this.read(t);
      this.current.samples.push(sample);
      this.current.samples.sort((a, b) => a.t - b.t);
      await this.write();
      return sample;
    } finally {
      release();
    }
  }

  /** Moves to the week of `t`, writing the one left first (it may hold samples not yet written). */
  private async roll(t: number): Promise<void> {
    await this.write();
    const range = weekRangeOf(t);
    const samples = await loadResourceWeek(this.options.store, range, this.config.keepWeeks).catch(() => []);
    this.current = { range, samples };
  }

  private async read(t: number): Promise<ResourceSample> {
    const { sources, logger } = this.options;
    const sample: Record<string, number | null> = { t };
    for (const field of RESOURCE_FIELDS) {
      const source = sources[field];
      let value: number | null = null;
      try {
        const read = source === undefined ? null : await source.call(sources);
        value = typeof read === 'number' && Number.isFinite(read) ? read : null;
        this.failing.delete(field);
      } catch (error) {
        // Once per run of failures: a Redis outage would otherwise log every sample.
        if (!this.failing.has(field))
          logger.warn({ err: error, field }, 'resource source failed; sampled as null');
        this.failing.add(field);
      }
      sample[field] = value;
    }
    return sample as unknown as ResourceSample;
  }

  private async write(): Promise<void> {
    const { store, logger } = this.options;
    const { range, samples } = this.current;
    try {
      await saveResourceWeek(store, range, this.config.keepWeeks, this.config.intervalMs, samples);
      this.warnedWrite = false;
    } catch (error) {
      // Kept in memory; the next sample writes the whole week again.
      if (!this.warnedWrite)
        logger.warn({ err: error }, 'resource samples not written; retried at the next sample');
      this.warnedWrite = true;
    }
  }
}
