import type { Clock, TimerHandle } from '../kernel/clock';
import type { JournalEntry } from '../kernel/journal-entry';
import type { Logger } from '../kernel/logger';
import type { Store } from '../kernel/store';
import type { AnomalyChange } from './anomaly-book';
import { AnomalyBook } from './anomaly-book';
import type { AnomalyDetector } from './anomaly-detector';
import type { AnomalyObservation, AnomalyRecord } from './anomaly-record';
import type { AnomalySources } from './anomaly-sources';
import { buildDetectors } from './anomaly-sources';
import { AnomalyPersister, loadAnomalies } from './anomaly-store';
import type { AnomalyTrackerConfig } from './anomaly-tracker.config';
import { parseAnomalyTrackerConfig } from './anomaly-tracker.config';
import type { AnomalyQueryInput, AnomalySnapshot, AnomalyView, DetectorView } from './anomaly-view';
import { activeCounts, parseAnomalyQuery, selectAnomalies } from './anomaly-view';

/** What {@link AnomalyTracker.open} needs. */
export interface AnomalyTrackerOptions {
  readonly store: Pick<Store, 'getValue' | 'setValue' | 'instance' | 'durable'>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly sources: AnomalySources;
  /** An `AnomalyTrackerConfigInput`; defaults for every field left out. */
  readonly config?: unknown;
}

/** Called with every record an observation landed in, after it was folded in. */
export type AnomalyListener = (record: Readonly<AnomalyRecord>, change: AnomalyChange) => void;

/**
 * Strange behaviour, near misses and non-fatal inconsistencies, in bounded, de-duplicated, durable
 * records (`kv:anomalies`, `docs/redis-keys.md`) with a severity and a trend. It owns the detectors
 * its config enables and its sources feed (`anomaly-sources.ts`): journal-fed ones see every entry
 * just after it is journaled; sampled ones run every `everyMs` on the tracker's tick of the injected
 * clock. Openings and escalations are journaled (machine `anomaly`). It never throws into the
 * runtime: a failing detector is logged and the others go on.
 *
 * @example
 * const anomalies = await AnomalyTracker.open({ store, clock, logger, sources });
 * anomalies.start();
 * anomalies.snapshot({ severity: 'warning', active: 'true' }); // GET /api/ops/anomalies?severity=warning&active=true
 * await anomalies.stop();   // before runtime.stop() closes the store
 */
export class AnomalyTracker {
  private detectors: AnomalyDetector[] = [];
  private readonly lastSample = new Map<string, number>();
  private readonly failing = new Set<string>();
  private readonly listeners = new Set<AnomalyListener>();
  private readonly entries: JournalEntry[] = [];
  private timer: TimerHandle | undefined;
  private detach: (() => void) | undefined;
  private startedAt = 0;
  /** Ticks fired: the schedule is `startedAt + n × tickMs`, so a late timer never shifts the next. */
  private ticks = 0;
  private ticking = false;
  private started = false;
  private stopped = false;

  private constructor(
    private readonly options: AnomalyTrackerOptions,
    readonly config: AnomalyTrackerConfig,
    private readonly book: AnomalyBook,
    private readonly persister: AnomalyPersister,
  ) {}

  /** Validates the config (a `ConfigError` names every bad field) and loads the stored records. */
  static async open(options: AnomalyTrackerOptions): Promise<AnomalyTracker> {
    const config = parseAnomalyTrackerConfig(options.config ?? {});
    const stored = await loadAnomalies(options.store, options.logger);
    const { store, clock, logger } = options;
    // The persister reads the book and the book tells the persister: the read is lazy.
    const persister = new AnomalyPersister(store, clock, logger, config.persistMs, () => book.toStored());
    const book: AnomalyBook = new AnomalyBook(stored, {
      journal: options.sources.journal,
      capacity: config.capacity,
      dedupWindowMs: config.dedupWindowMs,
      keepPerRecord: config.keepPerRecord,
      onChange: () => persister.changed(),
    });
    return new AnomalyTracker(options, config, book, persister);
  }

  /** Builds the detectors, follows the journal and arms the tick. Once only. */
  start(): void {
    if (this.started) throw new Error('anomaly tracker already started');
    this.started = true;
    const { clock, sources } = this.options;
    this.startedAt = clock.now();
    this.detectors = buildDetectors(this.config, sources, this.startedAt);
    if (sources.journal && this.detectors.some((d) => d.onEntry))
      this.detach = sources.journal.onTransition((entry) => this.enqueue(entry));
    this.arm();
  }

  /** Detaches, cancels the tick and writes the records; resolves when written (or the write failed). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.detach?.();
    this.options.clock.clearTimeout(this.timer);
    this.drain();
    this.options.sources.eventLoop?.close();
    await this.persister.flush();
    this.persister.dispose();
  }

  /** Folds an observation in from outside the detectors (a hook the wiring adds); returns its record. */
  report(observation: AnomalyObservation): Readonly<AnomalyRecord> {
    const { record, change } = this.book.report(observation);
    for (const listener of this.listeners) {
      try {
        listener(record, change);
      } catch (error) {
        this.options.logger.error({ err: error }, 'anomaly listener failed');
      }
    }
    return record;
  }

  /** Subscribes to every observation folded in (an SSE stream); returns the unsubscribe function. */
  onAnomaly(listener: AnomalyListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The records `query` selects (see `anomalyQuerySchema`), last seen first. Throws `ConfigError` on a bad query. */
  list(query: AnomalyQueryInput = {}): AnomalyView[] {
    const now = this.options.clock.now();
    return selectAnomalies(this.book.all(), parseAnomalyQuery(query), now, this.config.dedupWindowMs);
  }

  /** `GET /api/ops/anomalies`: counts, detectors, and the records `query` selects. */
  snapshot(query: AnomalyQueryInput = {}): AnomalySnapshot {
    const { store, clock } = this.options;
    const now = clock.now();
    const records = this.book.all();
    return {
      instance: store.instance,
      durable: store.durable,
      now,
      dedupWindowMs: this.config.dedupWindowMs,
      active: activeCounts(records, now, this.config.dedupWindowMs),
      retained: records.length,
      detectors: this.detectors.map((d): DetectorView => ({
        name: d.name,
        feed: d.sample ? 'sampled' : 'journal',
        everyMs: d.everyMs ?? null,
        lastSampleAt: this.lastSample.get(d.name) ?? null,
      })),
      anomalies: this.list(query),
    };
  }

  /** Writes the records now; resolves when written (or the write failed). */
  flush(): Promise<void> {
    return this.persister.flush();
  }

  private arm(): void {
    const { clock } = this.options;
    const at = this.startedAt + (this.ticks + 1) * this.config.tickMs;
    this.timer = clock.setTimeout(() => {
      if (this.stopped) return;
      this.ticks++;
      this.arm();
      void this.tick(this.ticks * this.config.tickMs);
    }, at - clock.now());
  }

  /** Samples every detector that is due; one tick at a time, the clock held meanwhile. */
  private async tick(elapsedMs: number): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    const release = this.options.clock.hold();
    try {
      const now = this.options.clock.now();
      for (const detector of this.detectors) {
        if (!detector.sample || detector.everyMs === undefined) continue;
        if (elapsedMs % detector.everyMs !== 0) continue;
        this.lastSample.set(detector.name, now);
        const observations = await this.guard(detector, () => detector.sample?.(now));
        if (this.stopped) return;
        for (const observation of observations ?? []) this.report(observation);
      }
    } finally {
      this.ticking = false;
      release();
    }
  }

  private enqueue(entry: JournalEntry): void {
    // Our own entries: nothing to judge, and judging them could feed on itself.
    if (entry.machine === 'anomaly') return;
    this.entries.push(entry);
    // After the transition that journaled it, not inside it: a listener must not journal mid-record.
    if (this.entries.length === 1) queueMicrotask(() => this.drain());
  }

  private drain(): void {
    while (this.entries.length > 0) {
      const entry = this.entries.shift() as JournalEntry;
      for (const detector of this.detectors) {
        if (!detector.onEntry) continue;
        const observations = this.guardSync(detector, () => detector.onEntry?.(entry));
        for (const observation of observations ?? []) this.report(observation);
      }
    }
  }

  private async guard<T>(detector: AnomalyDetector, run: () => T | Promise<T>): Promise<T | undefined> {
    try {
      const result = await run();
      this.failing.delete(detector.name);
      return result;
    } catch (error) {
      this.failed(detector, error);
      return undefined;
    }
  }

  private guardSync<T>(detector: AnomalyDetector, run: () => T): T | undefined {
    try {
      return run();
    } catch (error) {
      this.failed(detector, error);
      return undefined;
    }
  }

  private failed(detector: AnomalyDetector, error: unknown): void {
    // Once per run of failures: a broken source must not flood the log every tick.
    if (!this.failing.has(detector.name))
      this.options.logger.warn({ err: error, detector: detector.name }, 'anomaly detector failed');
    this.failing.add(detector.name);
  }
}
