import type { Clock, TimerHandle } from '../kernel/clock';
import type { Rng } from '../kernel/rng';
import type { BookLevel, Instrument, OrderBook } from '../trading/types';
import { decimalsOf, fromLots, fromTicks } from '../trading/units';
import { instrumentOf, parseMarketSimConfig } from './market-sim.config';
import type { MarketSimConfig, MarketSimConfigInput, MarketSymbolConfig } from './market-sim.config';
import { BookListeners } from './market-source';
import type { BookListener, MarketSource } from './market-source';

const YEAR_MS = 365 * 86_400_000;

/** How a {@link MarketSim} is built. */
export interface MarketSimOptions {
  /** Randomness; the simulator derives its own named streams from it. */
  readonly rng: Rng;
  /** Clock time of the first books; later books come every `refreshMs` after it. */
  readonly start: number;
  /** Validated with zod; defaults give BTCUSDT, ETHUSDT and SOLUSDT. */
  readonly config?: MarketSimConfigInput;
}

/** A volatility regime, as configured. */
export type MarketRegime = MarketSimConfig['regimes'][number];

interface SymbolState {
  readonly cfg: MarketSymbolConfig;
  readonly instrument: Instrument;
  /** Loadings aligned with the config's factor order. */
  readonly loadings: readonly number[];
  /** Annualised volatility at multiplier 1, for the drift correction. */
  readonly vol: number;
  readonly priceRng: Rng;
  readonly bookRng: Rng;
  logPrice: number;
  bidTicks: number;
  askTicks: number;
  book: OrderBook;
}

/**
 * A seeded market for several symbols. Fair prices follow a factor model (common factors plus
 * each symbol's own noise, see {@link MarketSimConfig}), so returns are really correlated; a
 * Markov chain of volatility regimes scales every move; each refresh rebuilds every symbol's book
 * around its fair price, with a spread that widens and depth that thins when volatility is high.
 *
 * Each factor, each symbol's price and each symbol's book shape draw from their own rng stream,
 * named after them alone: adding a symbol never changes another symbol's path, and the same seed
 * gives identical books.
 *
 * The caller drives it on its clock: {@link MarketSim.step} by hand, or {@link MarketSim.start}.
 *
 * @example
 * const sim = new MarketSim({ rng: new Rng(7), start: clock.now() });
 * const stop = sim.start(clock);
 * await clock.advance(60_000);        // 60 refreshes at the default 1 s
 * sim.book('BTCUSDT')?.bids[0];       // best bid now
 * stop();
 */
export class MarketSim implements MarketSource {
  /** The validated configuration. */
  readonly config: MarketSimConfig;
  private readonly states: SymbolState[];
  private readonly bySymbol = new Map<string, SymbolState>();
  private readonly factorRngs: readonly Rng[];
  private readonly regimeRng: Rng;
  private readonly listeners = new BookListeners();
  private readonly stepScale: number;
  private regimeIndex = 0;
  private nextAt: number;

  constructor(options: MarketSimOptions) {
    this.config = parseMarketSimConfig(options.config ?? {});
    const { rng, start } = options;
    this.stepScale = Math.sqrt(this.config.refreshMs / YEAR_MS);
    this.factorRngs = this.config.factors.map((f) => rng.stream(`market-sim/factor/${f.name}`));
    this.regimeRng = rng.stream('market-sim/regime');
    this.states = this.config.symbols.map((cfg) => {
      const loadings = this.config.factors.map((f) => cfg.loadings[f.name] ?? 0);
      let variance = cfg.idioVol ** 2;
      this.config.factors.forEach((f, k) => (variance += ((loadings[k] ?? 0) * f.vol) ** 2));
      const state: SymbolState = {
        cfg,
        instrument: instrumentOf(cfg),
        loadings,
        vol: Math.sqrt(variance),
        priceRng: rng.stream(`market-sim/price/${cfg.symbol}`),
        bookRng: rng.stream(`market-sim/book/${cfg.symbol}`),
        logPrice: Math.log(cfg.startPrice),
        bidTicks: 0,
        askTicks: 0,
        book: { symbol: cfg.symbol, t: start, seq: 0, bids: [], asks: [] },
      };
      this.bySymbol.set(cfg.symbol, state);
      this.rebuild(state, start);
      return state;
    });
    this.nextAt = start + this.config.refreshMs;
  }

  instruments(): readonly Instrument[] {
    return this.states.map((s) => s.instrument);
  }

  /** The instrument of `symbol`, or `undefined` if the simulator does not quote it. */
  instrument(symbol: string): Instrument | undefined {
    return this.bySymbol.get(symbol)?.instrument;
  }

  book(symbol: string): OrderBook | undefined {
    return this.bySymbol.get(symbol)?.book;
  }

  /** Latest book of every symbol, in config order. */
  books(): OrderBook[] {
    return this.states.map((s) => s.book);
  }

  /** Mid of the best bid and ask as the book shows them, or `undefined` for an unknown symbol. */
  mid(symbol: string): number | undefined {
    const s = this.bySymbol.get(symbol);
    if (s === undefined) return undefined;
    const mid = ((s.bidTicks + s.askTicks) / 2) * s.instrument.tickSize;
    return Number(mid.toFixed(decimalsOf(s.instrument.tickSize) + 1));
  }

  /** The latent fair price the book is built around (not rounded to ticks). */
  fair(symbol: string): number | undefined {
    const s = this.bySymbol.get(symbol);
    return s === undefined ? undefined : Math.exp(s.logPrice);
  }

  /** The current volatility regime. */
  regime(): MarketRegime {
    return this.config.regimes[this.regimeIndex] as MarketRegime;
  }

  /**
   * Forces a regime from now on (a chaos "volatility spike"); it then lasts and switches as usual.
   * Draws nothing, so a run that never calls it is unchanged.
   */
  setRegime(name: string): void {
    const index = this.config.regimes.findIndex((r) => r.name === name);
    if (index < 0) throw new RangeError(`unknown regime ${name}`);
    this.regimeIndex = index;
  }

  /** Clock time of the next refresh. */
  nextRefreshAt(): number {
    return this.nextAt;
  }

  subscribe(listener: BookListener): () => void {
    return this.listeners.add(listener);
  }

  /**
   * Runs every refresh due at or before `t`, one at a time, notifying subscribers after each; returns
   * the latest book of every symbol that changed (empty when no refresh was due). Refreshes fall on a
   * fixed grid, so the path does not depend on how often the caller steps.
   */
  step(t: number): OrderBook[] {
    let stepped = false;
    while (this.nextAt <= t) {
      this.advance(this.nextAt);
      this.nextAt += this.config.refreshMs;
      stepped = true;
    }
    return stepped ? this.books() : [];
  }

  /** Steps on `clock` at every refresh until the returned function is called. */
  start(clock: Clock): () => void {
    let handle: TimerHandle | undefined;
    let stopped = false;
    const arm = (): void => {
      handle = clock.setTimeout(
        () => {
          if (stopped) return;
          this.step(clock.now());
          arm();
        },
        Math.max(0, this.nextAt - clock.now()),
      );
    };
    arm();
    return () => {
      stopped = true;
      clock.clearTimeout(handle);
    };
  }

  private advance(t: number): void {
    this.switchRegime();
    const m = this.regime().volMultiplier;
    const factors = this.config.factors.map((f, k) => f.vol * (this.factorRngs[k] as Rng).normal());
    for (const s of this.states) {
      let shock = s.cfg.idioVol * s.priceRng.normal();
      s.loadings.forEach((loading, k) => (shock += loading * (factors[k] as number)));
      const sd = m * this.stepScale * s.vol;
      // The −σ²/2 term keeps the price itself (not its log) a martingale.
      s.logPrice += m * this.stepScale * shock - (sd * sd) / 2;
      this.rebuild(s, t);
    }
    for (const s of this.states) this.listeners.emit(s.book);
  }

  private switchRegime(): void {
    const regimes = this.config.regimes;
    const current = regimes[this.regimeIndex] as MarketRegime;
    const leave = 1 - Math.exp(-this.config.refreshMs / current.meanDurationMs);
    if (regimes.length < 2 || !this.regimeRng.chance(leave)) return;
    const others = regimes.map((_, i) => i).filter((i) => i !== this.regimeIndex);
    this.regimeIndex = this.regimeRng.pick(others);
  }

  private rebuild(s: SymbolState, t: number): void {
    const { cfg, instrument, bookRng } = s;
    const m = this.regime().volMultiplier;
    const tick = instrument.tickSize;
    const fair = Math.exp(s.logPrice);
    const dispersion = this.config.spreadDispersion;
    const spreadBps = cfg.spreadBps * m ** this.config.spreadVolExponent * lognormal(bookRng, dispersion);
    const spreadTicks = Math.max(1, Math.round((fair * spreadBps) / 10_000 / tick));
    s.bidTicks = Math.max(1, Math.round(fair / tick - spreadTicks / 2));
    s.askTicks = s.bidTicks + spreadTicks;
    const gapTicks = (fair * cfg.levelGapBps) / 10_000 / tick;
    const depthScale = m ** -this.config.depthVolExponent;
    const side = (startTicks: number, direction: 1 | -1): BookLevel[] => {
      const levels: BookLevel[] = [];
      let ticks = startTicks;
      for (let i = 0; i < this.config.levels; i++) {
        if (i > 0) ticks += direction * Math.max(1, Math.round(gapTicks * (0.5 + bookRng.next())));
        const typical = cfg.levelQty * (1 + this.config.qtyGrowth * i) * depthScale;
        const lots = Math.max(
          1,
          Math.round((typical * lognormal(bookRng, this.config.qtyDispersion)) / instrument.lotSize),
        );
        if (ticks < 1) continue;
        levels.push({ price: fromTicks(instrument, ticks), qty: fromLots(instrument, lots) });
      }
      return levels;
    };
    s.book = {
      symbol: cfg.symbol,
      t,
      seq: s.book.seq + 1,
      bids: side(s.bidTicks, -1),
      asks: side(s.askTicks, 1),
    };
  }
}

/** A mean-one lognormal factor with log standard deviation `sd`. */
function lognormal(rng: Rng, sd: number): number {
  return Math.exp(sd * rng.normal() - (sd * sd) / 2);
}
