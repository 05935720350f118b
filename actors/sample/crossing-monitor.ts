import { z } from 'zod';
import { defineComponent } from '../kernel/component';
import { crossingMonitorMachine } from '../../machines/sample/crossing-monitor.machine';
import type { CrossingMonitorContext } from '../../machines/sample/crossing-monitor.machine';

/** Sample component: counts moving-average crossings and flags a choppy market. */
export default defineComponent({
  kind: 'crossing-monitor',
  description: 'Counts ma.crossed signals in a window; quiet or choppy',
  machine: crossingMonitorMachine,
  configSchema: z.strictObject({
    windowMs: z.number().int().positive().default(600_000),
    threshold: z.number().int().min(1).default(40),
  }),
  input: ({ config }) => ({ windowMs: config.windowMs, threshold: config.threshold }),
  summary: (context) => {
    const c = context as CrossingMonitorContext;
    return { recent: c.recent.length, total: c.total };
  },
});
