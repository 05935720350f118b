import { defaultTradingConfig, parseTradingConfig } from '../trading/trading-config';
import type { TradingConfig } from '../trading/trading-config';

const MINUTE = 60_000;

/**
 * The default trading system at the cadence of a month-long (or longer) simulation: books and
 * engine polls every minute, breakers read every five, reconciliation every ten. Everything else
 * is the default config. Why coarser than the soak's five seconds: thirty simulated days must fit
 * in `npm test`, and the long-run benchmark's 120 in half an hour. Shared by the long-run spec and
 * `bench/long-run.ts`, so the benchmark measures the system the spec checks.
 *
 * @example
 * const report = await runTradingSoak({ seed: 11, days: 30, chaos: NO_CHAOS_PROFILE, config: monthTradingConfig(11) });
 */
export function monthTradingConfig(seed: number): TradingConfig {
  const base = defaultTradingConfig('shadow');
  return parseTradingConfig({
    ...base,
    seed,
    venue: { kind: 'sim', market: { refreshMs: MINUTE }, venue: {} },
    market: { pollMs: MINUTE, staleAfterMs: 5 * MINUTE, depth: 10 },
    engines: base.engines.map((e) => ({ ...e, pollMs: MINUTE })),
    safety: {
      breakers: 'default',
      breakerSampleMs: 5 * MINUTE,
      reconciliation: true,
      reconcileEveryMs: 10 * MINUTE,
    },
  });
}
