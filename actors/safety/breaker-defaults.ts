import type { CircuitBreakerInput } from '../../machines/circuit-breaker.machine';
import type { KillStep } from './kill-switches';
import { killScopeOf } from './safety-metrics';
import type { BreakerMetric, BreakerTarget } from './safety-metrics';

/** One breaker of the instance: the config of its `circuit-breaker` component. */
export interface BreakerSpec {
  readonly breaker: CircuitBreakerInput & { readonly metric: BreakerMetric };
  readonly target: BreakerTarget;
  readonly onRed: KillStep;
}

/** The component id of a breaker. */
export function breakerComponentId(name: string): string {
  return `breaker-${name}`;
}

const MINUTE = 60_000;

function spec(
  name: string,
  metric: BreakerMetric,
  target: BreakerTarget,
  levels: { yellowAt: number; redAt: number; confirm?: number },
  onRed: KillStep,
): BreakerSpec {
  return {
    breaker: {
      name,
      metric,
      scope: killScopeOf(target).id,
      yellowAt: levels.yellowAt,
      redAt: levels.redAt,
      direction: 'above',
      confirm: levels.confirm ?? 3,
      cooldownMs: 10 * MINUTE,
    },
    target,
    onRed,
  };
}

/**
 * The breakers every trading instance runs, and the ladder step each one's RED engages (the
 * policy). Drawdowns are amounts of the valuation asset below the running peak; the rates are
 * fractions of the submissions in the last five minutes (with at least 5 of them).
 *
 * | breaker | scope | yellow / red | RED engages |
 * |---|---|---|---|
 * | `dd-global` | instance trading net PnL | 1 000 / 2 500 | `cancel` everywhere (a halt) |
 * | `dd-<engine>` | engine net PnL | 500 / 1 500 | `cancel` on the engine |
 * | `dd-<strategy>` | strategy net PnL | 250 / 750 | `reduce` on the strategy |
 * | `errors-<engine>` | venue error rate | 0.2 / 0.5 | `reduce` on the engine |
 * | `rejects-<engine>` | venue reject rate | 0.2 / 0.5 | `cancel` on the engine |
 * | `latency-<engine>` | ack p99, ms | 2 000 / 5 000 | `reduce` on the engine |
 * | `stale-data` | stale feeds, fraction | 0.34 / 0.67 (18 readings: 3 min) | `reduce` everywhere |
 * | `recon-<engine>` | unresolved mismatches | 0.5 / 1 (2 readings) | `cancel` on the engine |
 */
export function defaultBreakers(
  engines: readonly { readonly id: string; readonly strategies: readonly { readonly id: string }[] }[],
): BreakerSpec[] {
  const out: BreakerSpec[] = [
    spec('dd-global', 'drawdown', { level: 'global' }, { yellowAt: 1_000, redAt: 2_500 }, 'cancel'),
    // Three minutes of most feeds stale: a blip of a poll or two is the feeds' own degraded state.
    spec(
      'stale-data',
      'stale-market-data',
      { level: 'global' },
      { yellowAt: 0.34, redAt: 0.67, confirm: 18 },
      'reduce',
    ),
  ];
  for (const e of engines) {
    const engine = { level: 'engine' as const, engine: e.id };
    out.push(
      spec(`dd-${e.id}`, 'drawdown', engine, { yellowAt: 500, redAt: 1_500 }, 'cancel'),
      spec(`errors-${e.id}`, 'venue-error-rate', engine, { yellowAt: 0.2, redAt: 0.5 }, 'reduce'),
      spec(`rejects-${e.id}`, 'reject-rate', engine, { yellowAt: 0.2, redAt: 0.5 }, 'cancel'),
      spec(`latency-${e.id}`, 'ack-latency-p99', engine, { yellowAt: 2_000, redAt: 5_000 }, 'reduce'),
      spec(
        `recon-${e.id}`,
        'reconciliation-mismatch',
        engine,
        { yellowAt: 0.5, redAt: 1, confirm: 2 },
        'cancel',
      ),
    );
    for (const s of e.strategies) {
      const target = { level: 'strategy' as const, engine: e.id, strategy: s.id };
      out.push(spec(`dd-${s.id}`, 'drawdown', target, { yellowAt: 250, redAt: 750 }, 'reduce'));
    }
  }
  return out;
}
