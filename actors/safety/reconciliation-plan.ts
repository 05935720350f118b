/** Settings of {@link ReconciliationPlan}: the component's config. */
export interface ReconciliationPlanOptions {
  /** Fills and balances every this-many passes (and on the first); orders on every pass. */
  readonly deepEvery: number;
  /** Every this-many deep passes (and the first) compares every fill both sides know. */
  readonly fullEvery: number;
  /** The span a deep pass that is not full compares fills over. */
  readonly fillLookbackMs: number;
}

/** What the next pass looks at. */
export interface PassScope {
  readonly deep: boolean;
  /** Fills from this clock time on (a lookback pass); undefined: every fill (a full pass). */
  readonly fillsFrom: number | undefined;
}

/**
 * Which reconciliation pass comes next: orders every pass; fills and balances every `deepEvery`
 * passes; and of those, every `fullEvery`-th a full comparison of every fill in the window, the
 * others only the last `fillLookbackMs`. Why: a full comparison reads every stored fill the venue's
 * trade history still covers (thousands, days of them), a lookback only what is new; the full pass
 * still catches, within `fullEvery` deep passes, a difference that arrived late with an old time.
 */
export class ReconciliationPlan {
  private passes = 0;
  private deepPasses = 0;

  constructor(private readonly o: ReconciliationPlanOptions) {}

  /**
   * The scope of the pass starting at `now`. `standing` is whether the latest deep pass left a
   * difference for a human: a lookback would not look at it again, so only full passes follow
   * until one finds none.
   */
  next(now: number, standing: boolean): PassScope {
    const deep = this.passes++ % this.o.deepEvery === 0;
    if (!deep) return { deep, fillsFrom: undefined };
    const full = this.deepPasses++ % this.o.fullEvery === 0 || standing;
    return { deep, fillsFrom: full ? undefined : now - this.o.fillLookbackMs };
  }
}
