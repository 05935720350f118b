import { mostRestrictive, tradingStateOf } from '../../machines/trading-state.machine';
import type { TradingStateValue } from '../../machines/trading-state.machine';
import type { JournalEntry } from '../kernel/journal-entry';
import type { Runtime } from '../kernel/runtime';
import { isFlattenIntent } from '../trading/execution-kills';
import { engineAccounts } from '../trading/engine-venue-view';
import type { TradingServices } from '../trading/trading-services';
import { GLOBAL_TRADING_STATE, strategyTradingState } from '../trading/trading-state-ids';
import type { OrderRequest } from '../trading/types';
import { SimVenue } from '../venues/sim-venue';
import { parseCommand } from './control-commands';
import type { KillScope } from './kill-switches';

/** Most violations a report lists (the count is exact). */
const MAX_LISTED = 100;

/** How long after a control-plane resume was confirmed the release and transitions it causes may follow. */
const RESUME_WINDOW_MS = 60_000;

/** Something left HALTED (or a kill was released); judged at the next check against the audit. */
interface Leave {
  /** The scope a resume must name to allow it: `global`, `engine:<id>`, `strategy:<id>`. */
  readonly scope: string;
  readonly t: number;
  readonly text: string;
}

/** What a submission looked like to the invariants at the moment it left for the venue. */
interface SentOrder {
  readonly engine: string;
  readonly request: OrderRequest;
  readonly t: number;
  readonly global: TradingStateValue;
  readonly engineState: TradingStateValue;
  /** Trading-state component states and kill restrictions per strategy, read at send time. */
  readonly strategies: ReadonlyMap<string, TradingStateValue>;
  readonly position: number;
}

/**
 * The six invariants of the deterministic simulation, checked while it runs:
 * 1. never two venue orders for one intent (one client order id, one venue order);
 * 2. no orphan venue order outlives the reconciliation window;
 * 3. local ledger equals venue ledger at every reconciliation (no mismatch or unexplained balance);
 * 4. no order that increases exposure is sent while its strategy trades REDUCING or HALTED;
 * 5. nothing leaves HALTED, and no kill is released, without a control-plane resume: one the
 *    control plane's audit journaled as confirmed and `done` for that scope (or the instance),
 *    at most {@link RESUME_WINDOW_MS} before (the soak's operator, when on, issues such resumes);
 * 6. no NaN or impossible position or balance.
 */
export class SoakInvariants {
  private readonly violations: string[] = [];
  private count = 0;
  private readonly unsubscribe: (() => void)[] = [];
  /**
   * When each recent order left for the venue, on our clock. Why: an orphan's age is judged on our
   * clock, not from the venue's `createdAt`, which a skewed venue clock shifts.
   */
  private readonly sentAt = new Map<string, number>();
  /** Audited control-plane resumes, by scope and clock time, kept for {@link RESUME_WINDOW_MS}. */
  private resumes: { readonly scope: string; readonly t: number }[] = [];
  /** Leaves not judged yet: the audit entry of the resume that caused one is journaled after it. */
  private leaves: Leave[] = [];

  constructor(
    private readonly runtime: Runtime,
    private readonly services: TradingServices,
    private readonly strategiesOf: ReadonlyMap<string, readonly string[]>,
    private readonly orphanWindowMs: number,
  ) {}

  /** Wraps the engines' venues and subscribes to the journal and the kill switches. */
  install(): void {
    for (const engine of this.services.engineIds()) this.watchSubmits(engine);
    this.unsubscribe.push(this.runtime.onTransition((entry) => this.onTransition(entry)));
    this.unsubscribe.push(
      this.services.kills.onChange((change) => {
        if (change.type === 'released')
          this.leaves.push({
            scope: scopeKey(change.record.scope),
            t: change.record.t,
            text: `kill on ${change.record.scope.level} ${change.record.scope.id} released by ${change.record.by} without a control-plane resume`,
          });
      }),
    );
  }

  /** Stops watching. */
  uninstall(): void {
    for (const off of this.unsubscribe) off();
  }

  /** The periodic checks (2, 1 on ledgers, 5 on what left HALTED, 6); call every simulated hour and at the end. */
  async check(now: number): Promise<void> {
    this.judgeLeaves(now);
    const { store, portfolio } = this.services;
    const open = new Set<string>();
    // Each account once, named by its first engine.
    for (const [venue, engine] of engineAccounts(this.services)) {
      if (!(venue instanceof SimVenue)) continue;
      const perCid = new Map<string, number>();
      for (const cid of venue.engine.keptClientOrderIds()) perCid.set(cid, (perCid.get(cid) ?? 0) + 1);
      for (const [cid, n] of perCid)
        if (n > 1) this.violate(1, `${engine}: ${n} venue orders for client order id ${cid}`);
      // An order that did not go through `submit` is aged by the venue's stamp, moved onto our clock.
      const skew = venue.now() - now;
      for (const order of venue.engine.openOrders()) {
        open.add(order.clientOrderId);
        const age = now - (this.sentAt.get(order.clientOrderId) ?? order.createdAt - skew);
        if (age < this.orphanWindowMs) continue;
        const record = await store.order(order.clientOrderId);
        if (!record || record.terminal)
          this.violate(
            2,
            `${engine}: venue order ${order.clientOrderId} open for ${age} ms with ${record ? `local state ${record.state}` : 'no local record'}`,
          );
      }
    }
    // Only orders still open, or sent too recently to have reached the venue, need their send time.
    for (const [cid, t] of this.sentAt)
      if (!open.has(cid) && now - t > this.orphanWindowMs) this.sentAt.delete(cid);
    for (const position of portfolio.positions())
      if (!Number.isFinite(position.qty)) this.violate(6, `position ${position.symbol} is ${position.qty}`);
    for (const [asset, amount] of Object.entries(portfolio.balances()))
      if (!Number.isFinite(amount) || amount < -1e-9) this.violate(6, `balance ${asset} is ${amount}`);
    for (const incident of this.runtime.incidents())
      if (incident.kind === 'RECONCILIATION_MISMATCH' || incident.kind === 'UNEXPLAINED_BALANCE_CHANGE')
        this.violate(3, `${incident.kind} #${incident.id}: ${incident.detail}`);
  }

  /** The violations found (at most {@link MAX_LISTED}, each once) and how many there were. */
  report(): { list: string[]; count: number } {
    return { list: [...this.violations], count: this.count };
  }

  private violate(invariant: number, detail: string): void {
    const text = `(${invariant}) ${detail}`;
    if (this.violations.includes(text)) return;
    this.count++;
    if (this.violations.length < MAX_LISTED) this.violations.push(text);
  }

  private onTransition(entry: JournalEntry): void {
    if (entry.actor === 'control-plane' && entry.machine === 'audit') {
      const scope = entry.to === 'done' && entry.from.endsWith(' confirm') ? resumedScope(entry.event) : null;
      if (scope !== null) this.resumes.push({ scope, t: entry.t });
      return;
    }
    if (entry.from === 'HALTED' && entry.to !== 'HALTED')
      this.leaves.push({
        scope: this.scopeOfActor(entry.actor),
        t: entry.t,
        text: `${entry.actor} left HALTED on ${entry.event} at ${entry.t} without a control-plane resume`,
      });
    if (entry.actor === 'system' && entry.from === 'halted' && entry.to !== 'halted')
      this.leaves.push({
        scope: 'global',
        t: entry.t,
        text: `the system left a GLOBAL HALT on ${entry.event} at ${entry.t} without a control-plane resume`,
      });
  }

  /** Each leave needs an audited resume of its scope or of the instance, at or shortly before it. */
  private judgeLeaves(now: number): void {
    for (const leave of this.leaves) {
      const allowed = this.resumes.some(
        (r) =>
          (r.scope === leave.scope || r.scope === 'global') &&
          r.t <= leave.t &&
          leave.t - r.t <= RESUME_WINDOW_MS,
      );
      if (!allowed) this.violate(5, leave.text);
    }
    this.leaves = [];
    this.resumes = this.resumes.filter((r) => now - r.t <= RESUME_WINDOW_MS);
  }

  /** The scope whose resume lets a trading-state component leave HALTED. */
  private scopeOfActor(actor: string): string {
    if (actor === GLOBAL_TRADING_STATE) return 'global';
    if (this.strategiesOf.has(actor)) return `engine:${actor}`;
    for (const strategies of this.strategiesOf.values())
      for (const s of strategies) if (strategyTradingState(s) === actor) return `strategy:${s}`;
    return `actor:${actor}`;
  }

  /** Reads the trading states at the instant an order leaves, then judges it once its strategy is known. */
  private watchSubmits(engine: string): void {
    const venue = this.services.engineVenue(engine).venue;
    const submit = venue.submit.bind(venue);
    const strategies = this.strategiesOf.get(engine) ?? [];
    venue.submit = (request) => {
      const { kills } = this.services;
      const states = new Map<string, TradingStateValue>();
      for (const s of strategies)
        states.set(
          s,
          mostRestrictive(
            tradingStateOf(this.services.stateOf(strategyTradingState(s))),
            kills.restriction(engine, s),
          ),
        );
      const sent: SentOrder = {
        engine,
        request,
        t: this.runtime.kernel.clock.now(),
        global: tradingStateOf(this.services.stateOf(GLOBAL_TRADING_STATE)),
        engineState: tradingStateOf(this.services.stateOf(engine)),
        strategies: states,
        position: this.services.portfolio.quantity(request.symbol, { engine }),
      };
      this.sentAt.set(request.clientOrderId, sent.t);
      void this.judge(sent);
      return submit(request);
    };
  }

  private async judge(sent: SentOrder): Promise<void> {
    const record = await this.services.store.order(sent.request.clientOrderId);
    if (!record)
      return this.violate(
        1,
        `${sent.engine}: ${sent.request.clientOrderId} reached the venue without a stored order`,
      );
    if (isFlattenIntent({ intentId: record.intentId })) return;
    const state = mostRestrictive(
      sent.global,
      sent.engineState,
      sent.strategies.get(record.strategy) ?? 'HALTED',
    );
    if (state === 'ACTIVE') return;
    const { side, qty } = sent.request;
    const reduces = side === 'buy' ? sent.position < 0 : sent.position > 0;
    if (state === 'HALTED' || !reduces || qty > Math.abs(sent.position) + 1e-12)
      this.violate(
        4,
        `${sent.engine}/${record.strategy}: ${side} ${qty} ${sent.request.symbol} sent at ${sent.t} while ${state} with position ${sent.position}`,
      );
  }
}

function scopeKey(scope: KillScope): string {
  return scope.level === 'global' ? 'global' : `${scope.level}:${scope.id}`;
}

/** The scope a journaled audit line resumes (`resume_engine maker` → `engine:maker`), or null. */
function resumedScope(line: string): string | null {
  const [command = '', ...args] = line.split(' ');
  try {
    const cmd = parseCommand({ command, args });
    return cmd.type === 'resume' ? scopeKey(cmd.scope) : null;
  } catch {
    return null;
  }
}
