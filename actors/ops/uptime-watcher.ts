import type { Clock, TimerHandle } from '../kernel/clock';
import type { JournalEntry, JournalQuery } from '../kernel/journal-entry';
import type { Logger } from '../kernel/logger';
import type { Store } from '../kernel/store';
import type { BootHistory, BootRecord } from './uptime-boots';
import { recordBoot, writeRunMarker } from './uptime-boots';
import type { UptimeCounters } from './uptime-counters';
import { COUNTERS_KEY, emptyCounters, foldEntry, openHalt } from './uptime-counters';
import type { UptimeSnapshot } from './uptime-snapshot';
import { uptimeSnapshot } from './uptime-snapshot';
import type { UptimeWatcherConfig } from './uptime-watcher.config';
import { parseUptimeWatcherConfig } from './uptime-watcher.config';
import { SYSTEM_KEY } from '../kernel/system-record';
import type { SystemRecord } from '../kernel/system-record';

/** The part of the kernel's `Journal` the watcher reads (`runtime.kernel.journal`). */
export interface JournalSource {
  onTransition(listener: (entry: JournalEntry) => void): () => void;
  query(query: JournalQuery): Promise<JournalEntry[]>;
  /** Highest `seq` assigned. */
  readonly lastSeq: number;
  /** Entries recorded by this process: `lastSeq - recorded` is where this process's numbering began. */
  readonly recorded: number;
}

/** Options of {@link UptimeWatcher.boot}. */
export interface UptimeWatcherOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  /** {@link UptimeWatcherConfigInput}; defaults for every field left out. */
  readonly config?: unknown;
}

/** Journal entries read per page while catching up. */
const PAGE = 1_000;

/**
 * Run time, restarts and crashes — of the process and of every actor of the tree — kept in the
 * store so they survive restarts. {@link UptimeWatcher.boot} records the process start (before the
 * runtime starts, so a boot loop can be judged from it); {@link UptimeWatcher.attach} follows the
 * runtime's journal live, after catching up from where the last process left off; a heartbeat
 * writes the run marker and the counters; {@link UptimeWatcher.stop} writes the clean-shutdown
 * marker. Keys and bounds: `docs/redis-keys.md`, "Uptime and boot loops".
 *
 * @example
 * const uptime = await UptimeWatcher.boot({ store, clock, logger });
 * const runtime = await Runtime.start({ config, store, clock, logger });
 * void uptime.attach(runtime.kernel.journal);
 * uptime.snapshot();            // GET /api/ops/uptime
 * await uptime.stop();          // graceful shutdown, before runtime.stop() closes the store
 * await runtime.stop();
 */
export class UptimeWatcher {
  private detach: (() => void) | undefined;
  private heartbeat: TimerHandle | undefined;
  private writing: Promise<void> | undefined;
  private dirty = false;
  private markerDue = false;
  private warned = false;
  private stopped = false;

  private constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly logger: Logger,
    readonly config: UptimeWatcherConfig,
    private readonly boots: BootHistory,
    private readonly counters: UptimeCounters,
    /** No counters were stored: count from this process on, do not scan history. */
    private readonly fresh: boolean,
  ) {}

  /** Validates the config, connects the store, records this process start and arms the heartbeat. */
  static async boot(options: UptimeWatcherOptions): Promise<UptimeWatcher> {
    const config = parseUptimeWatcherConfig(options.config);
    const { store, clock, logger } = options;
    await store.connect();
    const history = await recordBoot(store, clock, config.keepBoots);
    const stored = await store.getValue<UptimeCounters>(COUNTERS_KEY);
    const counters = stored ?? (await seedCounters(store));
    const watcher = new UptimeWatcher(store, clock, logger, config, history, counters, stored === undefined);
    const boot = watcher.current;
    const fields = {
      boot: boot.id,
      previousRun: boot.previous,
      starts: history.total,
      crashes: history.crashes,
    };
    if (boot.previous === 'crash')
      logger.warn(fields, 'process start: the previous run did not stop cleanly');
    else logger.info(fields, 'process start recorded');
    if (!store.durable) logger.warn('uptime counts cover this process only: the store is not durable');
    watcher.arm();
    return watcher;
  }

  /** The current run's boot record. */
  get current(): BootRecord {
    return this.boots.boots.at(-1) as BootRecord;
  }

  /** The boot history as recorded at this start (the current run last). */
  history(): BootHistory {
    return this.boots;
  }

  /**
   * Follows `journal` (the runtime's: `runtime.kernel.journal`): first the entries after the stored
   * cursor (what the last process did after its last write, and what this one journaled while the
   * runtime started), then every new entry as it is recorded. Resolves when caught up.
   */
  async attach(journal: JournalSource): Promise<void> {
    if (this.detach !== undefined || this.stopped)
      throw new Error('uptime watcher is already attached or stopped');
    const processStart = journal.lastSeq - journal.recorded;
    // Above this process's start, the stored cursor covers entries the last process journaled but
    // never got into the store: this process numbers from there again.
    if (this.fresh || this.counters.cursor > processStart) this.counters.cursor = processStart;
    let live = false;
    const backlog: JournalEntry[] = [];
    this.detach = journal.onTransition((entry) => (live ? this.fold(entry) : backlog.push(entry)));
    try {
      for (;;) {
        const page = await journal.query({ since: this.counters.cursor, limit: PAGE });
        for (const entry of page) this.fold(entry);
        if (page.length < PAGE) break;
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'uptime watcher could not read the journal back; counting from now');
    }
    for (const entry of backlog) this.fold(entry);
    live = true;
    this.request(false);
  }

  /** The figures for `GET /api/ops/uptime`; `windowMs` overrides the configured uptime window. */
  snapshot(windowMs: number = this.config.windowMs): UptimeSnapshot {
    return uptimeSnapshot({
      instance: this.store.instance,
      durable: this.store.durable,
      now: this.clock.now(),
      history: this.boots,
      counters: this.counters,
      windowMs,
    });
  }

  /** Writes the counters and the run marker now; resolves when written (or the write failed). */
  async flush(): Promise<void> {
    this.request(true);
    while (this.writing !== undefined) await this.writing;
  }

  /**
   * Graceful stop: detaches, writes the counters and the clean-shutdown marker. Call it before
   * `runtime.stop()`, which closes the store. Resolves `false` (and logs) if the marker could not be
   * written: the next start will then count this run as a crash.
   */
  async stop(): Promise<boolean> {
    if (this.stopped) return true;
    this.stopped = true;
    this.detach?.();
    this.clock.clearTimeout(this.heartbeat);
    while (this.writing !== undefined) await this.writing;
    const now = this.clock.now();
    try {
      await this.store.setValue(COUNTERS_KEY, copy(this.counters));
      await writeRunMarker(this.store, { boot: this.current.seq, aliveAt: now, stoppedAt: now });
      return true;
    } catch (error) {
      this.logger.error(
        { err: error },
        'could not write the clean-shutdown marker; the next start counts a crash',
      );
      return false;
    }
  }

  private fold(entry: JournalEntry): void {
    const result = foldEntry(this.counters, entry, this.config.keepHalts);
    if (result === 'none') return;
    if (result === 'halted') void this.recordHaltReason();
    this.request(false);
  }

  /** The journal entry does not carry the reason; the kernel's system record, written just before, does. */
  private async recordHaltReason(): Promise<void> {
    const record = await this.store.getValue<SystemRecord>(SYSTEM_KEY).catch(() => undefined);
    const open = openHalt(this.counters);
    if (record?.state !== 'halted' || open === undefined || open.reason !== null) return;
    open.reason = record.reason;
    this.request(false);
  }

  private arm(): void {
    this.heartbeat = this.clock.setTimeout(() => {
      if (this.stopped) return;
      this.request(true);
      this.arm();
    }, this.config.heartbeatMs);
  }

  /** Asks for a write; writes are serial and coalesced, so a crash storm costs one write in flight. */
  private request(marker: boolean): void {
    if (this.stopped) return;
    this.dirty = true;
    if (marker) this.markerDue = true;
    if (this.writing !== undefined) return;
    const release = this.clock.hold();
    this.writing = this.drain().finally(() => {
      this.writing = undefined;
      release();
    });
  }

  private async drain(): Promise<void> {
    while (this.dirty && !this.stopped) {
      this.dirty = false;
      const marker = this.markerDue;
      this.markerDue = false;
      try {
        await this.store.setValue(COUNTERS_KEY, copy(this.counters));
        if (marker) {
          const now = this.clock.now();
          await writeRunMarker(this.store, { boot: this.current.seq, aliveAt: now, stoppedAt: null });
        }
        this.warned = false;
      } catch (error) {
        // The next heartbeat writes again; until then the counts live in this process only.
        if (!this.warned)
          this.logger.warn({ err: error }, 'uptime counters not written; retried at the next heartbeat');
        this.warned = true;
        return;
      }
    }
  }
}

/** First run on this store: start from the kernel's system record, so a persisted halt is known. */
async function seedCounters(store: Store): Promise<UptimeCounters> {
  const record = await store.getValue<SystemRecord>(SYSTEM_KEY);
  const counters = emptyCounters(0, record?.state === 'halted' ? 'halted' : null);
  if (record?.state === 'halted') {
    counters.unplannedHalts = 1;
    counters.halts.push({ at: record.t, until: null, reason: record.reason });
  }
  return counters;
}

function copy(counters: UptimeCounters): UptimeCounters {
  return JSON.parse(JSON.stringify(counters)) as UptimeCounters;
}
