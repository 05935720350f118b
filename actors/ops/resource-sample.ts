/**
 * One reading of the process's resources and trading figures, taken every `intervalMs` by the
 * {@link ResourceSampler}. A field is null when its source is absent or could not be read (Redis
 * memory on the in-process store, equity on an instance that does not trade). JSON-safe: the store
 * keeps these and weekly reports are built from them.
 */
export interface ResourceSample {
  /** The slot the sample stands for: a multiple of the interval, in clock ms. */
  readonly t: number;
  /** `process.memoryUsage().heapUsed`, bytes. */
  readonly heapUsedBytes: number | null;
  /** Event-loop delay p99 since the previous sample, ms. */
  readonly loopDelayP99Ms: number | null;
  /** Redis `INFO memory` `used_memory`, bytes. */
  readonly redisUsedMemoryBytes: number | null;
  /** The journal's last `seq`: its growth between samples is entries written. */
  readonly journalSeq: number | null;
  /** The portfolio's equity at its latest marks, in the valuation asset. */
  readonly equity: number | null;
  /** The instance's net trading PnL (realized − fees + unrealized), cumulative. */
  readonly netPnl: number | null;
  /** Restarts of the tree's actors, cumulative (the uptime watcher's totals). */
  readonly restarts: number | null;
  /** Crashes of the tree's actors, cumulative. */
  readonly crashes: number | null;
}

/** The figures of a sample, without its time. */
export type ResourceFigures = Omit<ResourceSample, 't'>;

/** A figure's name. */
export type ResourceField = keyof ResourceFigures;

/** Every figure, in the order samples and reports list them. */
export const RESOURCE_FIELDS: readonly ResourceField[] = [
  'heapUsedBytes',
  'loopDelayP99Ms',
  'redisUsedMemoryBytes',
  'journalSeq',
  'equity',
  'netPnl',
  'restarts',
  'crashes',
];

/**
 * Where the sampler reads each figure; every source is optional (its figure is then null) and may be
 * synchronous or not. Injectable so a spec on the virtual clock feeds exact values; production uses
 * `realResourceSources`. A source that throws gives null for that sample and is logged once.
 */
export interface ResourceSources {
  heapUsedBytes?(): number | null | Promise<number | null>;
  /** Must reset what it measures, so each sample covers only the time since the previous one. */
  loopDelayP99Ms?(): number | null | Promise<number | null>;
  redisUsedMemoryBytes?(): number | null | Promise<number | null>;
  journalSeq?(): number | null | Promise<number | null>;
  equity?(): number | null | Promise<number | null>;
  netPnl?(): number | null | Promise<number | null>;
  restarts?(): number | null | Promise<number | null>;
  crashes?(): number | null | Promise<number | null>;
  /** Releases what the sources hold (the event-loop histogram). */
  close?(): void;
}

/** What the store keeps for one ISO week: its samples, oldest first. */
export interface ResourceWeek {
  /** `2026-W02`: the slot's key is shared with other weeks of the ring, this says whose it is. */
  readonly week: string;
  readonly intervalMs: number;
  readonly samples: readonly ResourceSample[];
}
