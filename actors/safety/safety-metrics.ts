import { z } from 'zod';
import type { KillScope } from './kill-switches';
import type { TradingServices } from '../trading/trading-services';
import { marketDataId } from '../trading/trading-state-ids';

/** What a breaker can read. */
export const BREAKER_METRICS = [
  'drawdown',
  'venue-error-rate',
  'reject-rate',
  'ack-latency-p99',
  'stale-market-data',
  'reconciliation-mismatch',
] as const;

/** A metric a breaker reads. */
export type BreakerMetric = (typeof BREAKER_METRICS)[number];

/** The scope a breaker watches and acts on: the instance, an engine, or one strategy of an engine. */
export const breakerTargetSchema = z.discriminatedUnion('level', [
  z.strictObject({ level: z.literal('global') }),
  z.strictObject({ level: z.literal('engine'), engine: z.string().min(1) }),
  z.strictObject({ level: z.literal('strategy'), engine: z.string().min(1), strategy: z.string().min(1) }),
]);

/** See {@link breakerTargetSchema}. */
export type BreakerTarget = z.infer<typeof breakerTargetSchema>;

/** The scope a breaker's kill applies to: the same as the scope it watches. */
export function killScopeOf(target: BreakerTarget): KillScope {
  if (target.level === 'global') return { level: 'global', id: 'global' };
  return target.level === 'engine'
    ? { level: 'engine', id: target.engine }
    : { level: 'strategy', id: target.strategy };
}

/** How a rate metric is read: over a window, and only once there is enough evidence. */
export interface RateWindow {
  readonly windowMs: number;
  /** Fewer submissions than this in the window read as 0: two errors out of three calls are noise. */
  readonly minSubmits: number;
}

/**
 * The current value of a breaker's metric, from what the trading services know now:
 * - `drawdown`: peak minus now of the scope's net trading PnL (the instance's, an engine's or a
 *   strategy's), in the valuation asset, the peak from the exact running maximum, never from the
 *   start. Not of the account's equity: that moves with every coin the operator holds, and a
 *   breaker that cancels orders because BTC fell protects nothing the trading put at risk;
 * - `venue-error-rate`, `reject-rate`: fractions of the window's submissions (errors count 5xx,
 *   429/418, network failures and unknown outcomes);
 * - `ack-latency-p99`: ms to the venue's answer, 99th percentile over the window;
 * - `stale-market-data`: fraction of the instance's market-data feeds that are stale;
 * - `reconciliation-mismatch`: open differences that need a human, per engine or in total.
 */
export function readMetric(
  metric: BreakerMetric,
  target: BreakerTarget,
  services: TradingServices,
  now: number,
  rates: RateWindow,
): number {
  const engine = target.level === 'global' ? undefined : target.engine;
  switch (metric) {
    case 'drawdown': {
      const { portfolio } = services;
      const scope =
        target.level === 'global'
          ? {}
          : target.level === 'engine'
            ? { engine: target.engine }
            : { engine: target.engine, strategy: target.strategy };
      const peak = portfolio.pnlCurve(scope).peak;
      if (peak === null) return 0;
      return Math.max(0, peak - portfolio.pnl(scope).net);
    }
    case 'venue-error-rate':
    case 'reject-rate':
    case 'ack-latency-p99': {
      const figures = services.stats.figures(engine, now, rates.windowMs);
      if (figures.submits < rates.minSubmits) return 0;
      if (metric === 'venue-error-rate') return figures.errorRate;
      return metric === 'reject-rate' ? figures.rejectRate : figures.ackP99Ms;
    }
    case 'stale-market-data': {
      const symbols = [...services.instruments().keys()];
      if (symbols.length === 0) return 0;
      const stale = symbols.filter((s) => services.stateOf(marketDataId(s)) === 'stale').length;
      return stale / symbols.length;
    }
    case 'reconciliation-mismatch':
      return services.mismatches.count(engine);
  }
}
