import { z } from 'zod';
import { defineComponent } from '../kernel/component';
import { marketFeedMachine } from '../../machines/sample/market-feed.machine';
import type { MarketFeedContext } from '../../machines/sample/market-feed.machine';

/** Sample component: a seeded random-walk price feed publishing on `prices`. */
export default defineComponent({
  kind: 'market-feed',
  description:
    'Seeded random-walk price feed with calm and volatile regimes; publishes price.ticked on prices',
  machine: marketFeedMachine,
  configSchema: z.strictObject({
    symbol: z
      .string()
      .regex(/^[A-Z0-9]{2,20}$/, 'expected an upper-case symbol like BTCUSDT')
      .default('BTCUSDT'),
    startPrice: z.number().positive().default(50_000),
    tickMs: z.number().int().min(10).default(1_000),
    sigma: z.number().positive().max(0.1).default(0.0005),
    volatileFactor: z.number().min(1).max(20).default(4),
    switchProbability: z.number().min(0).max(1).default(0.002),
  }),
  input: ({ config, seed, now }) => ({ ...config, seed, now }),
  summary: (context) => {
    const c = context as MarketFeedContext;
    return { symbol: c.symbol, price: c.price, regime: c.regime, ticks: c.ticks };
  },
});
