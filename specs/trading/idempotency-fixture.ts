import { Rng } from '../../actors/kernel/rng';
import type { FillRecord, OrderRecord } from '../../actors/trading/execution-store';
import type { VenueOrderStatus } from '../../actors/trading/types';
import type { VenueFaultInput } from '../../actors/venues/sim-venue-faults';
import type { VenueLedger } from '../../actors/venues/sim-venue-orders';
import type { OrderContext } from '../../machines/order.machine';

/*
 * What the idempotency specs share, on the simulated venue (`idempotency.spec.ts`) and through the
 * Binance emulator (`idempotency-http.spec.ts`): the seeded fault plan, and the audit comparing the
 * execution store with the venue's ledger.
 */

/**
 * The faults the issue names: an answer lost after the venue acted, a 5xx after and before it
 * acted, and a request lost on its way in.
 */
export const FAULT_KINDS = {
  timeoutAfterAccept: { kind: 'timeoutAfterAccept' },
  '5xxAfterAccept': { kind: 'unavailable', afterAccept: true },
  '5xx': { kind: 'unavailable', afterAccept: false },
  lostRequest: { kind: 'timeout' },
} as const satisfies Record<string, VenueFaultInput>;

/** A name of {@link FAULT_KINDS}. */
export type FaultName = keyof typeof FAULT_KINDS;

/** Every {@link FaultName}. */
export const FAULT_NAMES = Object.keys(FAULT_KINDS) as FaultName[];

/** The operations faults are set on. */
export const FAULTED_OPS = ['submit', 'cancel'] as const;

/** One fault of a run's plan. */
export interface PlannedFault {
  readonly name: FaultName;
  readonly op: (typeof FAULTED_OPS)[number];
  readonly probability: number;
}

/** Per operation, each kind with chance 0.6 (at least one), each at a probability in [0.05, 0.3]. */
export function faultPlan(seed: number): PlannedFault[] {
  const rng = new Rng(seed).stream('spec/idempotency/faults');
  const plan: PlannedFault[] = [];
  for (const op of FAULTED_OPS) {
    const names = FAULT_NAMES.filter(() => rng.chance(0.6));
    if (names.length === 0) names.push(rng.pick(FAULT_NAMES));
    for (const name of names) plan.push({ name, op, probability: 0.05 + 0.25 * rng.next() });
  }
  return plan;
}

/**
 * Sets `seed`'s fault plan on a venue's fault hooks (every fault `unlimited` until cleared);
 * returns the name (`<fault>/<op>`) of each fault id, for counting what `fired()` reports.
 */
export function setFaultPlan(
  faults: { set(fault: VenueFaultInput): string },
  seed: number,
): Map<string, string> {
  const names = new Map<string, string>();
  for (const { name, op, probability } of faultPlan(seed)) {
    const id = faults.set({ ...FAULT_KINDS[name], ops: [op], probability, count: 'unlimited' });
    names.set(id, `${name}/${op}`);
  }
  return names;
}

/** Hits by fault name, from the venue's `fired()` log and the names {@link setFaultPlan} gave. */
export function countFaults(
  fired: readonly { readonly id: string; readonly kind: string }[],
  names: ReadonlyMap<string, string>,
  into: Map<string, number> = new Map(),
): Map<string, number> {
  for (const hit of fired) {
    const name = names.get(hit.id) ?? hit.kind;
    into.set(name, (into.get(name) ?? 0) + 1);
  }
  return into;
}

/** The execution store and the venue's ledger of one run, compared order by order and fill by fill. */
export interface IdempotencyAudit {
  /** Broken guarantees, one line each naming the clientOrderId; empty when every one holds. */
  readonly violations: readonly string[];
  /**
   * Orders still `unknown.*` whose submit never reached the venue (a lost request, or a 5xx before
   * acceptance): the venue says "not found", which proves absence only once the order policy's
   * `absentAfterMs` has passed since sending; after that none may be left.
   */
  readonly lostSubmits: readonly string[];
  /** Intents in the store (one order each). */
  readonly intents: number;
  /** Orders the venue holds. */
  readonly venueOrders: number;
  /** Fills the venue holds. */
  readonly fills: number;
  /**
   * Orders whose outcome became unknown; of those, resolved (by the event that resolved each:
   * `order.check.found`, a fill, a cancel's answer…) and left exhausted.
   */
  readonly unknown: {
    readonly entered: number;
    readonly resolved: number;
    readonly resolvedBy: Readonly<Record<string, number>>;
    readonly exhausted: number;
  };
}

/** What the venue must show for an order in each resolved state; `absent` = no order at all. */
const AT_VENUE: Readonly<Record<string, VenueOrderStatus | 'absent'>> = {
  open: 'open',
  partially_filled: 'partially_filled',
  filled: 'filled',
  cancelled: 'cancelled',
  rejected: 'absent',
  resolved: 'absent',
};

/** An order's machine context, from its stored snapshot. */
export function orderContext(record: OrderRecord): OrderContext {
  return (record.snapshot as { context: OrderContext }).context;
}

/**
 * Compares the store with the venue: every clientOrderId reached the venue at most once (no second
 * order, no `DUPLICATE_CLIENT_ORDER_ID`), every venue order belongs to a stored intent, every
 * stored order has an outcome the venue agrees with (live ones open there with the same filled
 * quantity), and the stored fills are exactly the venue's.
 */
export function auditIdempotency(input: {
  readonly orders: readonly OrderRecord[];
  readonly fills: readonly FillRecord[];
  readonly ledger: VenueLedger;
}): IdempotencyAudit {
  const { orders, fills, ledger } = input;
  const violations: string[] = [];
  const lostSubmits: string[] = [];
  const reached = new Map<string, number>();
  for (const o of ledger.orders) reached.set(o.clientOrderId, (reached.get(o.clientOrderId) ?? 0) + 1);
  for (const r of ledger.rejections) {
    const cid = r.clientOrderId ?? '(none)';
    reached.set(cid, (reached.get(cid) ?? 0) + 1);
    if (r.reason === 'DUPLICATE_CLIENT_ORDER_ID') violations.push(`${cid} was sent again: ${r.detail}`);
  }
  for (const [cid, n] of reached) if (n > 1) violations.push(`${cid} reached the venue ${n} times`);

  const stored = new Map(orders.map((o) => [o.clientOrderId, o]));
  const atVenue = new Map(ledger.orders.map((o) => [o.clientOrderId, o]));
  for (const cid of atVenue.keys())
    if (!stored.has(cid)) violations.push(`${cid} is at the venue but no stored intent has it`);

  const unknown = { entered: 0, resolved: 0, resolvedBy: {} as Record<string, number>, exhausted: 0 };
  for (const order of orders) {
    const cid = order.clientOrderId;
    const context = orderContext(order);
    const venue = atVenue.get(cid);
    if (context.unknownSince !== null) {
      unknown.entered++;
      if (!order.state.startsWith('unknown')) {
        unknown.resolved++;
        const by = context.resolution?.by ?? '(none)';
        unknown.resolvedBy[by] = (unknown.resolvedBy[by] ?? 0) + 1;
      }
      if (order.state === 'unknown.exhausted') unknown.exhausted++;
    }
    const expected = AT_VENUE[order.state];
    if (expected === undefined) {
      if (venue === undefined && order.state.startsWith('unknown')) lostSubmits.push(cid);
      else violations.push(`${cid} is still ${order.state}; the venue has it ${venue?.status ?? 'absent'}`);
      continue;
    }
    const seen = venue?.status ?? 'absent';
    if (seen !== expected) violations.push(`${cid} is ${order.state} here but ${seen} at the venue`);
    else if (venue !== undefined && venue.filledQty.toFixed(8) !== context.filledQty.toFixed(8))
      violations.push(`${cid} has ${context.filledQty} filled here, ${venue.filledQty} at the venue`);
  }

  const storedFills = new Map(fills.map((f) => [f.fillId, f]));
  const venueFills = new Map(ledger.fills.map((f) => [f.fillId, f]));
  for (const [id, f] of venueFills) {
    const mine = storedFills.get(id);
    if (mine === undefined)
      violations.push(`fill ${id} of ${f.clientOrderId} is at the venue but not stored`);
    else if (mine.clientOrderId !== f.clientOrderId || mine.qty !== f.qty || mine.price !== f.price)
      violations.push(`fill ${id} differs: stored ${describeFill(mine)}, venue ${describeFill(f)}`);
  }
  for (const [id, f] of storedFills)
    if (!venueFills.has(id))
      violations.push(`fill ${id} of ${f.clientOrderId} is stored but not at the venue`);

  return {
    violations,
    lostSubmits,
    intents: orders.length,
    venueOrders: ledger.orders.length,
    fills: ledger.fills.length,
    unknown,
  };
}

/** Clean, and every unknown outcome either resolved or given up on (`unknown.exhausted`). */
export function settled(audit: IdempotencyAudit): boolean {
  const { entered, resolved } = audit.unknown;
  return audit.violations.length === 0 && entered === resolved;
}

function describeFill(f: { clientOrderId: string; qty: number; price: number }): string {
  return `${f.clientOrderId} ${f.qty}@${f.price}`;
}
