import type { Runtime } from '../kernel/runtime';
import type { Store } from '../kernel/store';
import { tradingBreakerComponents, tradingBreakers } from '../trading/build-trading';
import type { TradingConfig } from '../trading/trading-config';
import type { TradingServices } from '../trading/trading-services';
import { StoreAuditLog } from './control-audit-store';
import { ControlPlane } from './control-plane';
import { SoakOperator } from './soak-operator';
import { lookAtTrading } from './soak-operator-look';
import type { SoakOperatorConfigInput } from './soak-operator.config';
import { TradingControl, tradingLayout } from './trading-control';

/**
 * Starts the soak's on-call operator on the running system, behind a real control plane: the
 * trading target `predator start` uses (kills, trading states, breakers) and the audit trail in the
 * store and the journal, where the soak's invariant 5 finds each resume.
 */
export function startSoakOperator(options: {
  readonly runtime: Runtime;
  readonly services: TradingServices;
  readonly store: Store;
  readonly config: TradingConfig;
  readonly operator?: SoakOperatorConfigInput;
}): SoakOperator {
  const { runtime, services } = options;
  const layout = tradingLayout(options.config);
  const breakers = tradingBreakers(options.config).map((b) => ({ name: b.breaker.name, target: b.target }));
  let nonces = 0;
  const plane = new ControlPlane({
    clock: runtime.kernel.clock,
    target: new TradingControl(runtime, services, layout, {
      breakers: tradingBreakerComponents(options.config),
    }),
    audit: new StoreAuditLog(options.store, runtime.kernel.journal),
    // Why a counter: one process, one simulated operator, nobody to guess it; and the soak stays deterministic.
    nonce: () => `soak-${++nonces}`,
  });
  const operator = new SoakOperator({
    clock: runtime.kernel.clock,
    plane,
    look: () => lookAtTrading(runtime, services, layout, breakers),
    ...(options.operator !== undefined ? { config: options.operator } : {}),
  });
  operator.start();
  return operator;
}
