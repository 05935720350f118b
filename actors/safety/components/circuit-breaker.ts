import { z } from 'zod';
import { circuitBreakerConfigSchema, circuitBreakerMachine } from '../../../machines/circuit-breaker.machine';
import type { CircuitBreakerContext } from '../../../machines/circuit-breaker.machine';
import type { TimerHandle } from '../../kernel/clock';
import { defineComponent } from '../../kernel/component';
import { tradingServices } from '../../trading/trading-services';
import { KILL_STEPS } from '../kill-switches';
import type { KillStep } from '../kill-switches';
import { BREAKER_METRICS, breakerTargetSchema, killScopeOf, readMetric } from '../safety-metrics';
import type { BreakerMetric } from '../safety-metrics';

/** Config of one breaker component. */
export const breakerComponentConfigSchema = z.strictObject({
  breaker: circuitBreakerConfigSchema.and(z.object({ metric: z.enum(BREAKER_METRICS) })),
  target: breakerTargetSchema,
  /** The ladder step its RED engages on its scope (the policy). */
  onRed: z.enum(KILL_STEPS as [string, ...string[]]),
  sampleEveryMs: z.number().int().min(100).max(3_600_000).default(10_000),
  windowMs: z.number().int().min(1_000).max(86_400_000).default(300_000),
  minSubmits: z.number().int().min(1).max(100_000).default(5),
});

/**
 * One circuit breaker (the machine in `machines/circuit-breaker.machine.ts`) reading its metric on
 * the clock. When it is RED — on the reading that latches it, and again at every start while it
 * stays latched — it engages its kill-switch step; the kill is only lifted by an operator's resume,
 * and the breaker only by an operator's reset (`reset_breaker`), each on its own.
 */
export default defineComponent({
  kind: 'circuit-breaker',
  description: 'Circuit breaker: GREEN/YELLOW/RED on a metric; RED engages a kill-switch step',
  machine: circuitBreakerMachine,
  configSchema: breakerComponentConfigSchema,
  input: ({ config }) => config.breaker,
  summary: (context) => {
    const c = context as CircuitBreakerContext;
    return { metric: c.settings.metric, last: c.last, trippedValue: c.trippedValue, resetBy: c.resetBy };
  },
  effects: (env) => {
    const services = tradingServices(env.services);
    const { breaker, target } = env.config;
    const scope = killScopeOf(target);
    let timer: TimerHandle | null = null;
    let stopped = false;
    const tripIfRed = (): void => {
      if (env.state() !== 'RED') return;
      void services.kills
        .engage(scope, env.config.onRed as KillStep, `breaker ${breaker.name} RED`, `breaker:${breaker.name}`)
        .catch((error: unknown) =>
          env.logger.error(
            { err: error },
            'breaker could not store its kill; the gate holds it in this process',
          ),
        );
    };
    const sample = (): void => {
      timer = env.clock.setTimeout(() => {
        timer = null;
        if (stopped) return;
        const now = env.clock.now();
        const value = readMetric(breaker.metric as BreakerMetric, target, services, now, env.config);
        env.send({ type: 'breaker.reading', value, t: now });
        env.send({ type: 'breaker.sampled' });
        sample();
      }, env.config.sampleEveryMs);
    };
    return {
      start: () => {
        tripIfRed();
        sample();
      },
      stop: () => {
        stopped = true;
        if (timer) env.clock.clearTimeout(timer);
      },
      run: () => {},
      handle: (event) => {
        // Sent after each reading, so it is handled after the machine took it: the state is current.
        if (event.type !== 'breaker.sampled') return false;
        tripIfRed();
        return true;
      },
    };
  },
});
