import { setTimeout as pause } from 'node:timers/promises';
import test from 'ava';
import { RealClock } from '../../actors/kernel/clock';
import { silentLogger } from '../../actors/kernel/logger';
import { Rng } from '../../actors/kernel/rng';
import { Runtime } from '../../actors/kernel/runtime';
import { MemoryStore } from '../../actors/kernel/store-memory';
import type { SystemConfigInput } from '../../actors/kernel/system-config';
import { buildTrading } from '../../actors/trading/build-trading';
import type { Trading } from '../../actors/trading/build-trading';
import { parseTradingConfig } from '../../actors/trading/trading-config';
import { BinanceEmulator } from '../../actors/venues/binance-emulator';
import type { VenueLedger } from '../../actors/venues/sim-venue-orders';
import type { OrderPolicy } from '../../machines/order.machine';
import { componentView } from '../helpers/runtime';
import { FAULTED_OPS, auditIdempotency, countFaults, setFaultPlan, settled } from './idempotency-fixture';
import type { IdempotencyAudit } from './idempotency-fixture';

/*
 * The idempotency sweep of `idempotency.spec.ts`, smaller and over the wire: execution in a live
 * trading runtime on the real clock, through CcxtVenue (the real ccxt `binance` client) to the
 * Binance emulator, with the seeded faults set on the emulator's SimVenue. A lost answer or a lost
 * request comes back as Binance's -1007 after the emulator's venue timeout, a 5xx as -1001.
 */

const RUNS = 20;
/** Runs at once: each mostly waits on the real clock, so four share a core without crowding it. */
const PARALLEL = 4;
/** Faults stay until this many hit each operation, or the engine stops trading, or this long passed. */
const HITS_PER_OP = 3;
const FAULTY_WITHIN_MS = 5_000;
/** Then the store and the venue must agree, with every unknown outcome checked out, within this long. */
const SETTLE_WITHIN_MS = 10_000;

/**
 * The in-flight policy scaled to the emulator, which indexes orders at once: checks after 200 ms,
 * every 200 ms (the default waits 5 s, then 2 s, for real venues that index late).
 */
const EMULATOR_POLICY: OrderPolicy = {
  ackTimeoutMs: 2_000,
  firstCheckAfterMs: 200,
  checkEveryMs: 200,
  maxChecks: 5,
  // The emulator answers within its 250 ms timeout or never: a request lost 3 s ago is absent.
  slowCheckEveryMs: 500,
  absentAfterMs: 3_000,
};

/** `system` with `policy` in the config of every engine (the trading config has no field for it). */
function withOrderPolicy(system: SystemConfigInput, policy: OrderPolicy): SystemConfigInput {
  interface Node {
    type: string;
    kind?: string;
    config?: Record<string, unknown>;
    children?: Node[];
  }
  const patch = (node: Node): Node =>
    node.type === 'component'
      ? node.kind === 'engine'
        ? { ...node, config: { ...node.config, policy } }
        : node
      : { ...node, children: (node.children ?? []).map(patch) };
  return { ...system, root: patch(system.root as Node) };
}

/** Checks `ready` every 10 ms until it holds or `withinMs` passed (what is still wrong then is asserted). */
async function poll(ready: () => boolean | Promise<boolean>, withinMs: number): Promise<void> {
  const deadline = performance.now() + withinMs;
  while (!(await ready()) && performance.now() < deadline) await pause(10);
}

interface HttpRun {
  readonly seed: number;
  readonly audit: IdempotencyAudit;
  readonly faults: Map<string, number>;
  readonly ms: number;
}

/** One seeded run: emulator, runtime, faults until enough hit, then halt and settle. */
async function runSeed(seed: number): Promise<HttpRun> {
  const started = performance.now();
  const emulator = new BinanceEmulator({ seed, market: { refreshMs: 100 }, venue: { timeoutMs: 250 } });
  let trading: Trading | undefined;
  let runtime: Runtime | undefined;
  try {
    const url = await emulator.listen(0);
    const config = parseTradingConfig({
      seed,
      symbols: ['BTCUSDT'],
      venue: {
        kind: 'ccxt',
        name: 'binance',
        url,
        apiKey: emulator.credentials.apiKey,
        secret: emulator.credentials.apiSecret,
      },
      market: { pollMs: 250 },
      engines: [
        {
          id: 'eng',
          mode: 'live',
          // ccxt throttles every call (Binance: 50 ms a unit) and execution polls openOrders without
          // a symbol, 16 units: at 1 s (the default) that alone is 80 % of the budget.
          pollMs: 2_000,
          strategies: [
            {
              id: 'strat',
              kind: 'market-maker',
              symbol: 'BTCUSDT',
              settings: { halfSpreadBps: 3, quoteSize: 0.01, maxInventory: 0.05, requoteThresholdTicks: 0 },
            },
          ],
        },
      ],
    });
    const clock = new RealClock();
    const store = new MemoryStore({ instance: config.instance });
    const logger = silentLogger();
    trading = await buildTrading(config, { clock, rng: new Rng(seed).stream('trading'), store, logger });
    runtime = await Runtime.start({
      config: withOrderPolicy(trading.system, EMULATOR_POLICY),
      clock,
      store,
      logger,
      registry: trading.registry,
      services: trading.services,
      placement: 'memory',
    });
    const live = runtime;
    // Engines trade REDUCING from start until their first reconciliation with the venue has passed.
    await poll(() => componentView(live, 'eng').state === 'ACTIVE', FAULTY_WITHIN_MS);
    const names = setFaultPlan(emulator.venue.faults, seed);
    await poll(() => {
      const hits = countFaults(emulator.venue.faults.fired(), names);
      const perOp = (op: string): number =>
        [...hits].filter(([name]) => name.endsWith(`/${op}`)).reduce((n, [, k]) => n + k, 0);
      const enough = FAULTED_OPS.every((op) => perOp(op) >= HITS_PER_OP);
      return enough || componentView(live, 'eng').state !== 'ACTIVE';
    }, FAULTY_WITHIN_MS);
    emulator.venue.faults.clear();
    runtime.send('eng', { type: 'trading.halt', reason: 'audit', by: 'spec', t: clock.now() });
    const { store: exec } = trading.services;
    let result = auditIdempotency({
      orders: [],
      fills: [],
      ledger: { orders: [], fills: [], rejections: [] },
    });
    await poll(async () => {
      const ledger = (await (await fetch(`${url}/__admin/ledger`)).json()) as VenueLedger;
      result = auditIdempotency({
        orders: await exec.orders({ limit: 1e9 }),
        fills: await exec.fills({ limit: 1e9 }),
        ledger,
      });
      return settled(result);
    }, SETTLE_WITHIN_MS);
    const faults = countFaults(emulator.venue.faults.fired(), names);
    return { seed, audit: result, faults, ms: performance.now() - started };
  } finally {
    await runtime?.stop();
    await trading?.close();
    await emulator.close();
  }
}

test(`${RUNS} seeded runs through ccxt and the Binance emulator: the ledger never holds two orders for one clientOrderId`, async (t) => {
  t.timeout(300_000);
  const started = performance.now();
  const runs: HttpRun[] = [];
  for (let first = 1; first <= RUNS; first += PARALLEL) {
    const seeds = Array.from({ length: Math.min(PARALLEL, RUNS - first + 1) }, (_, i) => first + i);
    runs.push(...(await Promise.all(seeds.map(runSeed))));
  }
  const faults = new Map<string, number>();
  for (const run of runs) for (const [name, n] of run.faults) faults.set(name, (faults.get(name) ?? 0) + n);
  const sum = (f: (a: IdempotencyAudit) => number): number => runs.reduce((n, r) => n + f(r.audit), 0);
  const times = runs.map((r) => r.ms).sort((a, b) => a - b);
  t.log(
    `${RUNS} runs in ${((performance.now() - started) / 1_000).toFixed(1)} s: per run median ${(times[Math.floor(RUNS / 2)] ?? 0).toFixed(0)} ms, max ${(times[RUNS - 1] ?? 0).toFixed(0)} ms`,
  );
  t.log(
    `faults that hit a request: ${[...faults]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, n]) => `${name} ${n}`)
      .join(', ')}`,
  );
  const entered = sum((a) => a.unknown.entered);
  const resolved = sum((a) => a.unknown.resolved);
  const lost = runs.flatMap((r) => r.audit.lostSubmits.map((cid) => `seed ${r.seed}: ${cid}`));
  t.log(
    `intents ${sum((a) => a.intents)}, venue orders ${sum((a) => a.venueOrders)}, fills ${sum((a) => a.fills)}; unknown outcomes ${entered}: resolved ${resolved}, left unknown ${lost.length}`,
  );
  const violations = runs.flatMap((r) => r.audit.violations.map((v) => `seed ${r.seed}: ${v}`));
  t.deepEqual(violations.slice(0, 50), [], `${violations.length} violations`);
  for (const op of FAULTED_OPS) {
    const hits = [...faults].filter(([name]) => name.endsWith(`/${op}`)).reduce((n, [, k]) => n + k, 0);
    t.true(hits >= RUNS, `${hits} faults hit ${op}`);
  }
  t.true(entered >= RUNS, `${entered} unknown outcomes`);
  t.is(resolved, entered, 'every unknown outcome ended resolved');
  t.deepEqual(lost.slice(0, 20), [], `${lost.length} intents left unknown`);
});
