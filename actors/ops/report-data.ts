/**
 * The weekly long-run report as data: what the store keeps, `GET /api/reports/:week?format=json`
 * answers, and the Markdown and HTML renderers draw. JSON-safe, times in clock ms, and built in a
 * fixed key order so the same inputs serialise to the same bytes.
 */

/** Version of the stored shape; a stored report of another version is not read. */
export const REPORT_VERSION = 1;

/** How loud a flag is: `critical` must be acted on (an unexplained balance event). */
export type FlagLevel = 'critical' | 'warning' | 'info';

/** Something the report wants a reader to see first. */
export interface ReportFlag {
  readonly level: FlagLevel;
  readonly message: string;
}

/** Stability over the week: the process, the tree and GLOBAL HALTs. */
export interface StabilitySection {
  /** Up (running, not halted) over covered time; null when nothing is covered. */
  readonly uptimeRatio: number | null;
  /** Time the boot records cover in the week (less than the week for a short history or a partial week). */
  readonly coveredMs: number;
  readonly upMs: number;
  readonly haltedMs: number;
  readonly downMs: number;
  /** Process starts in the week. */
  readonly processStarts: number;
  /** Runs that ended in the week without a graceful stop. */
  readonly processCrashes: number;
  readonly cleanStops: number;
  /** Restarts of the tree's actors in the week (from the samples' totals); null without samples. */
  readonly restarts: number | null;
  /** Crashes of the tree's actors in the week; null without samples. */
  readonly crashes: number | null;
  /** Unplanned GLOBAL HALTs that began in the week. */
  readonly halts: readonly {
    readonly at: number;
    readonly until: number | null;
    readonly reason: string | null;
  }[];
  /** Process runs that overlap the week, oldest first. */
  readonly boots: readonly {
    readonly id: string;
    readonly at: number;
    readonly previous: string;
    readonly endedAt: number | null;
    readonly ended: string | null;
  }[];
  /** Actors whose latest crash or restart fell in the week, by id. */
  readonly actors: readonly {
    readonly id: string;
    readonly lastCrashAt: number | null;
    readonly lastRestartAt: number | null;
  }[];
}

/** One incident as the report lists it. */
export interface ReportIncidentRow {
  readonly id: number;
  readonly kind: string;
  readonly actor: string;
  readonly state: string;
  readonly raisedAt: number;
  readonly occurrences: number;
  readonly detail: string;
}

/** Incidents raised in the week. */
export interface IncidentSection {
  readonly total: number;
  /** Every incident state, in the machine's order, with its count. */
  readonly byState: Readonly<Record<string, number>>;
  /** Kinds in alphabetical order. */
  readonly byKind: Readonly<Record<string, number>>;
  /** Ids of those without a signed post-mortem. */
  readonly withoutPostmortem: readonly number[];
  readonly list: readonly ReportIncidentRow[];
}

/** One near miss (an anomaly record) seen during the week. */
export interface ReportNearMissRow {
  readonly kind: string;
  readonly severity: string;
  /** `type:id`, e.g. `actor:breaker-latency-maker`. */
  readonly subject: string;
  readonly firstSeen: number;
  readonly lastSeen: number;
  /** Observations folded into the record, all of them (not only this week's). */
  readonly count: number;
  readonly summary: string;
}

/** Near misses: anomaly records seen during the week. */
export interface NearMissSection {
  readonly total: number;
  readonly bySeverity: Readonly<Record<'critical' | 'warning' | 'info', number>>;
  readonly list: readonly ReportNearMissRow[];
}

/** Summary of one sampled metric over the week. */
export interface MetricSummary {
  /** `heap`, `loopDelayP99`, `redisMemory`, `journal`. */
  readonly id: string;
  readonly label: string;
  /** `MiB`, `ms`, `entries`. */
  readonly unit: string;
  /** Samples with a value. */
  readonly count: number;
  readonly min: number | null;
  readonly median: number | null;
  readonly max: number | null;
  readonly first: number | null;
  readonly last: number | null;
  /** Least-squares slope, unit per day; null with fewer than two values. */
  readonly slopePerDay: number | null;
  /** The values with their sample times, oldest first: what the charts draw. */
  readonly points: readonly (readonly [number, number])[];
}

/** Resource trends. */
export interface ResourceSection {
  /** Samples taken in the week. */
  readonly samples: number;
  readonly intervalMs: number | null;
  /** Journal entries written in the week (growth of the journal `seq`); null without samples. */
  readonly journalEntries: number | null;
  readonly metrics: readonly MetricSummary[];
}

/** Trading sanity. */
export interface TradingSection {
  /** Whether any sample carried trading figures (the instance trades). */
  readonly available: boolean;
  readonly equityStart: number | null;
  readonly equityEnd: number | null;
  /** Change of the instance's net PnL over the week. */
  readonly netPnl: number | null;
  /** The sampled net PnL (cumulative) through the week, for the chart. */
  readonly pnl: MetricSummary;
  /** Occurrences of `UNEXPLAINED_BALANCE_CHANGE` incidents seen during the week: must be 0. */
  readonly unexplainedBalanceEvents: number;
  readonly unexplainedIncidents: readonly number[];
  /** `unexplainedBalanceEvents === 0`. */
  readonly ok: boolean;
}

/** The figures a listing shows for each report. */
export interface ReportHeadline {
  readonly uptimePct: number | null;
  readonly restarts: number | null;
  readonly crashes: number | null;
  readonly processCrashes: number;
  readonly halts: number;
  readonly incidents: number;
  readonly nearMisses: number;
  readonly unexplainedBalanceEvents: number;
  readonly netPnl: number | null;
  readonly critical: number;
}

/** One week's report. */
export interface WeeklyReport {
  readonly version: typeof REPORT_VERSION;
  readonly instance: string;
  /** Whether the records it is built from survive restarts (a Redis store). */
  readonly durable: boolean;
  /** `2026-W02`. */
  readonly week: string;
  /** Monday 00:00 UTC. */
  readonly from: number;
  /** The next Monday 00:00 UTC. */
  readonly to: number;
  /** End of what it covers: `to` for a finished week, the time it was made for the current one. */
  readonly until: number;
  /** Whether the week was over when it was made (a weekly report), or it is the week so far. */
  readonly complete: boolean;
  readonly generatedAt: number;
  readonly headline: ReportHeadline;
  readonly flags: readonly ReportFlag[];
  readonly stability: StabilitySection;
  readonly incidents: IncidentSection;
  readonly nearMisses: NearMissSection;
  readonly resources: ResourceSection;
  readonly trading: TradingSection;
}
