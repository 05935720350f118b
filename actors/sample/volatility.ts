import { z } from 'zod';
import { defineComponent } from '../kernel/component';
import { volatilityMachine } from '../../machines/sample/volatility.machine';
import type { VolatilityContext } from '../../machines/sample/volatility.machine';

/** Sample component: realized volatility of the feed; the one placed in its own process. */
export default defineComponent({
  kind: 'volatility',
  description: 'Rolling realized volatility of the price; normal or elevated against a threshold',
  machine: volatilityMachine,
  configSchema: z.strictObject({
    window: z.number().int().min(2).max(10_000).default(60),
    threshold: z.number().positive().default(0.001),
  }),
  input: ({ config }) => ({ window: config.window, threshold: config.threshold }),
  summary: (context) => {
    const c = context as VolatilityContext;
    return { stdev: c.stdev === null ? null : Number(c.stdev.toPrecision(4)), samples: c.returns.length };
  },
});
