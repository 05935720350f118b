import pino from 'pino';
import type { Logger } from 'pino';
import type { LogRateLimiter } from './log-rate-limit';

export type { Logger } from 'pino';

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** pino level; `silent` in specs. */
  readonly level?: string;
  /** Where lines go; stdout by default. */
  readonly destination?: pino.DestinationStream;
  /**
   * A budget of lines per source in front of every line this logger and its children write; none
   * by default. The limiter writes its `N lines from <source> suppressed` lines to this logger.
   */
  readonly rateLimit?: LogRateLimiter;
}

const RATE_LIMIT = Symbol('predator.logRateLimit');

/** The runtime's one logger (pino). Components get children of it with `{ actor }` bound. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const limiter = options.rateLimit;
  const logger = pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      base: { app: 'predator' },
      ...(limiter ? { hooks: { logMethod: limiter.logMethod } } : {}),
    },
    options.destination,
  );
  if (limiter) {
    limiter.attach(logger);
    // A property of the root: pino's children are made with Object.create, so they inherit it.
    Object.defineProperty(logger, RATE_LIMIT, { value: limiter });
  }
  return logger;
}

/**
 * The rate limiter in front of `logger` (or of the root it is a child of), if it has one: where an
 * operator-facing sampler reads the suppressed counts.
 *
 * @example
 * const suppressed = rateLimiterOf(logger)?.stats().suppressed ?? 0;
 */
export function rateLimiterOf(logger: Logger): LogRateLimiter | undefined {
  return (logger as unknown as { [RATE_LIMIT]?: LogRateLimiter })[RATE_LIMIT];
}

/** A logger that writes nothing, for specs and benchmarks. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
