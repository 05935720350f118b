import type { LogFn, Logger } from 'pino';
import type { Clock, TimerHandle } from './clock';
import type { LogRateLimitConfig } from './log-rate-limit.config';
import { parseLogRateLimitConfig } from './log-rate-limit.config';

/** Source of lines that name no `actor` and whose logger is bound to none (nor to a `component`). */
export const UNATTRIBUTED_SOURCE = '(unattributed)';

/** The bucket shared by sources past `maxSources`. */
export const OTHER_SOURCE = '(other)';

const WARN = 40;
const ERROR = 50;
const FATAL = 60;

/** Counters of a {@link LogRateLimiter} since it was made. */
export interface LogRateLimitStats {
  /** Lines let through to the destination (fatal lines included, summaries not). */
  readonly passed: number;
  /** Lines dropped for being over their source's budget, warnings and errors included. */
  readonly suppressed: number;
  /** Of `suppressed`, the `warn` and `error` lines. */
  readonly suppressedWarnings: number;
  /** `N lines from <source> suppressed` lines written. */
  readonly summaries: number;
  /** Sources with a bucket (at most `maxSources`, plus `(other)`). */
  readonly sources: number;
}

/** Options of {@link LogRateLimiter}. */
export interface LogRateLimiterOptions {
  /** {@link LogRateLimitConfigInput}; validated here. */
  readonly config?: unknown;
  /** Buckets refill and summary windows close on this clock. */
  readonly clock: Clock;
}

interface SourceBudget {
  readonly source: string;
  lines: number;
  linesAt: number;
  warnings: number;
  warningsAt: number;
  /** Suppressed since the last summary: all lines, the warnings and errors among them, top level. */
  pendingLines: number;
  pendingWarnings: number;
  pendingLevel: number;
  /** Suppressed since the start. */
  suppressed: number;
}

/**
 * Keeps one chatty source from taking the event loop and the disk: a token bucket per source in
 * front of pino (its `logMethod` hook, so a dropped line costs a counter, never a serialisation).
 * The source of a line is the `actor` it names, else the `actor` (or `component`) its logger is
 * bound to. Routine lines (`trace`, `debug`, `info`) spend `burst` / `ratePerSec`; `warn` and
 * `error` lines spend a bucket of their own — what an operator acts on, including the kernel's own
 * lines about an actor (`component crashed`), is never crowded out by that actor's chatter, while a
 * warning in a hot loop is still bounded. `fatal` lines always pass: they precede an exit, whose
 * reason must be kept.
 *
 * Dropped lines are counted, per source and in total ({@link LogRateLimiter.stats}); once a window
 * (`windowMs`, from the first drop) each source that lost lines gets one line
 * `N lines from <source> suppressed` at `warn`, or at the highest level it lost if that is higher.
 * Lines the level filters out never reach the limiter. Buckets refill on the injected clock.
 *
 * @example
 * const limiter = new LogRateLimiter({ config: { ratePerSec: 50 }, clock });
 * const logger = createLogger({ destination, rateLimit: limiter });
 * logger.child({ actor: 'feed' }).info('tick'); // over budget: counted, not written
 * limiter.stats(); // { passed, suppressed, suppressedWarnings, summaries, sources }
 */
export class LogRateLimiter {
  readonly config: LogRateLimitConfig;
  /** The pino hook (`hooks.logMethod`); {@link createLogger} installs it. */
  readonly logMethod: (this: Logger, args: Parameters<LogFn>, method: LogFn, level: number) => void;
  private readonly clock: Clock;
  private readonly budgets = new Map<string, SourceBudget>();
  private readonly bound = new WeakMap<object, string>();
  private readonly pending = new Set<SourceBudget>();
  private target: Logger | undefined;
  private windowTimer: TimerHandle | undefined;
  private summarizing = false;
  private lastLogger: Logger | undefined;
  private lastBudget: SourceBudget | undefined;
  private counts = { passed: 0, suppressed: 0, suppressedWarnings: 0, summaries: 0 };

  constructor(options: LogRateLimiterOptions) {
    this.config = parseLogRateLimitConfig(options.config);
    this.clock = options.clock;
    const admit = (logger: Logger, args: readonly unknown[], level: number): boolean =>
      this.admit(logger, args, level);
    this.logMethod = function (args, method, level) {
      if (admit(this, args, level)) method.apply(this, args);
    };
  }

  /** The logger summaries are written to; {@link createLogger} attaches its root logger. */
  attach(logger: Logger): void {
    if (this.target !== undefined && this.target !== logger)
      throw new Error('a LogRateLimiter serves one logger');
    this.target = logger;
  }

  stats(): LogRateLimitStats {
    return { ...this.counts, sources: this.budgets.size };
  }

  /** Lines suppressed since the start, by source; sources that lost none are left out. */
  suppressedBySource(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const budget of this.budgets.values())
      if (budget.suppressed > 0) out[budget.source] = budget.suppressed;
    return out;
  }

  /** Writes the open window's summaries now (at shutdown, or for a reader who wants exact counts). */
  flush(): void {
    this.clock.clearTimeout(this.windowTimer);
    this.windowTimer = undefined;
    this.summarize();
  }

  /** Same as {@link LogRateLimiter.flush}: the limiter holds no other resource. */
  close(): void {
    this.flush();
  }

  private admit(logger: Logger, args: readonly unknown[], level: number): boolean {
    if (this.summarizing) {
      this.counts.summaries++;
      return true;
    }
    if (level >= FATAL) {
      this.counts.passed++;
      return true;
    }
    const budget = this.budgetFor(logger, args[0]);
    const now = this.clock.now();
    const { config } = this;
    if (level >= WARN) {
      budget.warnings = refill(
        budget.warnings,
        now - budget.warningsAt,
        config.warnRatePerSec,
        config.warnBurst,
      );
      budget.warningsAt = now;
      if (budget.warnings >= 1) {
        budget.warnings--;
        this.counts.passed++;
        return true;
      }
      budget.pendingWarnings++;
      this.counts.suppressedWarnings++;
    } else {
      budget.lines = refill(budget.lines, now - budget.linesAt, config.ratePerSec, config.burst);
      budget.linesAt = now;
      if (budget.lines >= 1) {
        budget.lines--;
        this.counts.passed++;
        return true;
      }
    }
    budget.pendingLines++;
    if (level > budget.pendingLevel) budget.pendingLevel = level;
    budget.suppressed++;
    this.counts.suppressed++;
    this.pending.add(budget);
    if (this.windowTimer === undefined)
      this.windowTimer = this.clock.setTimeout(() => {
        this.windowTimer = undefined;
        this.summarize();
      }, config.windowMs);
    return false;
  }

  private budgetFor(logger: Logger, first: unknown): SourceBudget {
    if (typeof first === 'object' && first !== null) {
      const actor = (first as { actor?: unknown }).actor;
      if (typeof actor === 'string') return this.budgetOf(actor);
    }
    // A flood comes from one child logger: remembering the last one skips two map lookups a line.
    if (logger === this.lastLogger && this.lastBudget !== undefined) return this.lastBudget;
    const budget = this.budgetOf(this.boundSource(logger));
    this.lastLogger = logger;
    this.lastBudget = budget;
    return budget;
  }

  private boundSource(logger: Logger): string {
    let source = this.bound.get(logger);
    if (source === undefined) {
      // Parsed once per child: pino's bindings() parses its JSON each call.
      const bindings = logger.bindings();
      source =
        typeof bindings.actor === 'string'
          ? bindings.actor
          : typeof bindings.component === 'string'
            ? bindings.component
            : UNATTRIBUTED_SOURCE;
      this.bound.set(logger, source);
    }
    return source;
  }

  private budgetOf(source: string): SourceBudget {
    let budget = this.budgets.get(source);
    if (budget !== undefined) return budget;
    // Sources are bounded so that lines naming ever-new actors (an id per order) cannot grow memory.
    if (this.budgets.size >= this.config.maxSources) {
      budget = this.budgets.get(OTHER_SOURCE);
      if (budget !== undefined) return budget;
      source = OTHER_SOURCE;
    }
    const now = this.clock.now();
    budget = {
      source,
      lines: this.config.burst,
      linesAt: now,
      warnings: this.config.warnBurst,
      warningsAt: now,
      pendingLines: 0,
      pendingWarnings: 0,
      pendingLevel: 0,
      suppressed: 0,
    };
    this.budgets.set(source, budget);
    return budget;
  }

  private summarize(): void {
    const budgets = [...this.pending];
    this.pending.clear();
    for (const budget of budgets) {
      const { pendingLines: lines, pendingWarnings: warnings, pendingLevel: level } = budget;
      budget.pendingLines = 0;
      budget.pendingWarnings = 0;
      budget.pendingLevel = 0;
      if (this.target === undefined) continue;
      const fields = {
        actor: budget.source,
        suppressed: lines,
        suppressedWarnings: warnings,
        windowMs: this.config.windowMs,
      };
      const message = `${lines} line${lines === 1 ? '' : 's'} from ${budget.source} suppressed`;
      this.summarizing = true;
      try {
        // At least `warn`, and as high as what was lost: an `error`-level log still shows the summary.
        if (level >= ERROR) this.target.error(fields, message);
        else this.target.warn(fields, message);
      } finally {
        this.summarizing = false;
      }
    }
  }
}

/** Tokens after `elapsedMs` at `ratePerSec`, capped at `burst`; a clock stepped back adds none. */
function refill(tokens: number, elapsedMs: number, ratePerSec: number, burst: number): number {
  if (elapsedMs <= 0) return tokens;
  return Math.min(burst, tokens + (elapsedMs * ratePerSec) / 1_000);
}
