import type { Logger } from '../kernel/logger';
import type { Store } from '../kernel/store';
import { weekNumber, weekRange } from './iso-week';
import type { ReportHeadline, WeeklyReport } from './report-data';
import { REPORT_VERSION } from './report-data';

/** Store key (`predator:{inst}:kv:reports:index`) of the {@link ReportsIndex}. */
export const REPORTS_INDEX_KEY = 'reports:index';

/** What `GET /api/reports` lists for each stored report. */
export interface ReportListing {
  readonly week: string;
  readonly generatedAt: number;
  readonly complete: boolean;
  readonly headline: ReportHeadline;
}

/** What `reports:index` holds: the ring's size, fixed when first written, and the reports kept, newest first. */
export interface ReportsIndex {
  readonly capacity: number;
  readonly reports: readonly ReportListing[];
}

/**
 * Store key (`predator:{inst}:kv:reports:week:{n}`) of the slot of `week`'s report: a ring of
 * `capacity` slots by week number, because the store has no delete. The report names its week.
 */
export function reportKey(week: string, capacity: number): string {
  const n = weekNumber(weekRange(week).from);
  return `reports:week:${((n % capacity) + capacity) % capacity}`;
}

/**
 * The stored weekly reports: one value per week in a ring of `capacity` slots (52 by default,
 * fixed at the first write like the incident book's ring), and an index listing them with their
 * headline figures. Writes are serial; a report is written before the index names it, so a crash
 * between the two leaves it unlisted, and it is made again.
 */
export class ReportArchive {
  private chain: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly store: Pick<Store, 'getValue' | 'setValue'>,
    readonly capacity: number,
    private index: ReportListing[],
  ) {}

  /** Reads the index; `capacity` applies only to a store that has none yet. */
  static async open(
    store: Pick<Store, 'getValue' | 'setValue'>,
    logger: Logger,
    capacity: number,
  ): Promise<ReportArchive> {
    const stored = await store.getValue<ReportsIndex>(REPORTS_INDEX_KEY);
    if (stored === undefined || !Array.isArray(stored.reports)) return new ReportArchive(store, capacity, []);
    if (stored.capacity !== capacity)
      logger.warn(
        { stored: stored.capacity, configured: capacity },
        'the report ring keeps the size it was first written with',
      );
    return new ReportArchive(store, stored.capacity, [...stored.reports]);
  }

  /** The reports kept, newest week first. */
  list(): ReportListing[] {
    return this.index.map((r) => structuredClone(r));
  }

  /** Whether `week`'s report is stored. */
  has(week: string): boolean {
    return this.index.some((r) => r.week === week);
  }

  /** `week`'s stored report; undefined when none is kept. */
  async get(week: string): Promise<WeeklyReport | undefined> {
    if (!this.has(week)) return undefined;
    const report = await this.store.getValue<WeeklyReport>(reportKey(week, this.capacity));
    return report?.week === week && report.version === REPORT_VERSION ? report : undefined;
  }

  /** Stores `report` (replacing that week's), then lists it; the oldest beyond the ring drop out. */
  save(report: WeeklyReport): Promise<void> {
    const run = this.chain.then(async () => {
      await this.store.setValue(reportKey(report.week, this.capacity), report);
      const newest = Math.max(
        weekNumber(report.from),
        ...this.index.map((r) => weekNumber(weekRange(r.week).from)),
      );
      const listing: ReportListing = {
        week: report.week,
        generatedAt: report.generatedAt,
        complete: report.complete,
        headline: report.headline,
      };
      const next = [listing, ...this.index.filter((r) => r.week !== report.week)]
        .filter((r) => weekNumber(weekRange(r.week).from) > newest - this.capacity)
        .sort((a, b) => (a.week < b.week ? 1 : a.week > b.week ? -1 : 0));
      await this.store.setValue(REPORTS_INDEX_KEY, { capacity: this.capacity, reports: next });
      this.index = next;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }
}
