import { z } from 'zod';
import { tradingStateMachine } from '../../../machines/trading-state.machine';
import type { TradingStateContext } from '../../../machines/trading-state.machine';
import { defineComponent } from '../../kernel/component';

/**
 * The trading state (`ACTIVE` / `REDUCING` / `HALTED`) of the whole instance or of one strategy, as
 * a component of its own: journaled, persisted by the kernel (a restart keeps it), visible in the
 * tree, and steered with `trading.reduce` / `trading.halt` / `trading.resume`. An engine's own
 * state is its engine component's machine; execution trades under the most restrictive of the three.
 */
export default defineComponent({
  kind: 'trading-state',
  description: 'Trading state of the instance or of one strategy: ACTIVE, REDUCING or HALTED',
  machine: tradingStateMachine,
  configSchema: z.strictObject({
    level: z.enum(['global', 'strategy']),
    /** `global`, or the strategy's id. */
    scope: z.string().min(1),
  }),
  input: ({ config }) => ({ level: config.level, scope: config.scope }),
  summary: (context) => {
    const c = context as TradingStateContext;
    return { level: c.level, scope: c.scope, reason: c.reason, by: c.by };
  },
});
