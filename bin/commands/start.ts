import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { RealClock } from '../../actors/kernel/clock';
import { ConfigError, StoreUnavailableError } from '../../actors/kernel/errors';
import { createLogger } from '../../actors/kernel/logger';
import { LogRateLimiter } from '../../actors/kernel/log-rate-limit';
import { RotatingLog } from '../../actors/ops/log-rotation';
import { UptimeWatcher } from '../../actors/ops/uptime-watcher';
import { Runtime } from '../../actors/kernel/runtime';
import { parseSystemConfig } from '../../actors/kernel/system-config';
import { sampleRegistry } from '../../actors/sample/registry';
import type { Store } from '../../actors/kernel/store';
import { MemoryStore } from '../../actors/kernel/store-memory';
import { RedisStore } from '../../actors/kernel/store-redis';
import { VenueError } from '../../actors/venues/sim-venue-errors';
import { runTrading } from '../../actors/trading/run-trading';
import type { Trading } from '../../actors/trading/build-trading';
import { startGateway } from '../../gateway';
import { UsageError, intFlag, parseFlags } from '../usage';
import { DEFAULT_DATA_DIR, startControl, writeGatewayFile } from './start-control';
import { startOpsRecords } from './start-ops';
import { guardBootLoop } from '../../actors/ops/boot-loop';
import { parseBootLoopConfig } from '../../actors/ops/boot-loop.config';
import { isSystemSpec, resolveTradingConfig } from './start-trading';
import type { TradingConfig } from '../../actors/trading/trading-config';
import type { GatewayControl } from '../../gateway/routes/control';

const DASHBOARD = path.join(__dirname, '..', '..', 'dashboard', 'dist');

/**
 * `predator start [--config FILE] [--redis URL] [--port N] [--mode shadow|live] [--venue V]
 * [--venue-url URL]`: runs until SIGINT/SIGTERM. A config with a `root` tree is a kernel system
 * spec (the sample components); anything else is a trading config (default: two engines in shadow).
 */
export async function runStartCommand(argv: readonly string[]): Promise<number> {
  if (argv.some((a) => /^--api-(key|secret)(=|$)/.test(a)))
    throw new UsageError(
      'API keys are never taken from the command line (they would show in ps and shell history): set PREDATOR_API_KEY and PREDATOR_API_SECRET, or put them in the config file',
    );
  const flags = parseFlags(argv, {
    config: { type: 'string' },
    redis: { type: 'string' },
    port: { type: 'string' },
    mode: { type: 'string' },
    venue: { type: 'string' },
    'venue-url': { type: 'string' },
    'data-dir': { type: 'string' },
    'log-dir': { type: 'string' },
  });
  const dataDir = flags['data-dir'] ?? process.env.PREDATOR_DATA_DIR ?? DEFAULT_DATA_DIR;
  const port =
    flags.port !== undefined
      ? (intFlag('--port', flags.port, 0, 65_535) as number)
      : (intFlag('PORT', process.env.PORT, 0, 65_535) ?? 8080);
  const clock = new RealClock();
  // With a log directory, lines go to a rotated file there (size, age, count and age retention)
  // instead of stdout: pm2 alone would append to its own log without bound.
  const logDir = flags['log-dir'] ?? process.env.PREDATOR_LOG_DIR;
  const logFile = logDir === undefined ? undefined : new RotatingLog({ config: { dir: logDir }, clock });
  // A budget of lines per source (actor), so one chatty component cannot take the event loop and
  // the disk; lines over it are counted and reported, once a minute, per source.
  const logLimit = new LogRateLimiter({
    clock,
    config: {
      ratePerSec: intFlag('PREDATOR_LOG_RATE', process.env.PREDATOR_LOG_RATE, 1, 1_000_000),
      burst: intFlag('PREDATOR_LOG_BURST', process.env.PREDATOR_LOG_BURST, 1, 10_000_000),
    },
  });
  process.on('exit', () => {
    logLimit.flush();
    logFile?.flushSync();
  });
  const logger = createLogger({ ...(logFile ? { destination: logFile } : {}), rateLimit: logLimit });

  // The boot-loop policy from the environment (pm2 passes it through), checked before anything starts.
  const bootLoopPolicy = parseBootLoopConfig({
    maxStarts: intFlag('PREDATOR_BOOT_LOOP_STARTS', process.env.PREDATOR_BOOT_LOOP_STARTS, 2, 1_000),
    withinMs: intFlag(
      'PREDATOR_BOOT_LOOP_WITHIN_MS',
      process.env.PREDATOR_BOOT_LOOP_WITHIN_MS,
      1,
      7 * 86_400_000,
    ),
  });
  const raw: unknown = flags.config === undefined ? undefined : readConfigFile(flags.config);
  const kernelOnly = isSystemSpec(raw);
  if (kernelOnly && (flags.mode ?? flags.venue ?? flags['venue-url']) !== undefined)
    throw new UsageError('--mode, --venue and --venue-url apply to a trading config, not a system spec');

  let runtime: Runtime;
  let uptime: UptimeWatcher;
  let bootLoop: Awaited<ReturnType<typeof guardBootLoop>>;
  let trading: Trading | undefined;
  let tradingConfig: TradingConfig | undefined;
  let store: Store;
  let instance: string;
  // What a failed start must close again: an open Redis connection (or the watcher's heartbeat)
  // would keep the process alive after it said it gives up.
  const opened: { store?: Store; uptime?: UptimeWatcher } = {};
  try {
    tradingConfig = kernelOnly
      ? undefined
      : resolveTradingConfig(
          raw,
          { mode: flags.mode, venue: flags.venue, venueUrl: flags['venue-url'] },
          process.env,
        );
    // A system spec is checked whole before the start is recorded: a bad config writes nothing.
    if (kernelOnly) parseSystemConfig(raw, sampleRegistry());
    instance = tradingConfig?.instance ?? instanceOf(raw);
    const redisUrl = flags.redis ?? process.env.REDIS_URL;
    store = redisUrl ? new RedisStore({ url: redisUrl, instance, clock }) : new MemoryStore({ instance });
    opened.store = store;
    // The start is recorded before anything runs, so a crash loop is judged from the store and the
    // runtime comes up HALTED (the persisted halt) instead of trading in a loop.
    uptime = await UptimeWatcher.boot({ store, clock, logger });
    opened.uptime = uptime;
    bootLoop = await guardBootLoop({
      store,
      clock,
      logger,
      history: uptime.history(),
      config: bootLoopPolicy,
    });
    if (tradingConfig) {
      const running = await runTrading(tradingConfig, { clock, store, logger });
      trading = running.trading;
      runtime = running.runtime;
    } else {
      runtime = await Runtime.start({ config: raw, clock, store, logger });
    }
  } catch (error) {
    // A start that failed is not a crash: it ends cleanly, so the next start is not counted in a loop.
    await opened.uptime?.stop().catch(() => false);
    await opened.store?.close().catch(() => {});
    if (error instanceof ConfigError) {
      console.error(`predator: ${error.message}`);
      return 2;
    }
    if (error instanceof VenueError) {
      console.error(`predator: the venue failed at start: ${error.message}. Nothing was started.`);
      return 1;
    }
    if (error instanceof StoreUnavailableError) {
      console.error(`predator: cannot reach Redis at ${error.url}: ${error.message}. Nothing was started.`);
      return 1;
    }
    throw error;
  }

  const records = await startOpsRecords({ store, clock, logger, runtime, trading, uptime, bootLoop });
  if (!store.durable) {
    logger.warn(
      'no Redis configured (--redis or REDIS_URL): using the in-process store; state is NOT durable',
    );
  }
  let control: GatewayControl | undefined;
  if (trading && tradingConfig) {
    control = await startControl({
      dataDir,
      runtime,
      store,
      services: trading.services,
      config: tradingConfig,
      ops: { incidents: records.incidents, gate: records.gate },
    }).catch(async (error: unknown) => {
      await runtime.stop();
      await trading?.close();
      throw error;
    });
  }
  const gateway = await startGateway({
    view: runtime,
    clock,
    logger,
    port,
    staticDir: DASHBOARD,
    ...(trading ? { trading: trading.readModel } : {}),
    ...(control ? { control } : {}),
    ops: records.ops,
  }).catch(async (error: unknown) => {
    await runtime.stop();
    await trading?.close();
    throw error;
  });
  if (control) {
    await writeGatewayFile(dataDir, { url: gateway.url, instance, pid: process.pid });
    logger.info(
      { dataDir },
      'control plane ready: predator ctl reads the admin token from the data directory',
    );
  }
  logger.info({ url: gateway.url, instance }, 'Predator is running');
  console.log(`Predator running: dashboard and API on ${gateway.url} (Ctrl-C to stop)`);

  return new Promise<number>((resolve) => {
    let stopping = false;
    const shutdown = (signal: string): void => {
      if (stopping) {
        logger.warn({ signal }, 'second signal: exiting without a clean shutdown');
        process.exit(1);
      }
      stopping = true;
      logger.info({ signal }, 'shutting down');
      void gateway
        .close()
        // Before the runtime closes the store: the clean-stop marker tells the next start this
        // was not a crash.
        .then(() => records.stop())
        .then(() => runtime.stop())
        .then(() => trading?.close())
        .then(
          () => resolve(0),
          (error: unknown) => {
            logger.error({ err: error }, 'shutdown failed');
            resolve(1);
          },
        );
    };
    process.on('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGTERM', () => shutdown('SIGTERM'));
  });
}

function readConfigFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `--config: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`--config: ${file} is not valid JSON: ${(error as Error).message}`);
  }
}

function instanceOf(raw: unknown): string {
  const instance = (raw as { instance?: unknown } | null)?.instance;
  return typeof instance === 'string' && /^[a-z0-9][a-z0-9-]{0,39}$/.test(instance) ? instance : 'default';
}
