import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { RealClock } from '../../actors/kernel/clock';
import { ConfigError, StoreUnavailableError } from '../../actors/kernel/errors';
import { createLogger } from '../../actors/kernel/logger';
import { Runtime } from '../../actors/kernel/runtime';
import type { Store } from '../../actors/kernel/store';
import { MemoryStore } from '../../actors/kernel/store-memory';
import { RedisStore } from '../../actors/kernel/store-redis';
import { sampleConfig } from '../../actors/sample/sample-config';
import { startGateway } from '../../gateway';
import { UsageError, intFlag, parseFlags } from '../usage';

const DASHBOARD = path.join(__dirname, '..', '..', 'dashboard', 'dist');

/** `predator start [--config FILE] [--redis URL] [--port N]`: runs until SIGINT/SIGTERM. */
export async function runStartCommand(argv: readonly string[]): Promise<number> {
  const flags = parseFlags(argv, {
    config: { type: 'string' },
    redis: { type: 'string' },
    port: { type: 'string' },
  });
  const port =
    flags.port !== undefined
      ? (intFlag('--port', flags.port, 0, 65_535) as number)
      : (intFlag('PORT', process.env.PORT, 0, 65_535) ?? 8080);
  const logger = createLogger();
  const clock = new RealClock();

  let raw: unknown = sampleConfig();
  if (flags.config !== undefined) raw = readConfigFile(flags.config);

  const redisUrl = flags.redis ?? process.env.REDIS_URL;
  const instance = instanceOf(raw);
  let store: Store;
  if (redisUrl) {
    store = new RedisStore({ url: redisUrl, instance, clock });
  } else {
    store = new MemoryStore({ instance });
  }

  let runtime: Runtime;
  try {
    runtime = await Runtime.start({ config: raw, clock, store, logger });
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`predator: ${error.message}`);
      return 2;
    }
    if (error instanceof StoreUnavailableError) {
      console.error(`predator: cannot reach Redis at ${error.url}: ${error.message}. Nothing was started.`);
      return 1;
    }
    throw error;
  }

  if (!store.durable) {
    logger.warn(
      'no Redis configured (--redis or REDIS_URL): using the in-process store; state is NOT durable',
    );
  }
  const gateway = await startGateway({ view: runtime, clock, logger, port, staticDir: DASHBOARD }).catch(
    async (error: unknown) => {
      await runtime.stop();
      throw error;
    },
  );
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
        .then(() => runtime.stop())
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
