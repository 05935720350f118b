import pino from 'pino';
import type { Logger } from 'pino';

export type { Logger } from 'pino';

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** pino level; `silent` in specs. */
  readonly level?: string;
  /** Where lines go; stdout by default. */
  readonly destination?: pino.DestinationStream;
}

/** The runtime's one logger (pino). Components get children of it with `{ actor }` bound. */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    { level: options.level ?? process.env.LOG_LEVEL ?? 'info', base: { app: 'predator' } },
    options.destination,
  );
}

/** A logger that writes nothing, for specs and benchmarks. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
