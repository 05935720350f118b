import { tradingStateOf } from '../../machines/trading-state.machine';
import type { Runtime } from '../kernel/runtime';
import type { TradingServices } from '../trading/trading-services';
import { GLOBAL_TRADING_STATE, reconciliationId, strategyTradingState } from '../trading/trading-state-ids';
import { breakerComponentId } from './breaker-defaults';
import type { BreakerTarget } from './safety-metrics';
import type { TradingLayout } from './trading-control';

/** One scope as the on-call operator sees it: the whole instance, or one engine with its strategies. */
export interface OperatorScopeLook {
  /** `global`, or the engine's id. */
  readonly id: string;
  readonly level: 'global' | 'engine';
  /** Whether anything restricts it: a trading state, a kill, or (global) the kernel's GLOBAL HALT. */
  readonly restricted: boolean;
  /** Whether the engine itself (not only some strategy) is restricted; always so for a restricted global. */
  readonly scopeRestricted: boolean;
  /** Strategies of the engine REDUCING or HALTED on their own (empty for global). */
  readonly restrictedStrategies: readonly string[];
  /**
   * Whether its books agree with the venue: for an engine, its reconciliation is `reconciled` and
   * the mismatch board holds nothing for it; for global, the board is empty for every engine.
   */
  readonly clean: boolean;
  /** RED breakers watching this scope (for an engine, also its strategies'). */
  readonly redBreakers: readonly string[];
}

/** A breaker by name and what it watches. */
export interface OperatorBreaker {
  readonly name: string;
  readonly target: BreakerTarget;
}

/**
 * Reads the running trading system the way an on-call operator reads the dashboard: which scopes
 * trade restricted, whether reconciliation vouches for them, and which breakers are RED.
 */
export function lookAtTrading(
  runtime: Runtime,
  services: TradingServices,
  layout: TradingLayout,
  breakers: readonly OperatorBreaker[],
): OperatorScopeLook[] {
  const red = (b: OperatorBreaker): boolean =>
    runtime.component(breakerComponentId(b.name))?.view().state === 'RED';
  const { kills } = services;
  const restrictedState = (component: string): boolean =>
    tradingStateOf(services.stateOf(component)) !== 'ACTIVE';

  const globalRestricted =
    runtime.state === 'halted' ||
    restrictedState(GLOBAL_TRADING_STATE) ||
    kills.get({ level: 'global', id: 'global' }) !== undefined;
  const looks: OperatorScopeLook[] = [
    {
      id: 'global',
      level: 'global',
      restricted: globalRestricted,
      scopeRestricted: globalRestricted,
      restrictedStrategies: [],
      clean: services.mismatches.count() === 0,
      redBreakers: breakers.filter((b) => b.target.level === 'global' && red(b)).map((b) => b.name),
    },
  ];
  for (const engine of layout.engines) {
    const restrictedStrategies = engine.strategies.filter(
      (s) =>
        restrictedState(strategyTradingState(s)) || kills.get({ level: 'strategy', id: s }) !== undefined,
    );
    const scopeRestricted =
      restrictedState(engine.id) || kills.get({ level: 'engine', id: engine.id }) !== undefined;
    looks.push({
      id: engine.id,
      level: 'engine',
      restricted: scopeRestricted || restrictedStrategies.length > 0,
      scopeRestricted,
      restrictedStrategies,
      clean:
        runtime.component(reconciliationId(engine.id))?.view().state === 'reconciled' &&
        services.mismatches.count(engine.id) === 0,
      redBreakers: breakers
        .filter((b) => b.target.level !== 'global' && b.target.engine === engine.id && red(b))
        .map((b) => b.name),
    });
  }
  return looks;
}
