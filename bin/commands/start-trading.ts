import { ConfigError } from '../../actors/kernel/errors';
import type { TradingConfigInput } from '../../actors/trading/trading-config';
import { defaultTradingConfig, parseTradingConfig } from '../../actors/trading/trading-config';
import type { TradingConfig } from '../../actors/trading/trading-config';
import { UsageError } from '../usage';

/** Command-line choices that shape the trading config. */
export interface TradingFlags {
  readonly mode?: string | undefined;
  readonly venue?: string | undefined;
  readonly venueUrl?: string | undefined;
}

/** Whether a config file holds a kernel system spec (a `root` tree) rather than a trading config. */
export function isSystemSpec(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && 'root' in raw;
}

/**
 * The trading config `predator start` runs: the file's, or the default (two engines in shadow on
 * the simulated venue), with `--mode`, `--venue` and `--venue-url` applied. API keys come from the
 * config file or `PREDATOR_API_KEY` / `PREDATOR_API_SECRET`, never from a flag. Throws
 * {@link UsageError} for a bad flag and `ConfigError` for a bad config; nothing starts then.
 */
export function resolveTradingConfig(
  raw: unknown,
  flags: TradingFlags,
  env: NodeJS.ProcessEnv,
): TradingConfig {
  if (flags.mode !== undefined && flags.mode !== 'shadow' && flags.mode !== 'live')
    throw new UsageError(`--mode: expected shadow or live, got "${flags.mode}"`);
  if (flags.venueUrl !== undefined && flags.venue === undefined)
    throw new UsageError('--venue-url: needs --venue (e.g. --venue binance)');
  const mode = flags.mode as 'shadow' | 'live' | undefined;
  const base = (raw ?? defaultTradingConfig()) as TradingConfigInput;
  if (typeof base !== 'object' || base === null || Array.isArray(base))
    throw new ConfigError('invalid trading config:\n  (root): expected an object', [
      '(root): expected an object',
    ]);
  const config: Record<string, unknown> = { ...base };
  if (mode !== undefined && Array.isArray(base.engines))
    config.engines = base.engines.map((e) => ({ ...(e as object), mode }));
  if (flags.venue !== undefined) {
    if (flags.venue === 'sim') config.venue = { kind: 'sim' };
    else {
      if (!/^[a-z0-9]{2,30}$/.test(flags.venue))
        throw new UsageError(
          `--venue: expected sim or a ccxt exchange id like binance, got "${flags.venue}"`,
        );
      if (flags.venueUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(flags.venueUrl))
        throw new UsageError(`--venue-url: expected an http(s) URL, got "${flags.venueUrl}"`);
      const fromFile = (base.venue ?? {}) as { apiKey?: string; secret?: string };
      config.venue = {
        kind: 'ccxt',
        name: flags.venue,
        ...(flags.venueUrl === undefined ? {} : { url: flags.venueUrl.replace(/\/+$/, '') }),
        ...(fromFile.apiKey ? { apiKey: fromFile.apiKey } : {}),
        ...(fromFile.secret ? { secret: fromFile.secret } : {}),
      };
    }
  }
  const venue = config.venue as { kind?: unknown } | undefined;
  if (venue?.kind === 'ccxt') {
    // The environment wins over the file: a deployment rotates keys without editing the config.
    config.venue = {
      ...venue,
      ...(env.PREDATOR_API_KEY ? { apiKey: env.PREDATOR_API_KEY } : {}),
      ...(env.PREDATOR_API_SECRET ? { secret: env.PREDATOR_API_SECRET } : {}),
    };
  }
  return parseTradingConfig(config);
}
