import { randomBytes } from 'node:crypto';
import { chmod, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Runtime } from '../../actors/kernel/runtime';
import type { Store } from '../../actors/kernel/store';
import { writeAdminToken } from '../../actors/safety/admin-token';
import { tradingBreakerComponents } from '../../actors/trading/build-trading';
import { Rng } from '../../actors/kernel/rng';
import { ChaosEngine } from '../../actors/safety/chaos-engine';
import { DEFAULT_CHAOS_PROFILE } from '../../actors/safety/chaos-scenarios';
import { StoreAuditLog } from '../../actors/safety/control-audit-store';
import { ControlPlane } from '../../actors/safety/control-plane';
import { OpsControl } from '../../actors/safety/ops-control';
import type { IncidentBook } from '../../actors/ops/incident-book';
import type { StabilityGate } from '../../actors/ops/stability-gate';
import type { SafetyControls } from '../../actors/safety/trading-control';
import { TradingControl, tradingLayout } from '../../actors/safety/trading-control';
import type { TradingConfig } from '../../actors/trading/trading-config';
import type { TradingServices } from '../../actors/trading/trading-services';
import type { GatewayControl } from '../../gateway/routes/control';

/** Where `predator start` keeps its local files (admin token, gateway address) by default. */
export const DEFAULT_DATA_DIR = '.predator';

/** The file that tells `predator ctl` where the running instance's gateway listens. */
export const GATEWAY_FILE = 'gateway.json';

/** What `gateway.json` holds. */
export interface GatewayFile {
  readonly url: string;
  readonly instance: string;
  readonly pid: number;
}

/**
 * The control plane of a trading instance, ready for the gateway: a fresh admin token in
 * `dataDir/admin.token` (mode 0600, replaced at every start so an old copy stops working), the
 * audit trail in the store and the journal, and the trading target — with the incident book and
 * the stability gate when `ops` is given (without them their commands are refused).
 */
export async function startControl(options: {
  readonly dataDir: string;
  readonly runtime: Runtime;
  readonly store: Store;
  readonly services: TradingServices;
  readonly config: TradingConfig;
  readonly safety?: SafetyControls;
  /** The operations records (`startOpsRecords`), for the incident and sign-off commands. */
  readonly ops?: { readonly incidents: IncidentBook; readonly gate: StabilityGate };
}): Promise<GatewayControl> {
  const token = await writeAdminToken(options.dataDir);
  const audit = new StoreAuditLog(options.store, options.runtime.kernel.journal);
  const chaos = new ChaosEngine({
    clock: options.runtime.kernel.clock,
    rng: new Rng(options.config.seed).stream('chaos'),
    runtime: options.runtime,
    services: options.services,
    logger: options.runtime.kernel.logger,
    profile: DEFAULT_CHAOS_PROFILE,
    allowLive: false,
  });
  const plane = new ControlPlane({
    clock: options.runtime.kernel.clock,
    target: new TradingControl(options.runtime, options.services, tradingLayout(options.config), {
      breakers: tradingBreakerComponents(options.config),
      chaos: {
        refusal: (scenario) => chaos.refusal(scenario),
        start: (scenario) => Promise.resolve(chaos.start(scenario)),
        stop: () => Promise.resolve(chaos.stop()),
        status: () => chaos.status(),
      },
      ...(options.ops ? { ops: new OpsControl(options.ops.incidents, options.ops.gate) } : {}),
      ...options.safety,
    }),
    audit,
    // A nonce guards a confirmation against replay by whoever saw it: unguessable, not seeded.
    nonce: () => randomBytes(16).toString('hex'),
  });
  return { plane, audit, token };
}

/** Writes `gateway.json` (mode 0600) so `predator ctl` finds the gateway without flags. */
export async function writeGatewayFile(dataDir: string, file: GatewayFile): Promise<void> {
  const target = path.join(dataDir, GATEWAY_FILE);
  const temp = `${target}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(file)}\n`, { mode: 0o600 });
  await chmod(temp, 0o600);
  await rename(temp, target);
}
