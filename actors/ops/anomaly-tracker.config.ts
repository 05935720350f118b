import { z } from 'zod';
import { ConfigError } from '../kernel/errors';
import { formatPath } from '../kernel/system-config';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const ms = (min: number, max: number, fallback: number) =>
  z.number().int().min(min).max(max).default(fallback);
const fraction = (fallback: number) => z.number().min(0).max(1).default(fallback);
const enabled = z.boolean().default(true);

/** Breakers that go YELLOW and cool down (journal-fed). */
const breakersSchema = z.strictObject({ enabled });

/** Risk denials at a limit, read from the engines' figures every `everyMs`. */
const denialsSchema = z.strictObject({
  enabled,
  everyMs: ms(SECOND, HOUR, MINUTE),
  /** Limit denials at or above this share of the interval's decisions are a warning. 0.2 by default. */
  warnShare: fraction(0.2),
  /** An admitted order using at least this fraction of a limit is near it (when the source says). */
  nearFraction: fraction(0.9),
});

/** Log lines dropped by the rate limiter, per source. */
const logsSchema = z.strictObject({
  enabled,
  /** How often the dropped counts are read. 1 min by default. */
  everyMs: ms(MINUTE, DAY, MINUTE),
  /** Lines dropped in one interval from one source at which it is critical. 100 000 by default. */
  criticalLines: z.number().int().min(1).default(100_000),
});

/** Reconciliation heals (journal-fed). */
const healsSchema = z.strictObject({ enabled });

/** Event-loop delay, sampled (real time: `monitorEventLoopDelay`) every `everyMs`. */
const eventLoopSchema = z.strictObject({
  enabled,
  everyMs: ms(SECOND, HOUR, MINUTE),
  /** One stall this long (the interval's max) is noted. 250 ms by default. */
  spikeMaxMs: z.number().positive().default(250),
  /** The interval's p99 at or above this is a warning. 100 ms by default. */
  warnP99Ms: z.number().positive().default(100),
  criticalP99Ms: z.number().positive().default(1_000),
});

/**
 * Post-GC heap slope. Defaults: a sample every 15 min; the slope over the last 6 h, once 3 h of
 * samples (after a 30 min warm-up) are in; flagged when ≥ 24 MB/day (1 MB/h) with Kendall's tau
 * ≥ 0.5 for an hour.
 */
const heapSchema = z.strictObject({
  enabled,
  everyMs: ms(SECOND, DAY, 15 * MINUTE),
  windowMs: ms(MINUTE, 30 * DAY, 6 * HOUR),
  minSpanMs: ms(MINUTE, 30 * DAY, 3 * HOUR),
  /** Samples this soon after start are ignored: JIT, caches and buffers fill up then. */
  warmupMs: ms(0, DAY, 30 * MINUTE),
  /** The slope must stay over the threshold this long before it is flagged. */
  sustainMs: ms(0, DAY, HOUR),
  warnMBPerDay: z.number().positive().default(24),
  criticalMBPerDay: z.number().positive().default(256),
  /** How consistently the heap must grow (Kendall's tau, 0..1). */
  minTau: fraction(0.5),
});

/**
 * Venue ack latency creep per engine, from `ExecutionStats` p99 over each `everyMs`. Defaults: the
 * Theil–Sen slope of ln(p99) over the last 6 h, once 2 h are in, flagged at ≥ 0.5%/h with tau ≥ 0.4.
 */
const latencySchema = z.strictObject({
  enabled,
  everyMs: ms(SECOND, DAY, 10 * MINUTE),
  windowMs: ms(MINUTE, 30 * DAY, 6 * HOUR),
  minSpanMs: ms(MINUTE, 30 * DAY, 2 * HOUR),
  /** An interval with fewer submissions is skipped: its p99 is a handful of orders. */
  minSubmits: z.number().int().min(1).default(20),
  /** Relative rise per hour (0.005 = 0.5%/h). */
  minSlopePerHour: z.number().positive().default(0.005),
  minTau: fraction(0.4),
  /** The latency breaker's yellow level, for the projection (see `breaker-defaults.ts`). */
  yellowAtMs: z.number().positive().default(2_000),
  /** Critical when, at the current rise, the p99 reaches `yellowAtMs` within this. 24 h by default. */
  criticalWithinMs: ms(0, 365 * DAY, DAY),
});

/** Journal growth and backlog, sampled every `everyMs`. */
const journalSchema = z.strictObject({
  enabled,
  everyMs: ms(SECOND, DAY, 15 * MINUTE),
  /** The rate is compared with the median of this much history. 24 h by default. */
  baselineMs: ms(HOUR, 30 * DAY, DAY),
  /** A rate this many times its baseline is a warning. */
  rateFactor: z.number().min(1).default(3),
  /** Below this many entries an hour a rate is never flagged as rising. */
  minRatePerHour: z.number().min(0).default(1_000),
  /** At the current rate the stream's bound keeps fewer days than this: info. */
  minRetentionDays: z.number().min(0).default(7),
  pendingWarn: z.number().int().min(1).default(10_000),
  pendingCritical: z.number().int().min(1).default(100_000),
});

/** Settings of the {@link AnomalyTracker}; every field has a default. */
export const anomalyTrackerConfigSchema = z
  .strictObject({
    /** The tracker's tick: every sampled detector's `everyMs` must be a multiple of it. 1 min by default. */
    tickMs: ms(100, HOUR, MINUTE),
    /** Records kept (the store's `kv:anomalies`); past it the one seen least recently goes. 200 by default. */
    capacity: z.number().int().min(1).max(10_000).default(200),
    /** An observation within this of its record's last one folds into it. 1 h by default. */
    dedupWindowMs: ms(0, 30 * DAY, HOUR),
    /** Values and times kept per record for the trend. 32 by default. */
    keepPerRecord: z.number().int().min(4).max(1_000).default(32),
    /** Changes are written to the store at most this often (and at stop). 10 s by default. */
    persistMs: ms(0, HOUR, 10 * SECOND),
    breakers: breakersSchema.default(() => breakersSchema.parse({})),
    denials: denialsSchema.default(() => denialsSchema.parse({})),
    heals: healsSchema.default(() => healsSchema.parse({})),
    eventLoop: eventLoopSchema.default(() => eventLoopSchema.parse({})),
    heap: heapSchema.default(() => heapSchema.parse({})),
    latency: latencySchema.default(() => latencySchema.parse({})),
    journal: journalSchema.default(() => journalSchema.parse({})),
    logs: logsSchema.default(() => logsSchema.parse({})),
  })
  .superRefine((config, ctx) => {
    for (const name of ['denials', 'eventLoop', 'heap', 'latency', 'journal', 'logs'] as const) {
      if (config[name].everyMs % config.tickMs !== 0)
        ctx.addIssue({
          code: 'custom',
          path: [name, 'everyMs'],
          message: `expected a multiple of tickMs (${config.tickMs}), got ${config[name].everyMs}`,
        });
    }
    const order = (path: string[], value: number, min: number, what: string, strict: boolean): void => {
      if (strict ? value > min : value >= min) return;
      const relation = strict ? 'more than' : 'at least';
      ctx.addIssue({ code: 'custom', path, message: `expected ${relation} ${what} (${min}), got ${value}` });
    };
    const { heap, eventLoop, journal, latency } = config;
    order(['heap', 'criticalMBPerDay'], heap.criticalMBPerDay, heap.warnMBPerDay, 'warnMBPerDay', true);
    order(['eventLoop', 'criticalP99Ms'], eventLoop.criticalP99Ms, eventLoop.warnP99Ms, 'warnP99Ms', true);
    order(['journal', 'pendingCritical'], journal.pendingCritical, journal.pendingWarn, 'pendingWarn', true);
    // A span longer than the window could never be reached: the detector would stay silent for ever.
    order(['heap', 'windowMs'], heap.windowMs, heap.minSpanMs, 'minSpanMs', false);
    order(['latency', 'windowMs'], latency.windowMs, latency.minSpanMs, 'minSpanMs', false);
  });

/** A validated anomaly tracker config. */
export type AnomalyTrackerConfig = z.infer<typeof anomalyTrackerConfigSchema>;

/** What {@link parseAnomalyTrackerConfig} accepts. */
export type AnomalyTrackerConfigInput = z.input<typeof anomalyTrackerConfigSchema>;

/**
 * Validates the tracker's settings, filling defaults. Throws {@link ConfigError} with one line per
 * problem, `field: what was expected`.
 *
 * @example
 * parseAnomalyTrackerConfig({ heap: { warnMBPerDay: 12 } }).heap.everyMs; // 900000
 */
export function parseAnomalyTrackerConfig(raw: unknown = {}): AnomalyTrackerConfig {
  const parsed = anomalyTrackerConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
  throw new ConfigError(`invalid anomaly tracker config:\n  ${issues.join('\n  ')}`, issues);
}
