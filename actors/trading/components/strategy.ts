import { z } from 'zod';
import { strategyMachine } from '../../../machines/strategy.machine';
import type { StrategyCommand, StrategyMachineContext } from '../../../machines/strategy.machine';
import { defineComponent } from '../../kernel/component';
import { instrumentSchema } from '../portfolio.config';
import { STRATEGY_KINDS } from '../strategies/registry';

/**
 * One strategy on one instrument: turns books into intents and nothing else. Intents and cancels
 * go to its engine, which answers with the outcomes of its orders.
 */
export default defineComponent({
  kind: 'strategy',
  description: 'A strategy on one instrument: books in, intents to its engine out',
  machine: strategyMachine,
  degradedIn: ['stale'],
  volatileEvents: ['book.accepted'],
  transientContext: ['lastBook'],
  configSchema: z.strictObject({
    engine: z.string().min(1),
    kind: z.enum(STRATEGY_KINDS),
    instrument: instrumentSchema,
    /** The strategy's own settings; validated by the strategy at start (a `ConfigError` names the field). */
    settings: z.unknown().default({}),
  }),
  input: ({ id, config }) => ({
    engine: config.engine,
    strategy: id,
    kind: config.kind,
    config: config.settings,
    instrument: config.instrument,
  }),
  summary: (context) => {
    const c = context as StrategyMachineContext;
    return { kind: c.kind, symbol: c.instrument.symbol, position: c.position, working: c.openOrders.length };
  },
  effects: (env) => ({
    run: (command) => {
      const c = command as StrategyCommand;
      if (c.type === 'submitIntent')
        env.tell(env.config.engine, { type: 'intent.proposed', intent: c.intent });
      else env.tell(env.config.engine, { type: 'intent.cancel', intentId: c.intentId, t: c.t });
    },
  }),
});
