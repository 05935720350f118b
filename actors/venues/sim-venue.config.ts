import { z } from 'zod';
import { ConfigError } from '../kernel/errors';
import { formatPath } from '../kernel/system-config';

const feeRate = z.number().min(0).max(0.1).finite();
const historyCap = z.number().int().min(1).max(10_000_000);

/** The zod schema of {@link SimVenueConfig}. */
export const simVenueConfigSchema = z.strictObject({
  /** Names the venue's rng streams, so two venues on one seed differ. */
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'expected a short lower-case name like "sim"')
    .default('sim'),
  /**
   * Put before every order and fill id this venue issues (numbers alone by default, as Binance's).
   * Why: a shadow engine's fill model is a venue of its own; its ids must not collide with another
   * engine's, since fills are de-duplicated by id across the instance.
   */
  idPrefix: z
    .string()
    .regex(/^[a-z0-9-]{0,33}$/, 'expected lower-case letters, digits and "-"')
    .default(''),
  /** Fee rates as fractions of the amount received (0.001 = 0.1 %), as on Binance spot. */
  fees: z.strictObject({ maker: feeRate, taker: feeRate }).default({ maker: 0.001, taker: 0.001 }),
  /** The account's starting free balances by asset. */
  balances: z
    .record(
      z.string().regex(/^[A-Z0-9]{2,12}$/, 'expected an upper-case asset like USDT'),
      z.number().min(0).max(1e7).finite(),
    )
    .default({ USDT: 100_000, BTC: 1, ETH: 10, SOL: 100 }),
  /**
   * One-way network and processing delay: `baseMs` plus an exponential jitter of mean
   * `jitterMeanMs`, drawn per leg (request, response) from the venue's rng.
   */
  latency: z
    .strictObject({
      baseMs: z.number().int().min(0).max(60_000),
      jitterMeanMs: z.number().min(0).max(60_000).finite(),
    })
    .default({ baseMs: 2, jitterMeanMs: 3 }),
  /** How long a caller waits before a timeout fault answers (ccxt's default is 10 s). */
  timeoutMs: z.number().int().min(1).max(600_000).default(10_000),
  /**
   * How much history the venue keeps: ended (filled or cancelled) orders, fills and refused
   * submits, newest first; open orders are always kept. A forgotten order is unknown to queries,
   * as an archived order is on a real venue. Why bounded: a venue simulated for months must not
   * grow with every order it takes. The defaults match the execution store's terminal-order cap.
   */
  history: z
    .strictObject({
      terminalOrders: historyCap.default(20_000),
      fills: historyCap.default(20_000),
      rejections: historyCap.default(2_000),
    })
    .default({ terminalOrders: 20_000, fills: 20_000, rejections: 2_000 }),
});

/** A validated SimVenue configuration. */
export type SimVenueConfig = z.infer<typeof simVenueConfigSchema>;

/** SimVenue configuration as written by hand (defaults may be left out). */
export type SimVenueConfigInput = z.input<typeof simVenueConfigSchema>;

/**
 * Validates a SimVenue configuration. Throws {@link ConfigError} listing every problem as
 * `path: expected`; nothing is built from an invalid config.
 */
export function parseSimVenueConfig(raw: unknown = {}): SimVenueConfig {
  const parsed = simVenueConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
  throw new ConfigError(`invalid sim venue config:\n  ${issues.join('\n  ')}`, issues);
}
