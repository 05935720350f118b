import test from 'ava';
import type { SystemTreeView } from '../../actors/kernel/system-view';
import { spawnPredator, waitForRunning } from '../helpers/predator-process';
import { componentsOf } from '../helpers/sample-tree';

test('predator start runs two engines in shadow on three simulated symbols, and SIGINT stops it cleanly', async (t) => {
  // Started as a user would: plain node, no TypeScript loader inherited from the test runner.
  const proc = spawnPredator(['start', '--port', '0'], { t, env: { NODE_OPTIONS: '', LOG_LEVEL: 'warn' } });
  const url = await waitForRunning(proc);
  const tree = (await (await fetch(`${url}/api/system`)).json()) as SystemTreeView;
  t.is(tree.state, 'running');
  const components = componentsOf(tree);
  t.deepEqual(
    components.map((c) => `${c.id}:${c.kind}`),
    [
      'trading:trading-state',
      'md-btcusdt:market-data',
      'md-ethusdt:market-data',
      'md-solusdt:market-data',
      'maker:engine',
      'mm-btc-state:trading-state',
      'mm-eth-state:trading-state',
      'mm-sol-state:trading-state',
      'mm-btc:strategy',
      'mm-eth:strategy',
      'mm-sol:strategy',
      'recon-maker:reconciliation',
      'trend:engine',
      'trend-btc-state:trading-state',
      'trend-btc:strategy',
      'recon-trend:reconciliation',
      ...[
        'dd-global',
        'stale-data',
        'dd-maker',
        'errors-maker',
        'rejects-maker',
        'latency-maker',
        'recon-maker',
        'dd-mm-btc',
        'dd-mm-eth',
        'dd-mm-sol',
        'dd-trend',
        'errors-trend',
        'rejects-trend',
        'latency-trend',
        'recon-trend',
        'dd-trend-btc',
      ].map((name) => `breaker-${name}:circuit-breaker`),
    ],
  );
  t.true(components.every((c) => c.lifecycle === 'running'));
  const engines = (await (await fetch(`${url}/api/trading/engines`)).json()) as {
    engines: { engine: string; mode: string; venue: string }[];
  };
  t.deepEqual(
    engines.engines.map((e) => [e.engine, e.mode, e.venue]),
    [
      ['maker', 'shadow', 'sim'],
      ['trend', 'shadow', 'sim'],
    ],
  );
  proc.signal('SIGINT');
  const exit = await proc.exited;
  t.is(exit.code, 0);
  t.notRegex(exit.stdout, /component crashed/);
});

test('predator start refuses API keys on the command line and starts nothing', async (t) => {
  const proc = spawnPredator(['start', '--port', '0', '--api-key', 'k'], { t, env: { LOG_LEVEL: 'warn' } });
  const exit = await proc.exited;
  t.is(exit.code, 2);
  t.regex(exit.stderr, /never taken from the command line/);
  t.notRegex(exit.stdout, /Predator running/);
});
