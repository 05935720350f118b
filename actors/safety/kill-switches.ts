import type { TradingStateValue } from '../../machines/trading-state.machine';
import { mostRestrictive } from '../../machines/trading-state.machine';
import type { Clock, TimerHandle } from '../kernel/clock';
import type { Store } from '../kernel/store';

/** What the switches need of a store; `onStatus` lets a refused write be retried when it returns. */
export type KillStore = Pick<Store, 'getValue' | 'setValue'> & Partial<Pick<Store, 'onStatus'>>;

const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 30_000;

/**
 * A rung of the kill-switch ladder, each including the ones before it: `reduce` stops entries
 * (REDUCING), `cancel` also stops every new order (HALTED) and cancels the open ones, `flatten`
 * also closes the positions with market orders.
 */
export type KillStep = 'reduce' | 'cancel' | 'flatten';

/** The rungs in ladder order. */
export const KILL_STEPS: readonly KillStep[] = ['reduce', 'cancel', 'flatten'];

/** Where a kill applies: the whole instance, one engine, or one strategy. */
export interface KillScope {
  readonly level: 'global' | 'engine' | 'strategy';
  /** `global`, an engine id or a strategy id. */
  readonly id: string;
}

/** An engaged kill switch, as stored. */
export interface KillRecord {
  readonly scope: KillScope;
  readonly step: KillStep;
  readonly reason: string;
  /** Who engaged it: an operator (through the control plane) or a component (`breaker:…`). */
  readonly by: string;
  readonly t: number;
  /** Increases with every engagement in this instance; flatten orders carry it in their ids. */
  readonly seq: number;
}

/** A change of the kill switches, for engines to act on. */
export interface KillChange {
  readonly type: 'engaged' | 'released';
  readonly record: KillRecord;
}

/** What is stored under the kv key {@link KILL_SWITCHES_KEY}: all switches in one value. */
interface StoredKills {
  readonly seq: number;
  readonly kills: readonly KillRecord[];
}

/** Kv key of the engaged kill switches (`predator:{inst}:kv:safety:kills`). */
export const KILL_SWITCHES_KEY = 'safety:kills';

const STATE_OF_STEP: Readonly<Record<KillStep, TradingStateValue>> = {
  reduce: 'REDUCING',
  cancel: 'HALTED',
  flatten: 'HALTED',
};

function key(scope: KillScope): string {
  return `${scope.level}:${scope.id}`;
}

/** Whether a kill at `scope` covers a strategy of an engine. */
export function covers(scope: KillScope, engine: string, strategy?: string): boolean {
  if (scope.level === 'global') return true;
  if (scope.level === 'engine') return scope.id === engine;
  return strategy !== undefined && scope.id === strategy;
}

/**
 * The kill-switch ladder's state: which scopes are killed and how far. The gate every engine
 * consults synchronously before admitting or sending an order, so a kill takes effect for all
 * engines at the same instant — an account-wide step cannot let an order slip in between engines,
 * as it could if each engine learned of it from its own mailbox. All switches are one stored value,
 * written whole, so a restart finds either the state before a change or after it.
 *
 * @example
 * const kills = await KillSwitches.load(store, clock);
 * await kills.engage({ level: 'engine', id: 'maker' }, 'cancel', 'drawdown', 'alice');
 * kills.restriction('maker', 'mm-btc'); // 'HALTED'
 */
export class KillSwitches {
  private readonly kills = new Map<string, KillRecord>();
  private readonly listeners = new Set<(change: KillChange) => void>();
  private seq = 0;
  private writes: Promise<void> = Promise.resolve();
  /** The switches changed since the store last took them (a write was refused). */
  private unsaved = false;
  private retry: TimerHandle | undefined;
  private retryMs = RETRY_FIRST_MS;
  /** Counts writes asked for: only the newest one settles `unsaved`. */
  private version = 0;
  private offStatus: () => void = () => {};

  private constructor(
    private readonly store: KillStore,
    private readonly clock: Clock,
  ) {}

  /**
   * The switches as stored (none when nothing was stored). A change the store refuses (it is down)
   * stays in force here and is written again when the store says it is back, and on a backoff
   * timer meanwhile: a kill engaged during an outage must survive the restart after it.
   */
  static async load(store: KillStore, clock: Clock): Promise<KillSwitches> {
    const kills = new KillSwitches(store, clock);
    const stored = await store.getValue<StoredKills>(KILL_SWITCHES_KEY);
    if (stored) {
      kills.seq = stored.seq;
      for (const record of stored.kills) kills.kills.set(key(record.scope), record);
    }
    kills.offStatus =
      store.onStatus?.((status) => {
        if (status === 'up' && kills.unsaved) void kills.persist().catch(() => {});
      }) ?? (() => {});
    return kills;
  }

  /** Whether a change is still waiting for the store to take it. */
  get pendingWrite(): boolean {
    return this.unsaved;
  }

  /** Settles when every write asked for so far has been tried. */
  async idle(): Promise<void> {
    await this.writes.catch(() => {});
  }

  /** Stops retrying writes and listening to the store (the switches stay readable). */
  close(): void {
    this.offStatus();
    this.clock.clearTimeout(this.retry);
    this.retry = undefined;
  }

  /**
   * Engages (or raises) the switch of a scope. The gate changes at once; the promise settles when
   * the change is stored. A lower step than the one engaged leaves the higher one in place: a
   * ladder is only climbed, and only `release` comes down.
   */
  async engage(scope: KillScope, step: KillStep, reason: string, by: string): Promise<KillRecord> {
    const existing = this.kills.get(key(scope));
    if (existing && KILL_STEPS.indexOf(existing.step) >= KILL_STEPS.indexOf(step)) return existing;
    const record: KillRecord = { scope, step, reason, by, t: this.clock.now(), seq: ++this.seq };
    this.kills.set(key(scope), record);
    this.emit({ type: 'engaged', record });
    await this.persist();
    return record;
  }

  /** Releases the switch of a scope; resolves with what was released (undefined if none). */
  async release(scope: KillScope, by: string): Promise<KillRecord | undefined> {
    const existing = this.kills.get(key(scope));
    if (!existing) return undefined;
    this.kills.delete(key(scope));
    this.emit({ type: 'released', record: { ...existing, by, t: this.clock.now() } });
    await this.persist();
    return existing;
  }

  /** The trading state the kills impose on a strategy of an engine (ACTIVE when none applies). */
  restriction(engine: string, strategy?: string): TradingStateValue {
    if (this.kills.size === 0) return 'ACTIVE';
    let state: TradingStateValue = 'ACTIVE';
    for (const record of this.kills.values())
      if (covers(record.scope, engine, strategy)) state = mostRestrictive(state, STATE_OF_STEP[record.step]);
    return state;
  }

  /** The engaged switches that cover an engine or any of its strategies. */
  affecting(engine: string, strategies: readonly string[]): KillRecord[] {
    return this.list().filter(
      (r) => covers(r.scope, engine) || strategies.some((s) => covers(r.scope, engine, s)),
    );
  }

  /** Every engaged switch, oldest first. */
  list(): KillRecord[] {
    return [...this.kills.values()].sort((a, b) => a.seq - b.seq);
  }

  /** The switch of one scope, if engaged. */
  get(scope: KillScope): KillRecord | undefined {
    return this.kills.get(key(scope));
  }

  /** Calls `listener` on every change, synchronously; returns the unsubscribe function. */
  onChange(listener: (change: KillChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(change: KillChange): void {
    for (const listener of [...this.listeners]) listener(change);
  }

  /** Writes are chained, so the last one stored is the latest state; each writes the state whole. */
  private persist(): Promise<void> {
    const value: StoredKills = { seq: this.seq, kills: this.list() };
    const version = ++this.version;
    this.unsaved = true;
    this.writes = this.writes
      .catch(() => {})
      .then(() => this.store.setValue(KILL_SWITCHES_KEY, value))
      .then(
        () => {
          if (version !== this.version) return;
          this.unsaved = false;
          this.retryMs = RETRY_FIRST_MS;
          this.clock.clearTimeout(this.retry);
          this.retry = undefined;
        },
        (error: unknown) => {
          this.scheduleRetry();
          throw error;
        },
      );
    return this.writes;
  }

  private scheduleRetry(): void {
    if (this.retry !== undefined) return;
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
    this.retry = this.clock.setTimeout(() => {
      this.retry = undefined;
      if (this.unsaved) void this.persist().catch(() => {});
    }, delay);
  }
}
