import type { ExecutionStore, FillRecord, OrderRecord } from '../trading/execution-store';
import { isOwnClientOrderId } from '../trading/client-order-id';
import type { Balances, Fill, Instrument, VenueOrder } from '../trading/types';
import type { Venue } from '../venues/venue';
import { OrderNotFoundError } from '../venues/sim-venue-errors';
import { OrphanTracker } from './orphan-tracker';
import { diffFills } from './reconciliation-fills';
import { PhantomFills, venueOrderOrNone } from './reconciliation-phantoms';
import { explainBalanceChange } from './reconciliation-positions';
import { judgeOrder } from './reconciliation-rules';
import type { Judgement } from './reconciliation-rules';

/** Tuning of a reconciler. */
export interface ReconcilerOptions {
  readonly instance: string;
  readonly engine: string;
  readonly venue: Venue;
  readonly store: ExecutionStore;
  readonly instruments: ReadonlyMap<string, Instrument>;
  /** Orders changed less than this long ago are not judged (they may be on the wire). */
  readonly minAgeMs: number;
  /** A venue's "no such order" proves absence only this long after our last record. */
  readonly absentAfterMs: number;
  /** Fills recorded before this clock time are not compared (the venue may not know them). */
  readonly since: number;
  /** An orphan must be seen in two passes at least this far apart before it is cancelled. */
  readonly orphanGapMs: number;
  /**
   * This reconciler owns the account: it judges venue orders no engine recorded (orphans) and
   * checks balance changes. One per account, or orphans would be handled twice.
   */
  readonly ownsAccount: boolean;
  /** Hands venue order states and missing fills of live orders to the engine's execution (its mailbox). */
  readonly tellEngine: (event: { type: string; [key: string]: unknown }) => void;
  /** Records a missing fill of an order execution has closed (store and portfolio; a duplicate is ignored). */
  readonly recordFill: (fill: Fill, order: OrderRecord) => Promise<void>;
}

/** A difference found by a pass. */
export interface Finding {
  readonly kind:
    | 'order'
    | 'orphan-cancelled'
    | 'fill-healed'
    | 'fill-unowned'
    | 'fill-unknown-at-venue'
    | 'fill-mismatch'
    | 'balance';
  /** True when the pass fixed it itself (the diff is recorded); false when a human must. */
  readonly healed: boolean;
  /** What to de-duplicate reports by. */
  readonly key: string;
  readonly detail: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/** The result of one pass. */
export interface PassResult {
  readonly findings: readonly Finding[];
  /** Findings a human must settle. */
  readonly mismatches: number;
  readonly healed: number;
}

function notFound(error: unknown): boolean {
  return error instanceof OrderNotFoundError;
}

/**
 * One engine's reconciliation against its venue, in the order the design asks for — orders, then
 * fills, then balances — each judged by the rule table (`reconciliation-rules.ts`). Heals what the
 * table allows (venue states handed to execution, missing fills recorded, orphans seen twice
 * cancelled) and reports the rest as findings for a human. Venue failures reject the pass: a pass
 * that could not see everything concludes nothing.
 */
export class Reconciler {
  private readonly orphans: OrphanTracker;
  private readonly phantoms: PhantomFills;
  private baseline: { balances: Balances; fills: Set<string> } | null = null;

  constructor(private readonly o: ReconcilerOptions) {
    this.orphans = new OrphanTracker({ minGapMs: o.orphanGapMs });
    this.phantoms = new PhantomFills(o.venue, o.absentAfterMs);
  }

  /**
   * Runs one pass at clock time `now`: orders always; fills and balances when `deep` (they read
   * the venue's trade history and the store's fills, the costly part). `fillsFrom` narrows the
   * fills compared to those at or after that time (a lookback pass); without it the pass compares
   * every fill both sides can know.
   */
  async pass(now: number, deep = true, fillsFrom = Number.NEGATIVE_INFINITY): Promise<PassResult> {
    const findings: Finding[] = [];
    const symbols = [...this.o.instruments.keys()];
    await this.orders(now, symbols, findings);
    if (deep) await this.fillsAndBalances(now, symbols, fillsFrom, findings);
    const mismatches = findings.filter((f) => !f.healed).length;
    return { findings, mismatches, healed: findings.length - mismatches };
  }

  private async orders(now: number, symbols: readonly string[], findings: Finding[]): Promise<void> {
    const { venue, store, engine, instance } = this.o;
    const local = await store.orders({ engine, live: true, limit: 100_000 });
    // Read before the orders, so the venue's stamps can only look younger than they are.
    const venueNow = await venue.time();
    const open = new Map<string, VenueOrder>();
    for (const symbol of symbols)
      for (const order of await venue.openOrders(symbol)) open.set(order.clientOrderId, order);
    const ctx = {
      now,
      venueNow,
      minAgeMs: this.o.minAgeMs,
      absentAfterMs: this.o.absentAfterMs,
      ours: (cid: string) => isOwnClientOrderId(instance, cid),
    };
    const judged = new Set<string>();
    for (const record of local) {
      judged.add(record.clientOrderId);
      const seen = open.get(record.clientOrderId) ?? (await this.query(record));
      this.apply(judgeOrder(record, seen, ctx), seen, findings);
    }
    const candidates: string[] = [];
    for (const order of open.values()) {
      if (judged.has(order.clientOrderId)) continue;
      const record = await store.order(order.clientOrderId);
      // Another engine's order on a shared account is that engine's to judge.
      if (record && record.engine !== engine) continue;
      if (!record && !this.o.ownsAccount) continue;
      const judgement = judgeOrder(record, order, ctx);
      if (judgement.outcome.kind === 'heal' && judgement.outcome.action === 'cancel-orphan') {
        candidates.push(order.clientOrderId);
        continue;
      }
      this.apply(judgement, order, findings);
    }
    for (const cid of this.orphans.observe(now, candidates)) {
      const order = open.get(cid) as VenueOrder;
      await venue.cancel({ clientOrderId: cid, symbol: order.symbol }).catch((error: unknown) => {
        if (!notFound(error)) throw error;
      });
      findings.push({
        kind: 'orphan-cancelled',
        healed: true,
        key: `orphan|${cid}`,
        detail: `orphan venue order ${cid} (${order.side} ${order.qty} ${order.symbol}) seen in two passes: cancelled`,
        data: { order },
      });
    }
  }

  private async query(record: OrderRecord): Promise<VenueOrder | undefined> {
    // A record never sent has nothing to ask about; the venue would only say "not found".
    if (record.state === 'pending') return undefined;
    return venueOrderOrNone(this.o.venue, record.clientOrderId, record.symbol);
  }

  private apply(judgement: Judgement, venueOrder: VenueOrder | undefined, findings: Finding[]): void {
    const { outcome, clientOrderId } = judgement;
    if (outcome.kind === 'match' || outcome.kind === 'wait') return;
    if (outcome.kind === 'human') {
      findings.push({
        kind: 'order',
        healed: false,
        key: `order|${clientOrderId}|${judgement.key ?? judgement.by}`,
        detail: `order ${clientOrderId} (${judgement.key ?? judgement.by}): ${outcome.why}`,
        data: { diff: outcome.diff },
      });
      return;
    }
    // The order machine resolves absence itself (its checks and `absentAfterMs`); the rest is the
    // venue's word handed to execution, which applies it through the order machine.
    if (outcome.action === 'resolve-never-placed' || !venueOrder) return;
    this.o.tellEngine({ type: 'exec.venueOrder', order: venueOrder });
    findings.push({
      kind: 'order',
      healed: true,
      key: `heal|${clientOrderId}|${venueOrder.status}|${venueOrder.filledQty}`,
      detail: `order ${clientOrderId}: ${outcome.action} (${outcome.why})`,
      data: { diff: outcome.diff },
    });
  }

  /**
   * Fills, then balances, from one pair of reads of the venue's trades: one before our side is
   * read (the store's fills, then the balances) and one after. A fill recorded here between the
   * reads is in the second answer, so it cannot pass for one the venue does not know (a newer one
   * shows as missing: healed); and a trade in the second answer but not the first fell during the
   * balance read, so the balance check waits for the next pass.
   */
  private async fillsAndBalances(
    now: number,
    symbols: readonly string[],
    fillsFrom: number,
    findings: Finding[],
  ): Promise<void> {
    const { venue, store } = this.o;
    const before = new Map<string, Fill[]>();
    for (const symbol of symbols) before.set(symbol, await venue.myTrades(symbol));
    const local = new Map<string, { from: number; fills: FillRecord[] }>();
    for (const symbol of symbols) {
      const atVenue = before.get(symbol) as Fill[];
      // Judge only the span both sides can know: a venue keeps a bounded trade history, and a
      // shadow fill model built in this process knows nothing from before it.
      const from = Math.max(
        this.o.since,
        fillsFrom,
        atVenue.length === 0
          ? Number.NEGATIVE_INFINITY
          : atVenue.reduce((m, f) => Math.min(m, f.t), Infinity),
      );
      local.set(symbol, {
        from,
        // Every engine's: engines share an account (the live venue, the shadow fill model), and a
        // trade another engine recorded must not look missing here (only this engine's are judged).
        fills: await store.fills({
          symbol,
          since: from,
          limit: Number.MAX_SAFE_INTEGER,
        }),
      });
    }
    const balances = this.o.ownsAccount ? await venue.balances() : null;
    const after = new Map<string, Fill[]>();
    for (const symbol of symbols) after.set(symbol, await venue.myTrades(symbol));
    // Read after our fills were: the horizon only moves forward, so this one covers everything the
    // store could have dropped while we read. Records at or before it may be gone (the caps are
    // shared by every engine; a busy one pushes out a quiet one's), so that span is not judged.
    const forgotten = await store.forgottenBefore();
    for (const symbol of symbols) {
      const read = local.get(symbol) as { from: number; fills: FillRecord[] };
      const from = Math.max(read.from, forgotten + 1);
      const fills = read.fills;
      const venueFills = after.get(symbol) as Fill[];
      // Why: a bounded history moves on while we read (trades between the two reads push the oldest
      // out), so judge only what the second read still covers; and at its new edge instant, where
      // fills of one millisecond may be partly paged out, none of ours (the venue's are still healed).
      const oldest = venueFills.reduce((m, f) => Math.min(m, f.t), Infinity);
      const moved = Number.isFinite(oldest) && oldest > from;
      const start = moved ? oldest : from;
      await this.fills(
        now,
        fills.filter((f) => (moved ? f.t > start : f.t >= start)),
        venueFills.filter((f) => f.t >= start),
        findings,
      );
    }
    if (balances) this.balances(balances, [...before.values()].flat(), [...after.values()].flat(), findings);
  }

  private async fills(
    now: number,
    local: readonly FillRecord[],
    atVenue: readonly Fill[],
    findings: Finding[],
  ): Promise<void> {
    const { store, engine } = this.o;
    const diff = diffFills(local, atVenue);
    const missing: Fill[] = [];
    for (const fill of diff.missingLocally) {
      const record = await store.order(fill.clientOrderId);
      if (record && record.engine !== engine) continue;
      if (!record) {
        if (!this.o.ownsAccount) continue;
        findings.push({
          kind: 'fill-unowned',
          healed: false,
          key: `fill|${fill.fillId}`,
          detail: `venue fill ${fill.fillId} (${fill.side} ${fill.qty} ${fill.symbol}) belongs to no order of ours`,
          data: { fill },
        });
        continue;
      }
      if (record.terminal) {
        await this.o.recordFill(fill, record);
        findings.push({
          kind: 'fill-healed',
          healed: true,
          key: `fill|${fill.fillId}`,
          detail: `venue fill ${fill.fillId} of closed order ${fill.clientOrderId} was missing here: recorded`,
          data: { fill },
        });
        continue;
      }
      missing.push(fill);
    }
    if (missing.length > 0) {
      this.o.tellEngine({ type: 'exec.fills', fills: missing });
      for (const fill of missing)
        findings.push({
          kind: 'fill-healed',
          healed: true,
          key: `fill|${fill.fillId}`,
          detail: `venue fill ${fill.fillId} of ${fill.clientOrderId} was missing here: handed to execution`,
          data: { fill },
        });
    }
    const unknown = diff.unknownAtVenue.filter((f) => f.engine === engine);
    for (const fill of await this.phantoms.confirm(now, unknown, local))
      findings.push({
        kind: 'fill-unknown-at-venue',
        healed: false,
        key: `fill|${fill.fillId}`,
        detail: `fill ${fill.fillId} of ${fill.clientOrderId} is recorded here but the venue does not know it`,
        data: { fill },
      });
    for (const m of diff.mismatched.filter((x) => x.local.engine === engine))
      findings.push({
        kind: 'fill-mismatch',
        healed: false,
        key: `fill|${m.local.fillId}`,
        detail: `fill ${m.local.fillId} differs from the venue's in ${m.fields.join(', ')}`,
        data: { local: m.local, venue: m.venue },
      });
  }

  /**
   * "No unexplained balance events": every change of the account's balances since the previous
   * full pass must be explained by the fills (and their fees) the venue reports in between. If a
   * trade came between the two reads of trades around `balances`, the pass cannot tell which side
   * of the snapshot it fell on, and the check waits for the next pass.
   */
  private balances(
    balances: Balances,
    before: readonly Fill[],
    after: readonly Fill[],
    findings: Finding[],
  ): void {
    const seen = new Set(before.map((f) => f.fillId));
    if (after.some((f) => !seen.has(f.fillId))) return;
    const ids = new Set(after.map((f) => f.fillId));
    if (this.baseline) {
      const known = this.baseline.fills;
      const report = explainBalanceChange(
        this.baseline.balances,
        balances,
        { fills: after.filter((f) => !known.has(f.fillId)), instruments: this.o.instruments, transfers: [] },
        () => 1e-8,
      );
      for (const delta of report.unexplained)
        findings.push({
          kind: 'balance',
          healed: false,
          key: `balance|${delta.asset}|${String(delta.unexplained)}`,
          detail: `${delta.asset} changed by ${String(delta.observed)} but fills and fees explain ${String(delta.explained)}: ${String(delta.unexplained)} unexplained`,
          data: { ...delta },
        });
    }
    this.baseline = { balances, fills: ids };
  }
}
