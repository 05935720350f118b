import type { TradingStateValue } from '../../machines/trading-state.machine';
import type { Runtime } from '../kernel/runtime';
import type { TradingConfig } from '../trading/trading-config';
import type { TradingServices } from '../trading/trading-services';
import { GLOBAL_TRADING_STATE, strategyTradingState } from '../trading/trading-state-ids';
import type { ControlCommand } from './control-commands';
import type { ControlTarget, Identity } from './control-plane';
import type { KillScope, KillStep } from './kill-switches';
import { isOpsCommand } from './ops-commands';

/**
 * What the control plane steers besides kills and trading states: the breakers, the chaos engine
 * and the operations records (any may be absent).
 */
export interface SafetyControls {
  /** Breaker names, and the component that hosts each. */
  readonly breakers?: ReadonlyMap<string, string>;
  readonly chaos?: {
    /** Why chaos may not start here (e.g. an engine is live and live chaos is not allowed), or null. */
    refusal(scenario: string | null): string | null;
    start(scenario: string | null, by: string): Promise<unknown>;
    stop(by: string): Promise<unknown>;
    status(): unknown;
  };
  /** The incident book and the stability gate (`OpsControl`), for the incident and sign-off commands. */
  readonly ops?: ControlTarget;
}

const NO_OPS = 'this instance keeps no incident book or stability gate';

/** The engines and strategies of the running config. */
export interface TradingLayout {
  readonly engines: readonly { readonly id: string; readonly strategies: readonly string[] }[];
}

/** The layout of a trading config, as the control target checks scopes against it. */
export function tradingLayout(config: Pick<TradingConfig, 'engines'>): TradingLayout {
  return { engines: config.engines.map((e) => ({ id: e.id, strategies: e.strategies.map((s) => s.id) })) };
}

const GLOBAL: KillScope = { level: 'global', id: 'global' };

/** The trading-state component that shows a scope's state in the tree. */
function stateComponent(scope: KillScope): string {
  if (scope.level === 'global') return GLOBAL_TRADING_STATE;
  return scope.level === 'engine' ? scope.id : strategyTradingState(scope.id);
}

/**
 * The running instance as the control plane acts on it. A halt is a global kill at `cancel`
 * (no new orders anywhere, open orders cancelled) and not the kernel's GLOBAL HALT: the engines
 * keep running so that cancels, fills and reconciliation go on — a halt must never block exits.
 * Every kill is engaged on the synchronous gate first (every engine refuses at once), then shown
 * on the scope's trading-state component (journaled, visible in the tree). Commands on incidents,
 * post-mortems and the stability gate are handed to `safety.ops`.
 */
export class TradingControl implements ControlTarget {
  constructor(
    private readonly runtime: Runtime,
    private readonly services: TradingServices,
    private readonly layout: TradingLayout,
    private readonly safety: SafetyControls = {},
  ) {}

  check(cmd: ControlCommand): string | null | Promise<string | null> {
    if (isOpsCommand(cmd)) return this.safety.ops ? this.safety.ops.check(cmd) : NO_OPS;
    switch (cmd.type) {
      case 'kill':
      case 'resume':
        return this.checkScope(cmd.scope);
      case 'set_mode':
        return 'set_mode is not available while the instance runs: an engine changes mode at its next start (--mode or the config file)';
      case 'reset_breaker':
        return this.safety.breakers?.has(cmd.name)
          ? null
          : `no breaker named ${JSON.stringify(cmd.name)}; breakers: ${[...(this.safety.breakers?.keys() ?? [])].join(', ') || 'none'}`;
      case 'chaos':
        if (!this.safety.chaos) return 'this instance runs no chaos engine';
        return cmd.action === 'start' ? this.safety.chaos.refusal(cmd.scenario) : null;
      case 'status':
      case 'halt':
        return null;
    }
  }

  async execute(cmd: ControlCommand, by: Identity): Promise<unknown> {
    if (isOpsCommand(cmd)) {
      if (!this.safety.ops) throw new Error(NO_OPS);
      return this.safety.ops.execute(cmd, by);
    }
    switch (cmd.type) {
      case 'status':
        return this.status();
      case 'halt':
        return this.kill(GLOBAL, 'cancel', cmd.reason, by.id);
      case 'kill':
        return this.kill(cmd.scope, cmd.step, `kill by ${by.id}`, by.id);
      case 'resume':
        return this.resume(cmd.scope, cmd.to, by.id);
      case 'reset_breaker': {
        const actor = this.safety.breakers?.get(cmd.name) as string;
        await this.runtime.ask(actor, { type: 'breaker.reset', operator: by.id, t: this.now });
        return { breaker: cmd.name, state: this.runtime.component(actor)?.view().state };
      }
      case 'chaos': {
        const chaos = this.safety.chaos;
        if (!chaos) throw new Error('this instance runs no chaos engine');
        return cmd.action === 'start' ? chaos.start(cmd.scenario, by.id) : chaos.stop(by.id);
      }
      case 'set_mode':
        throw new Error('set_mode is not available while the instance runs');
    }
  }

  /** What `status` answers: the system, the kills, and every trading state. */
  status(): Record<string, unknown> {
    const states: Record<string, string | undefined> = {
      global: this.runtime.component(GLOBAL_TRADING_STATE)?.view().state,
    };
    for (const engine of this.layout.engines) {
      states[engine.id] = this.runtime.component(engine.id)?.view().state;
      for (const s of engine.strategies)
        states[s] = this.runtime.component(strategyTradingState(s))?.view().state;
    }
    const breakers: Record<string, string | undefined> = {};
    for (const [name, actor] of this.safety.breakers ?? [])
      breakers[name] = this.runtime.component(actor)?.view().state;
    return {
      system: this.runtime.state,
      kills: this.services.kills.list(),
      tradingStates: states,
      breakers,
      ...(this.safety.chaos ? { chaos: this.safety.chaos.status() } : {}),
    };
  }

  private get now(): number {
    return this.runtime.kernel.clock.now();
  }

  private checkScope(scope: KillScope): string | null {
    if (scope.level === 'global') return null;
    if (scope.level === 'engine') {
      if (this.layout.engines.some((e) => e.id === scope.id)) return null;
      return `no engine named ${JSON.stringify(scope.id)}; engines: ${this.layout.engines.map((e) => e.id).join(', ')}`;
    }
    if (this.layout.engines.some((e) => e.strategies.includes(scope.id))) return null;
    const all = this.layout.engines.flatMap((e) => e.strategies);
    return `no strategy named ${JSON.stringify(scope.id)}; strategies: ${all.join(', ')}`;
  }

  private async kill(scope: KillScope, step: KillStep, reason: string, by: string): Promise<unknown> {
    const record = await this.services.kills.engage(scope, step, reason, by);
    const state: TradingStateValue = record.step === 'reduce' ? 'REDUCING' : 'HALTED';
    this.runtime.send(stateComponent(scope), {
      type: state === 'REDUCING' ? 'trading.reduce' : 'trading.halt',
      reason: `kill switch ${record.step}: ${record.reason}`,
      by,
      t: this.now,
    });
    return { kill: record };
  }

  /**
   * Lifts a scope: its kill switch is released and its trading state resumed. A resume of the whole
   * instance also ends a kernel GLOBAL HALT (the supervision tree is started again).
   */
  private async resume(scope: KillScope, to: 'ACTIVE' | 'REDUCING', by: string): Promise<unknown> {
    if (scope.level === 'global' && this.runtime.state === 'halted') await this.runtime.resume(by);
    const released = await this.services.kills.release(scope, by);
    this.runtime.send(stateComponent(scope), { type: 'trading.resume', operator: by, to, t: this.now });
    return { released: released ?? null, to, stillKilled: this.services.kills.list() };
  }
}
