import { createLogger } from './logger';
import type { Logger } from './logger';

/**
 * comedy's logger interface backed by our pino logger. comedy instantiates this class itself (also
 * inside forked children, by module path), so it builds its own pino instance; comedy's chatter is
 * kept at `warn` and above.
 */
class ComedyLogger {
  private readonly log: Logger;

  constructor(params?: { level?: string }) {
    this.log = createLogger({ level: params?.level ?? 'warn' }).child({ component: 'comedy' });
  }

  isDebug(): boolean {
    return this.log.isLevelEnabled('debug');
  }

  debug(...messages: unknown[]): void {
    this.log.debug(messages.map(String).join(' '));
  }

  info(...messages: unknown[]): void {
    this.log.info(messages.map(String).join(' '));
  }

  warn(...messages: unknown[]): void {
    this.log.warn(messages.map(String).join(' '));
  }

  error(...messages: unknown[]): void {
    this.log.error(messages.map(String).join(' '));
  }
}

// comedy `require`s this module by path and instantiates what it gets: the class must be the module itself.
export = ComedyLogger;
