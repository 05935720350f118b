import type { Balances, Fill } from './types';
import type { InstrumentUnits, PortfolioConfig, PortfolioConfigInput } from './portfolio.config';
import { instrumentUnits, parsePortfolioConfig } from './portfolio.config';
import { bigintFromJSON, fromScaled, pow10 } from './portfolio-amounts';
import { DedupWindow } from './portfolio-dedup';
import type { EquityCurveView } from './portfolio-equity';
import { EquityCurve } from './portfolio-equity';
import type { FillOwner, PortfolioRejection, Transfer } from './portfolio-input';
import { parseFill, parseMarks, parseTransfer, reject } from './portfolio-input';
import type { BalanceDiscrepancy, BalanceExplanation } from './portfolio-ledger';
import { Ledger } from './portfolio-ledger';
import type { PositionState, PositionView } from './portfolio-position';
import { FLAT, applyFill, positionView, sumPositions, unrealizedAt } from './portfolio-position';
import type { PortfolioSnapshot } from './portfolio-snapshot';
import { PortfolioSnapshotError, parsePortfolioSnapshot } from './portfolio-snapshot';
import type { EquityView, MarkOutcome, PnlView, PortfolioScope, RecordOutcome } from './portfolio-views';

export type { EquityView, MarkOutcome, PnlView, PortfolioScope, RecordOutcome } from './portfolio-views';

interface Book {
  readonly owner: FillOwner;
  readonly symbol: string;
  position: PositionState;
}

/**
 * Exact portfolio accounting for one instance: positions (average cost) per engine, strategy and
 * symbol; balances per asset with a ledger that explains every change by a fill, a fee or a
 * recorded transfer; unrealized PnL and equity against given mids; a bounded equity curve. Pure:
 * no I/O, no clock (time comes in with the data); an actor hosts it and persists {@link toJSON}.
 *
 * @example
 * const p = Portfolio.create({ valuationAsset: 'USDT', instruments: [btcusdt] });
 * p.recordTransfer({ transferId: 'fund-1', asset: 'USDT', amount: 10_000, reason: 'initial funding', t: 0 });
 * p.recordFill(fill, { engine: 'mm', strategy: 'maker-1' }); // { status: 'recorded' }
 * p.mark(1_000, { BTCUSDT: 30_000.5 });
 * p.pnl({ engine: 'mm' }).net;
 */
export class Portfolio {
  private readonly scale: number;
  private readonly units: ReadonlyMap<string, InstrumentUnits>;
  private readonly symbolOfBase: ReadonlyMap<string, string>;
  private readonly books = new Map<string, Book>();
  private readonly marks = new Map<string, bigint>();
  private ledger: Ledger;
  private dedup: DedupWindow;
  private curve: EquityCurve;
  /** Net PnL curves by `engine` and `engine/strategy`; rebuilt from marks, not in snapshots. */
  private readonly pnlCurves = new Map<string, EquityCurve>();

  private constructor(readonly config: PortfolioConfig) {
    this.scale = config.amountDecimals;
    this.units = instrumentUnits(config);
    this.symbolOfBase = new Map(config.instruments.map((i) => [i.base, i.symbol]));
    this.ledger = new Ledger(this.scale, config.ledgerCapacity);
    this.dedup = new DedupWindow(config.dedupCapacity);
    this.curve = new EquityCurve(config.equityCurveCapacity, 2 * this.scale);
  }

  /** An empty portfolio; throws `ConfigError` listing every problem with `config`. */
  static create(config: PortfolioConfigInput): Portfolio {
    return new Portfolio(parsePortfolioConfig(config));
  }

  /**
   * Records a fill for `owner`: moves the position, the base and quote balances and the fee's
   * asset. The same `fillId` again returns `duplicate`; bad input returns a rejection; either way
   * nothing changes.
   */
  recordFill(fill: Fill, owner: FillOwner): RecordOutcome {
    const parsed = parseFill(fill, owner, this.units, this.scale);
    if ('status' in parsed) return parsed;
    const key = `fill:${parsed.fillId}`;
    const verdict = this.dedup.check(key, parsed.t);
    if (verdict === 'duplicate') return { status: 'duplicate' };
    if (verdict === 'before-horizon') return beforeHorizon(this.dedup.horizonT);
    const { instrument } = parsed.units;
    const signed = parsed.side === 'buy' ? parsed.qty : -parsed.qty;
    const book = this.book(parsed.owner, instrument.symbol);
    book.position = applyFill(
      book.position,
      { qty: signed, price: parsed.price, fee: parsed.fee, feeInBase: parsed.feeInBase },
      this.scale,
    );
    const trade = { kind: 'fill', fillId: parsed.fillId, symbol: instrument.symbol } as const;
    const fee = { kind: 'fee', fillId: parsed.fillId, symbol: instrument.symbol } as const;
    this.ledger.post(parsed.t, [
      { asset: instrument.base, amount: signed, cause: trade },
      { asset: instrument.quote, amount: -(signed * parsed.price) / pow10(this.scale), cause: trade },
      { asset: parsed.feeInBase ? instrument.base : instrument.quote, amount: -parsed.fee, cause: fee },
    ]);
    this.dedup.remember(key, parsed.t);
    return { status: 'recorded' };
  }

  /** Why {@link Portfolio.recordFill} would refuse `fill`, or null; records nothing. */
  checkFill(fill: Fill, owner: FillOwner): PortfolioRejection | null {
    const parsed = parseFill(fill, owner, this.units, this.scale);
    return 'status' in parsed ? parsed : null;
  }

  /** Records a balance change that is not a fill (initial funding, deposit, withdrawal) with its reason. */
  recordTransfer(transfer: Transfer): RecordOutcome {
    const parsed = parseTransfer(transfer, this.scale);
    if ('status' in parsed) return parsed;
    const key = `transfer:${parsed.transferId}`;
    const verdict = this.dedup.check(key, parsed.t);
    if (verdict === 'duplicate') return { status: 'duplicate' };
    if (verdict === 'before-horizon') return beforeHorizon(this.dedup.horizonT);
    const cause = { kind: 'transfer', transferId: parsed.transferId, reason: parsed.reason } as const;
    this.ledger.post(parsed.t, [{ asset: parsed.asset, amount: parsed.amount, cause }]);
    this.dedup.remember(key, parsed.t);
    return { status: 'recorded' };
  }

  /**
   * Marks symbols to the given mids at time `t` (not before the previous mark) and appends the
   * resulting equity to the curve. Symbols left out keep their previous mark.
   */
  mark(t: number, mids: Readonly<Record<string, number>>): MarkOutcome {
    const parsed = parseMarks(t, mids, this.curve.latestT, this.units, this.scale);
    if (parsed instanceof Map) {
      for (const [symbol, price] of parsed) this.marks.set(symbol, price);
      const { equity, unpriced } = this.exactEquity();
      this.curve.record(t, equity);
      this.recordPnlCurves(t);
      return { status: 'marked', equity: fromScaled(equity, 2 * this.scale), unpriced };
    }
    return parsed;
  }

  /** The position in `symbol` of the books in `scope` (the whole instance by default), netted. */
  position(symbol: string, scope: PortfolioScope = {}): PositionView {
    const position = sumPositions(this.matching(scope, symbol).map((b) => b.position));
    return positionView(symbol, position, this.marks.get(symbol), this.scale);
  }

  /**
   * The signed quantity held in `symbol` by the books in `scope`: what pre-trade risk needs on every
   * intent, without the view's prices and PnL.
   */
  quantity(symbol: string, scope: PortfolioScope = {}): number {
    let qty = 0n;
    for (const book of this.books.values()) {
      if (book.symbol !== symbol) continue;
      if (scope.engine !== undefined && book.owner.engine !== scope.engine) continue;
      if (scope.strategy !== undefined && book.owner.strategy !== scope.strategy) continue;
      qty += book.position.qty;
    }
    return fromScaled(qty, this.scale);
  }

  /** Every symbol the books in `scope` have traded, netted per symbol, sorted by symbol. */
  positions(scope: PortfolioScope = {}): PositionView[] {
    const symbols = new Set(this.matching(scope).map((b) => b.symbol));
    return [...symbols].sort().map((symbol) => this.position(symbol, scope));
  }

  /** PnL of `scope` (the whole instance by default). */
  pnl(scope: PortfolioScope = {}): PnlView {
    const { realized, fees, unrealized, net, unmarked } = this.exactPnl(scope);
    return {
      realized: fromScaled(realized, this.scale),
      fees: fromScaled(fees, this.scale),
      unrealized: fromScaled(unrealized, 2 * this.scale),
      net: fromScaled(net, 2 * this.scale),
      unmarked,
    };
  }

  /**
   * The net PnL curve of the instance's trading (`{}`), an engine or a strategy, one point per mark
   * since it first traded in this portfolio (bounded like the equity curve, with exact peak and maximum drawdown): what a
   * drawdown-from-peak breaker of that scope reads. Empty for a scope that never traded.
   */
  pnlCurve(scope: PortfolioScope = {}): EquityCurveView {
    const curve = this.pnlCurves.get(curveKey(scope));
    return curve ? curve.view() : new EquityCurve(this.config.equityCurveCapacity, 2 * this.scale).view();
  }

  private exactPnl(scope: PortfolioScope): {
    realized: bigint;
    fees: bigint;
    unrealized: bigint;
    net: bigint;
    unmarked: string[];
  } {
    let realized = 0n;
    let fees = 0n;
    let unrealized = 0n;
    const unmarked: string[] = [];
    for (const symbol of new Set(this.matching(scope).map((b) => b.symbol))) {
      const position = sumPositions(this.matching(scope, symbol).map((b) => b.position));
      realized += position.realized;
      fees += position.fees;
      const mark = this.marks.get(symbol);
      if (mark !== undefined) unrealized += unrealizedAt(position, mark, this.scale);
      else if (position.qty !== 0n) unmarked.push(symbol);
    }
    const net = (realized - fees) * pow10(this.scale) + unrealized;
    return { realized, fees, unrealized, net, unmarked: unmarked.sort() };
  }

  /** Appends every engine's and strategy's net PnL at `t` to its curve. */
  private recordPnlCurves(t: number): void {
    const scopes: PortfolioScope[] = [];
    const engines = new Set<string>();
    for (const owner of this.owners()) {
      scopes.push(owner);
      engines.add(owner.engine);
    }
    for (const engine of engines) scopes.push({ engine });
    // The instance's trading PnL too: the global drawdown breaker reads its peak.
    if (engines.size > 0) scopes.push({});
    // Why one walk instead of `exactPnl` per scope: net PnL is additive over books (unrealized is
    // linear in quantity and cost, and an unmarked symbol adds nothing either way), so summing each
    // book into its strategy, engine and the instance gives the same exact figures.
    const nets = new Map<string, bigint>();
    const add = (key: string, net: bigint): void => {
      nets.set(key, (nets.get(key) ?? 0n) + net);
    };
    const unit = pow10(this.scale);
    for (const { owner, symbol, position } of this.books.values()) {
      const mark = this.marks.get(symbol);
      const unrealized = mark === undefined ? 0n : unrealizedAt(position, mark, this.scale);
      const net = (position.realized - position.fees) * unit + unrealized;
      add(curveKey(owner), net);
      add(curveKey({ engine: owner.engine }), net);
      add(curveKey({}), net);
    }
    for (const scope of scopes) {
      const key = curveKey(scope);
      let curve = this.pnlCurves.get(key);
      if (!curve) {
        curve = new EquityCurve(this.config.equityCurveCapacity, 2 * this.scale);
        this.pnlCurves.set(key, curve);
      }
      curve.record(t, nets.get(key) ?? 0n);
    }
  }

  /** Every engine and strategy that has a fill, sorted. */
  owners(): FillOwner[] {
    const seen = new Map<string, FillOwner>();
    for (const { owner } of this.books.values())
      seen.set(JSON.stringify([owner.engine, owner.strategy]), owner);
    return [...seen.keys()].sort().map((k) => seen.get(k) as FillOwner);
  }

  /** Balance of `asset` per the ledger (0 when it never moved). */
  balance(asset: string): number {
    return fromScaled(this.ledger.balance(asset), this.scale);
  }

  /** Every asset's balance per the ledger. */
  balances(): Readonly<Record<string, number>> {
    return Object.fromEntries(this.ledger.assets().map((a) => [a, this.balance(a)]));
  }

  /** How `asset`'s balance came to be: every movement with its cause; `reconciled` is exact. */
  explain(asset: string): BalanceExplanation {
    return this.ledger.explain(asset);
  }

  /** Venue balances the ledger does not explain (free + locked compared), sorted by asset. */
  unexplainedChanges(venueBalances: Balances): BalanceDiscrepancy[] {
    return this.ledger.discrepancies(venueBalances, this.config.reconcileDecimals);
  }

  /** Equity now, at the latest marks. */
  equity(): EquityView {
    const { equity, unpriced } = this.exactEquity();
    const peak = this.curve.peakEquity;
    const drawdown = peak === null || peak < equity ? 0n : peak - equity;
    const scale = 2 * this.scale;
    return {
      t: this.curve.latestT,
      equity: fromScaled(equity, scale),
      drawdown: fromScaled(drawdown, scale),
      unpriced,
    };
  }

  /** The bounded equity curve, with exact peak and maximum drawdown. */
  equityCurve(): EquityCurveView {
    return this.curve.view();
  }

  /** Plain JSON for an actor's snapshot; {@link fromJSON} restores it exactly. */
  toJSON(): PortfolioSnapshot {
    return {
      v: 1,
      config: structuredClone(this.config),
      positions: [...this.books.values()].map(({ owner, symbol, position: p }) => ({
        engine: owner.engine,
        strategy: owner.strategy,
        symbol,
        qty: p.qty.toString(),
        cost: p.cost.toString(),
        realized: p.realized.toString(),
        fees: p.fees.toString(),
        fills: p.fills,
      })),
      ledger: this.ledger.toJSON(),
      seen: this.dedup.toJSON(),
      marks: [...this.marks].map(([symbol, price]) => ({ symbol, price: price.toString() })),
      curve: this.curve.toJSON(),
    };
  }

  /**
   * Restores a portfolio from {@link toJSON}'s output. Throws `PortfolioSnapshotError` when the
   * shape is wrong, a symbol is unknown or a ledger does not add up; `ConfigError` for a bad config.
   */
  static fromJSON(raw: unknown): Portfolio {
    const snapshot = parsePortfolioSnapshot(raw);
    const portfolio = new Portfolio(parsePortfolioConfig(snapshot.config));
    const big = (text: string): bigint => bigintFromJSON(text) ?? 0n;
    const unknown = [...snapshot.positions, ...snapshot.marks]
      .map((p) => p.symbol)
      .filter((s) => !portfolio.units.has(s));
    if (unknown.length > 0) {
      const issues = unknown.map((s) => `${s}: not an instrument of this portfolio`);
      throw new PortfolioSnapshotError(`invalid portfolio snapshot:\n  ${issues.join('\n  ')}`, issues);
    }
    for (const p of snapshot.positions) {
      const position = {
        qty: big(p.qty),
        cost: big(p.cost),
        realized: big(p.realized),
        fees: big(p.fees),
        fills: p.fills,
      };
      portfolio.book({ engine: p.engine, strategy: p.strategy }, p.symbol).position = position;
    }
    for (const m of snapshot.marks) portfolio.marks.set(m.symbol, big(m.price));
    const { config } = portfolio;
    portfolio.ledger = Ledger.fromJSON(snapshot.ledger, portfolio.scale, config.ledgerCapacity);
    portfolio.dedup = DedupWindow.fromJSON(snapshot.seen, config.dedupCapacity);
    portfolio.curve = EquityCurve.fromJSON(snapshot.curve, config.equityCurveCapacity, 2 * portfolio.scale);
    return portfolio;
  }

  private exactEquity(): { equity: bigint; unpriced: string[] } {
    let equity = 0n;
    const unpriced: string[] = [];
    for (const asset of this.ledger.assets()) {
      const balance = this.ledger.balance(asset);
      if (asset === this.config.valuationAsset) {
        equity += balance * pow10(this.scale);
        continue;
      }
      const symbol = this.symbolOfBase.get(asset);
      const mark = symbol === undefined ? undefined : this.marks.get(symbol);
      if (mark !== undefined) equity += balance * mark;
      else if (balance !== 0n) unpriced.push(asset);
    }
    return { equity, unpriced: unpriced.sort() };
  }

  private matching(scope: PortfolioScope, symbol?: string): Book[] {
    return [...this.books.values()].filter(
      (b) =>
        (scope.engine === undefined || b.owner.engine === scope.engine) &&
        (scope.strategy === undefined || b.owner.strategy === scope.strategy) &&
        (symbol === undefined || b.symbol === symbol),
    );
  }

  private book(owner: FillOwner, symbol: string): Book {
    const key = JSON.stringify([owner.engine, owner.strategy, symbol]);
    let book = this.books.get(key);
    if (book === undefined) {
      book = { owner, symbol, position: FLAT };
      this.books.set(key, book);
    }
    return book;
  }
}

function beforeHorizon(horizon: number | null): PortfolioRejection {
  return reject(
    'BEFORE_DEDUP_HORIZON',
    't',
    `unknown id at or before the dedup horizon ${String(horizon)}: it may be a forgotten duplicate`,
  );
}

function curveKey(scope: { readonly engine?: string; readonly strategy?: string }): string {
  return scope.strategy === undefined ? `${scope.engine ?? ''}` : `${scope.engine ?? ''}/${scope.strategy}`;
}
