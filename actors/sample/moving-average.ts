import { z } from 'zod';
import { defineComponent } from '../kernel/component';
import { movingAverageMachine } from '../../machines/sample/moving-average.machine';
import type { MovingAverageContext } from '../../machines/sample/moving-average.machine';

/** Sample component: a simple moving average of `price.ticked`, announcing crossings on `signals`. */
export default defineComponent({
  kind: 'moving-average',
  description: 'Simple moving average of the price; publishes ma.crossed on signals at each crossing',
  machine: movingAverageMachine,
  configSchema: z.strictObject({ window: z.number().int().min(2).max(10_000).default(20) }),
  input: ({ config }) => ({ window: config.window }),
  summary: (context) => {
    const c = context as MovingAverageContext;
    return {
      average: c.average === null ? null : Math.round(c.average * 100) / 100,
      last: c.last,
      samples: c.prices.length,
      crossings: c.crossings,
    };
  },
});
