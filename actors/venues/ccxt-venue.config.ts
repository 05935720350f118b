import ccxt from 'ccxt';
import { z } from 'zod';
import { ConfigError } from '../kernel/errors';
import { formatPath } from '../kernel/system-config';

/** The zod schema of {@link CcxtVenueConfig}. */
export const ccxtVenueConfigSchema = z.strictObject({
  /** Any ccxt exchange id (`binance`, `kraken`, `okx`). */
  exchangeId: z
    .string()
    .refine((id) => ccxt.exchanges.includes(id), 'expected a ccxt exchange id such as "binance"'),
  /** Credentials from the instance config or the environment, never from a command-line flag. */
  apiKey: z.string().min(1).optional(),
  secret: z.string().min(1).optional(),
  /** The passphrase some venues add to the key pair (OKX, KuCoin). */
  password: z.string().min(1).optional(),
  /**
   * Overrides merged into the exchange's `urls.api` (for Binance: `public`, `private`, …): how
   * specs and `--venue-url` reach the emulator. Each must be an http(s) URL.
   */
  urls: z.record(z.string(), z.string().regex(/^https?:\/\//, 'expected an http(s) URL')).default({}),
  /** Merged over our defaults into the ccxt instance's `options`. */
  options: z.record(z.string(), z.unknown()).default({}),
  /** ccxt's own request throttle; off only in specs against the emulator. */
  enableRateLimit: z.boolean().default(true),
  /** ccxt's HTTP request timeout. */
  timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  /**
   * The instruments this instance trades (`BTCUSDT`); all spot markets by default. Queries that
   * must go symbol by symbol on some venues (trades, orders by client id) walk only these.
   */
  symbols: z.array(z.string().regex(/^[A-Z0-9]{2,30}$/, 'expected a symbol like BTCUSDT')).optional(),
});

/** A validated CcxtVenue configuration. */
export type CcxtVenueConfig = z.infer<typeof ccxtVenueConfigSchema>;

/** CcxtVenue configuration as written by hand (defaults may be left out). */
export type CcxtVenueConfigInput = z.input<typeof ccxtVenueConfigSchema>;

/**
 * Validates a CcxtVenue configuration; throws {@link ConfigError} naming each bad field. Messages
 * never repeat the values, so a secret cannot leak into a log through a typo elsewhere.
 */
export function parseCcxtVenueConfig(raw: unknown): CcxtVenueConfig {
  const parsed = ccxtVenueConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
  throw new ConfigError(`invalid ccxt venue config:\n  ${issues.join('\n  ')}`, issues);
}
