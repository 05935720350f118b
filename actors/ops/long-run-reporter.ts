import type { Clock, TimerHandle } from '../kernel/clock';
import type { Logger } from '../kernel/logger';
import type { Store } from '../kernel/store';
import type { WeekRange } from './iso-week';
import { weekRange, weekRangeOf } from './iso-week';
import { buildWeeklyReport } from './long-run-report';
import type { LongRunReporterConfig } from './long-run-reporter.config';
import { parseLongRunReporterConfig } from './long-run-reporter.config';
import type { LongRunReporterSources } from './long-run-reporter-sources';
import type { WeeklyReport } from './report-data';
import type { ReportListing } from './report-store';
import { ReportArchive } from './report-store';
import type { ResourceSample } from './resource-sample';

/** The part of the {@link ResourceSampler} the reporter reads. */
export interface ReportSampler {
  readonly config: { readonly intervalMs: number };
  samples(week: WeekRange): Promise<ResourceSample[]>;
  sampleNow(): Promise<ResourceSample>;
}

/** What {@link LongRunReporter.open} needs. */
export interface LongRunReporterOptions {
  readonly store: Pick<Store, 'getValue' | 'setValue' | 'instance' | 'durable'>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly sampler: ReportSampler;
  readonly sources: LongRunReporterSources;
  /** A `LongRunReporterConfigInput`; defaults for every field left out. */
  readonly config?: unknown;
}

/**
 * The weekly long-run report: at every Monday 00:00 UTC of the injected clock it takes the
 * boundary's resource sample, builds the week just ended (`buildWeeklyReport`) and stores it
 * (`kv:reports:*`, kept 52 weeks); on demand it answers a stored week, or the current week so far,
 * built fresh. At start it makes the previous week's report if a run of the instance overlapped it
 * and none is stored (the process was down at the boundary). It never throws into the runtime: a
 * report that cannot be made is logged and tried again at the next start.
 *
 * @example
 * const reports = await LongRunReporter.open({ store, clock, logger, sampler, sources });
 * reports.start();
 * await reports.report('2026-W02');     // GET /api/reports/2026-W02
 * await reports.stop();                 // before sampler.stop()
 */
export class LongRunReporter {
  private timer: TimerHandle | undefined;
  private work: Promise<unknown> = Promise.resolve();
  private started = false;
  private stopped = false;

  private constructor(
    private readonly options: LongRunReporterOptions,
    readonly config: LongRunReporterConfig,
    private readonly archive: ReportArchive,
  ) {}

  /** Validates the config (a `ConfigError` names every bad field) and reads the stored index. */
  static async open(options: LongRunReporterOptions): Promise<LongRunReporter> {
    const config = parseLongRunReporterConfig(options.config ?? {});
    const archive = await ReportArchive.open(options.store, options.logger, config.keepReports);
    return new LongRunReporter(options, config, archive);
  }

  /** Makes a missed report of last week, then arms the weekly timer. Once only. */
  start(): void {
    if (this.started) throw new Error('long-run reporter already started');
    this.started = true;
    this.track(() => this.catchUp());
    this.arm();
  }

  /** The ISO week the clock is in. */
  currentWeek(): string {
    return weekRangeOf(this.options.clock.now()).week;
  }

  /** The stored reports, newest week first, with their headline figures. */
  list(): ReportListing[] {
    return this.archive.list();
  }

  /**
   * `week`'s report: for the current week the week so far, made now (not stored); for a past week
   * the stored one. Undefined for a past week with none stored and for a week not begun. Throws a
   * `RangeError` for a label that is no ISO week.
   */
  async report(week: string): Promise<WeeklyReport | undefined> {
    const range = weekRange(week);
    const now = this.options.clock.now();
    if (range.from > now) return undefined;
    if (now < range.to) return this.build(range);
    // A week that just ended may be being stored right now.
    await this.work;
    return this.archive.get(range.week);
  }

  /** Builds `week`'s report as of now and stores it (replacing a stored one); resolves with it. */
  async generate(week: string): Promise<WeeklyReport> {
    const report = await this.build(weekRange(week));
    await this.archive.save(report);
    const { logger } = this.options;
    const fields = { week: report.week, complete: report.complete, critical: report.headline.critical };
    logger.info(fields, 'weekly report stored');
    const critical = report.flags.filter((f) => f.level === 'critical').map((f) => f.message);
    if (critical.length > 0) logger.error({ ...fields, flags: critical }, 'weekly report has critical flags');
    return report;
  }

  /** Cancels the timer and waits for a report in progress. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.options.clock.clearTimeout(this.timer);
    await this.work;
  }

  private async build(week: WeekRange): Promise<WeeklyReport> {
    const { store, clock, sampler, sources } = this.options;
    const previous = weekRangeOf(week.from - 1);
    const next = weekRangeOf(week.to);
    const samples = await sampler.samples(week);
    const before = samples[0]?.t === week.from ? undefined : (await sampler.samples(previous)).at(-1);
    const now = clock.now();
    const after = now >= week.to ? (await sampler.samples(next)).find((s) => s.t === week.to) : undefined;
    const uptime = await sources.uptime();
    return buildWeeklyReport({
      instance: store.instance,
      durable: store.durable,
      week,
      now,
      ...uptime,
      incidents: sources.incidents?.() ?? [],
      anomalies: sources.anomalies?.() ?? [],
      samples,
      before,
      after,
      intervalMs: sampler.config.intervalMs,
    });
  }

  private arm(): void {
    const { clock } = this.options;
    const now = clock.now();
    const boundary = weekRangeOf(now).to;
    this.timer = clock.setTimeout(() => {
      if (this.stopped) return;
      // A real timer may fire a little early: then it is armed again for the rest.
      if (clock.now() >= boundary) this.track(() => this.atBoundary(boundary));
      this.arm();
    }, boundary - now);
  }

  private async atBoundary(boundary: number): Promise<void> {
    const ended = weekRangeOf(boundary - 1);
    if (this.archive.has(ended.week)) return;
    // The sample at the boundary closes the week's counts; the sampler's own timer may take it too.
    await this.options.sampler.sampleNow();
    await this.generate(ended.week);
  }

  private async catchUp(): Promise<void> {
    const last = weekRangeOf(weekRangeOf(this.options.clock.now()).from - 1);
    if (this.archive.has(last.week)) return;
    const { boots } = await this.options.sources.uptime();
    if (!boots.some((b) => b.at < last.to && (b.endedAt === null || b.endedAt >= last.from))) return;
    await this.generate(last.week);
  }

  /** Runs `job` after any report in progress, holding the clock so a simulation waits for it. */
  private track(job: () => Promise<void>): void {
    const release = this.options.clock.hold();
    this.work = this.work
      .then(job)
      .catch((error: unknown) => this.options.logger.error({ err: error }, 'weekly report not made'))
      .finally(release);
  }
}
