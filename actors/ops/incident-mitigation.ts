import type { JournalEntry } from '../kernel/journal-entry';
import type { KillRecord, KillSwitches } from '../safety/kill-switches';
import { covers } from '../safety/kill-switches';
import { GLOBAL_TRADING_STATE, strategyTradingState } from '../trading/trading-state-ids';
import type { IncidentScope } from './incident-records';

/**
 * A restriction of trading the runtime put in place on its own: the evidence that an incident in
 * its scope is contained. `system` is the kernel's GLOBAL HALT.
 */
export interface Restriction {
  readonly level: 'global' | 'engine' | 'strategy';
  /** `global`, an engine id or a strategy id. */
  readonly id: string;
  /** Who put it in place: the journaled actor, or the kill switch's `by`. */
  readonly by: string;
  readonly t: number;
  /** One line for the incident's record and the post-mortem. */
  readonly evidence: string;
}

const STRATEGY_STATE_SUFFIX = strategyTradingState('');

/** The scope of an incident: `data.engine` (else the raising actor) and `data.strategy`. */
export function scopeOf(actor: string, data: Readonly<Record<string, unknown>>): IncidentScope {
  const engine = typeof data['engine'] === 'string' && data['engine'] !== '' ? data['engine'] : actor;
  const strategy = typeof data['strategy'] === 'string' && data['strategy'] !== '' ? data['strategy'] : null;
  return { engine, strategy };
}

/**
 * What a journal entry restricts, if anything: a trading state (global, an engine's, a strategy's)
 * going to REDUCING or HALTED, or the system going to `halting` (a GLOBAL HALT). Everything else —
 * a breaker going RED included, since its kill is what restricts — is not a restriction.
 */
export function restrictionOf(entry: JournalEntry): Restriction | undefined {
  const at = `journal seq ${entry.seq}`;
  if (entry.machine === 'system' && entry.to === 'halting')
    return { level: 'global', id: 'global', by: 'system', t: entry.t, evidence: `GLOBAL HALT (${at})` };
  if (entry.machine !== 'trading-state' || entry.from === entry.to) return undefined;
  if (entry.to !== 'REDUCING' && entry.to !== 'HALTED') return undefined;
  const change = `${entry.from || '(start)'} → ${entry.to} on ${entry.event} (${at})`;
  if (entry.actor === GLOBAL_TRADING_STATE)
    return {
      level: 'global',
      id: 'global',
      by: entry.actor,
      t: entry.t,
      evidence: `global trading ${change}`,
    };
  if (entry.actor.endsWith(STRATEGY_STATE_SUFFIX)) {
    const id = entry.actor.slice(0, -STRATEGY_STATE_SUFFIX.length);
    return { level: 'strategy', id, by: entry.actor, t: entry.t, evidence: `strategy ${id} ${change}` };
  }
  return {
    level: 'engine',
    id: entry.actor,
    by: entry.actor,
    t: entry.t,
    evidence: `engine ${entry.actor} ${change}`,
  };
}

/** The restriction an engaged kill switch imposes. */
export function restrictionOfKill(record: KillRecord): Restriction {
  const state = record.step === 'reduce' ? 'REDUCING' : 'HALTED';
  const where = record.scope.level === 'global' ? 'global' : `${record.scope.level} ${record.scope.id}`;
  return {
    level: record.scope.level,
    id: record.scope.id,
    by: record.by,
    t: record.t,
    evidence: `kill switch ${where} at ${record.step} (${state}) by ${record.by}: ${record.reason}`,
  };
}

/** Whether a restriction contains an incident of `scope`. */
export function restrictionCovers(restriction: Restriction, scope: IncidentScope): boolean {
  return covers(restriction, scope.engine, scope.strategy ?? undefined);
}

/**
 * The trading-state components whose REDUCING or HALTED contains an incident of `scope` — the
 * global one, its engine's and its strategy's — for a probe of the runtime's current states.
 */
export function tradingStateActorsOf(
  scope: IncidentScope,
): { readonly actor: string; readonly level: Restriction['level']; readonly id: string }[] {
  const out: { actor: string; level: Restriction['level']; id: string }[] = [
    { actor: GLOBAL_TRADING_STATE, level: 'global', id: 'global' },
    { actor: scope.engine, level: 'engine', id: scope.engine },
  ];
  if (scope.strategy !== null)
    out.push({ actor: strategyTradingState(scope.strategy), level: 'strategy', id: scope.strategy });
  return out;
}

/** What tells whether a scope is restricted right now: the kill ladder and the components' states. */
export interface RestrictionProbes {
  readonly kills?: Pick<KillSwitches, 'list'>;
  /** A component's current state (`Runtime.component(id)?.behaviourState`); `system`: the runtime's. */
  readonly stateOf?: (actor: string) => string | undefined;
}

/**
 * The restriction already on a scope at time `t`, if any: an engaged kill that covers it, or a
 * trading state over it (global, its engine's, its strategy's) that is REDUCING or HALTED.
 */
export function restrictionNow(
  scope: IncidentScope,
  probes: RestrictionProbes,
  t: number,
): Restriction | undefined {
  const kill = probes.kills?.list().find((k) => covers(k.scope, scope.engine, scope.strategy ?? undefined));
  if (kill) {
    const r = restrictionOfKill(kill);
    return { ...r, t, evidence: `already restricted when raised: ${r.evidence}` };
  }
  const { stateOf } = probes;
  if (stateOf === undefined) return undefined;
  // A GLOBAL HALT already in force (a boot loop comes up halted) contains everything.
  if (stateOf('system') === 'halted')
    return {
      level: 'global',
      id: 'global',
      by: 'system',
      t,
      evidence: 'the system was already HALTED when it was raised',
    };
  for (const level of tradingStateActorsOf(scope)) {
    const state = stateOf(level.actor);
    if (state === 'REDUCING' || state === 'HALTED')
      return {
        level: level.level,
        id: level.id,
        by: level.actor,
        t,
        evidence: `${level.actor} was already ${state} when it was raised`,
      };
  }
  return undefined;
}
