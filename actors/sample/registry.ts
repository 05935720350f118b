import * as path from 'node:path';
import { ComponentRegistry } from '../kernel/registry';
import crossingMonitor from './crossing-monitor';
import marketFeed from './market-feed';
import movingAverage from './moving-average';
import volatility from './volatility';

/** The sample kinds that ship until the trading core replaces them. */
export function sampleRegistry(): ComponentRegistry {
  return new ComponentRegistry()
    .register(marketFeed, path.join(__dirname, 'market-feed.ts'))
    .register(movingAverage, path.join(__dirname, 'moving-average.ts'))
    .register(volatility, path.join(__dirname, 'volatility.ts'))
    .register(crossingMonitor, path.join(__dirname, 'crossing-monitor.ts'));
}
