import type { OrderRecord } from '../trading/execution-store';
import { toScaled } from '../trading/portfolio-amounts';
import type { VenueOrder, VenueOrderStatus } from '../trading/types';

/**
 * The decision core of order reconciliation (DESIGN.md, "Trading"): what to do when our record of
 * an order and the venue's disagree. Pure: the reconciliation actor fetches both sides, asks
 * {@link judgeOrder}, and carries out the outcome — `match`, `heal` (with the diff recorded),
 * `human` (the engine stays REDUCING, an alert carries the diff) or `wait` (judge again later).
 *
 * The rules are data ({@link RECONCILIATION_RULES}, {@link RECONCILIATION_GUARDS}) so a spec can walk
 * every cell and the docs can print the table from the same object the code runs.
 */

/**
 * Our side of an order, as reconciliation groups the order machine's states: `pending` (recorded,
 * never sent: the outbox proves it), `in-flight` (`submitted`, `unknown.*`: sent, answer unknown),
 * `working` (`open`, `partially_filled`), `filled`, `cancelled`, `rejected` (including `resolved`:
 * proven never placed); `absent` when we hold no record.
 */
export type LocalOrderState =
  'absent' | 'pending' | 'in-flight' | 'working' | 'filled' | 'cancelled' | 'rejected';

/** The venue's side of an order: its status, or `absent` when it says there is no such order. */
export type VenueReportState = 'absent' | VenueOrderStatus;

/** Every {@link LocalOrderState}, in lifecycle order (the table's rows). */
export const LOCAL_ORDER_STATES: readonly LocalOrderState[] = [
  'absent',
  'pending',
  'in-flight',
  'working',
  'filled',
  'cancelled',
  'rejected',
];

/** Every {@link VenueReportState}, in lifecycle order (the table's columns). */
export const VENUE_REPORT_STATES: readonly VenueReportState[] = [
  'absent',
  'open',
  'partially_filled',
  'filled',
  'cancelled',
  'rejected',
];

/** A cell of the table: `${local}/${venue}`. */
export type RuleKey = `${LocalOrderState}/${VenueReportState}`;

/**
 * What reconciliation may fix on its own:
 * - `adopt-venue-status`: feed the venue's status into the order machine (`order.check.found`) and
 *   fetch the fills it reports;
 * - `cancel-orphan`: cancel a working venue order of ours that no live local order owns — only once
 *   `OrphanTracker` (`orphan-tracker.ts`) has confirmed it (seen in two passes);
 * - `resolve-never-placed`: the venue never had it (`order.reconciled.absent`; a pending order's
 *   outbox entry is dropped so it is never sent late);
 * - `update-fill-progress`: the venue executed more than we counted; fetch and apply the fills.
 */
export type HealAction =
  'adopt-venue-status' | 'cancel-orphan' | 'resolve-never-placed' | 'update-fill-progress';

/** The outcome a rule names, before {@link judgeOrder} adds the reason, diff and retry time. */
export type RuleVerdict =
  | { readonly kind: 'match' }
  | { readonly kind: 'heal'; readonly action: HealAction }
  | { readonly kind: 'human' }
  | { readonly kind: 'wait' };

/**
 * A condition that changes a rule's verdict:
 * - `absence-unproven`: the venue says absent, but our record is younger than `absentAfterMs`;
 * - `venue-fills-ahead`: the venue reports more filled than we counted;
 * - `venue-has-fills`: the venue reports any fill;
 * - `cancel-foreign-configured`: the instance is configured to cancel orders that are not ours.
 */
export type RuleCondition =
  'absence-unproven' | 'venue-fills-ahead' | 'venue-has-fills' | 'cancel-foreign-configured';

/** One cell of the table, or one guard: a verdict, why, and an exception to it. */
export interface ReconciliationRule {
  readonly verdict: RuleVerdict;
  readonly why: string;
  /** When `condition` holds, `verdict` here applies instead. */
  readonly unless?: {
    readonly condition: RuleCondition;
    readonly verdict: RuleVerdict;
    readonly why: string;
  };
}

const MATCH: RuleVerdict = { kind: 'match' };
const HUMAN: RuleVerdict = { kind: 'human' };
const WAIT: RuleVerdict = { kind: 'wait' };
const heal = (action: HealAction): RuleVerdict => ({ kind: 'heal', action });

const NOT_YET_ABSENT = {
  condition: 'absence-unproven',
  verdict: WAIT,
  why: 'One "not found" is not proof: venues list new orders tens of seconds late. Judged again once absentAfterMs have passed since our last record of it.',
} as const;

const SENT_BEHIND_OUR_BACK =
  'The outbox proves it was never sent, yet the venue has it: the send protocol was broken, and a dispatch now could duplicate it.';

const FILL_BACKWARDS =
  'We counted it complete; the venue disagrees. A fill is never healed backwards: a human checks for duplicate or phantom fills.';

/**
 * The table: local state × venue state → verdict, every one of the 7 × 6 cells explicit. It applies
 * only after the {@link RECONCILIATION_GUARDS} have passed (old enough, ours, same terms, our fills
 * not ahead of the venue's).
 */
export const RECONCILIATION_RULES: Readonly<Record<RuleKey, ReconciliationRule>> = {
  'absent/absent': {
    verdict: MATCH,
    why: 'Neither side knows the order: nothing to reconcile (never asked of judgeOrder; here so the table is total).',
  },
  'absent/open': {
    verdict: heal('cancel-orphan'),
    why: 'Ours, working at the venue, with no local record: no strategy manages its risk. Cancelled once seen in two passes.',
  },
  'absent/partially_filled': {
    verdict: HUMAN,
    why: 'Ours and executing with no local record: its fills belong to no strategy and cannot be booked automatically. A human cancels the rest and books the fills.',
  },
  'absent/filled': {
    verdict: HUMAN,
    why: 'Ours and executed with no local record (the record was lost): a position no strategy owns.',
  },
  'absent/cancelled': {
    verdict: MATCH,
    why: 'Ours, ended, nothing executed: it changed no position.',
    unless: {
      condition: 'venue-has-fills',
      verdict: HUMAN,
      why: 'It executed before it ended: fills no strategy owns.',
    },
  },
  'absent/rejected': {
    verdict: MATCH,
    why: 'Ours, refused by the venue: nothing executed.',
    unless: {
      condition: 'venue-has-fills',
      verdict: HUMAN,
      why: 'A refused order with fills: bad venue data.',
    },
  },

  'pending/absent': {
    verdict: heal('resolve-never-placed'),
    why: 'Never sent (the outbox proves it) and still unsent after absentAfterMs: a stale intent. Resolving it drops the outbox entry, so it is never sent late.',
    unless: {
      condition: 'absence-unproven',
      verdict: WAIT,
      why: 'Not sent yet: the dispatcher sends it shortly.',
    },
  },
  'pending/open': { verdict: HUMAN, why: SENT_BEHIND_OUR_BACK },
  'pending/partially_filled': { verdict: HUMAN, why: SENT_BEHIND_OUR_BACK },
  'pending/filled': { verdict: HUMAN, why: SENT_BEHIND_OUR_BACK },
  'pending/cancelled': { verdict: HUMAN, why: SENT_BEHIND_OUR_BACK },
  'pending/rejected': { verdict: HUMAN, why: SENT_BEHIND_OUR_BACK },

  'in-flight/absent': {
    verdict: heal('resolve-never-placed'),
    why: 'Sent without an answer, and still absent absentAfterMs later — past any venue receive window: it never reached the venue.',
    unless: NOT_YET_ABSENT,
  },
  'in-flight/open': {
    verdict: heal('adopt-venue-status'),
    why: 'The venue proves it was placed: the unknown outcome resolves to open.',
  },
  'in-flight/partially_filled': {
    verdict: heal('adopt-venue-status'),
    why: 'The venue proves it was placed: the unknown outcome resolves to partially filled, and its fills are fetched.',
  },
  'in-flight/filled': {
    verdict: heal('adopt-venue-status'),
    why: 'The venue proves it was placed and executed: the unknown outcome resolves to filled, and its fills are fetched.',
  },
  'in-flight/cancelled': {
    verdict: heal('adopt-venue-status'),
    why: 'The venue proves it was placed and has ended: the unknown outcome resolves to cancelled (fills fetched if any).',
  },
  'in-flight/rejected': {
    verdict: heal('adopt-venue-status'),
    why: 'The venue refused it: the unknown outcome resolves to rejected; nothing executed.',
  },

  'working/absent': {
    verdict: HUMAN,
    why: 'The venue acknowledged it, so absence cannot mean "never placed": the venue lost or purged a live order. A human checks.',
    unless: NOT_YET_ABSENT,
  },
  'working/open': {
    verdict: MATCH,
    why: 'Working on both sides with the same fills.',
    unless: {
      condition: 'venue-fills-ahead',
      verdict: heal('update-fill-progress'),
      why: 'The venue executed more than we counted (ccxt reports partial fills as open): fetch the missing fills.',
    },
  },
  'working/partially_filled': {
    verdict: MATCH,
    why: 'Working on both sides with the same fills.',
    unless: {
      condition: 'venue-fills-ahead',
      verdict: heal('update-fill-progress'),
      why: 'The venue executed more than we counted: fetch the missing fills.',
    },
  },
  'working/filled': {
    verdict: heal('adopt-venue-status'),
    why: 'It filled and we missed the event: take the venue status and fetch its fills.',
  },
  'working/cancelled': {
    verdict: heal('adopt-venue-status'),
    why: 'Cancelled at the venue (by us, by expiry or by the venue) and we missed the event: take the status, fetching any fills first.',
  },
  'working/rejected': {
    verdict: HUMAN,
    why: 'A venue does not refuse an order it acknowledged: contradictory venue data.',
  },

  'filled/absent': {
    verdict: MATCH,
    why: 'Complete here and nothing working there (venues purge old orders): the fills diff, not the order list, proves the executions.',
  },
  'filled/open': { verdict: HUMAN, why: FILL_BACKWARDS },
  'filled/partially_filled': { verdict: HUMAN, why: FILL_BACKWARDS },
  'filled/filled': { verdict: MATCH, why: 'Complete on both sides with the same quantity.' },
  'filled/cancelled': { verdict: HUMAN, why: FILL_BACKWARDS },
  'filled/rejected': {
    verdict: HUMAN,
    why: 'We counted fills of an order the venue says it refused: one side is wrong about executed money.',
  },

  'cancelled/absent': {
    verdict: MATCH,
    why: 'Ended here and nothing working there (venues purge cancelled orders).',
  },
  'cancelled/open': {
    verdict: heal('cancel-orphan'),
    why: 'Still working after we recorded it cancelled: the cancel did not take. Cancelled again once seen in two passes.',
  },
  'cancelled/partially_filled': {
    verdict: heal('cancel-orphan'),
    why: 'Still working and executing after we recorded it cancelled: cancelled again once seen in two passes; its fills are booked through the fills diff (a cancelled order still counts fills that raced the cancel).',
  },
  'cancelled/filled': {
    verdict: heal('adopt-venue-status'),
    why: 'The fills won the race with the cancel; they are real: fetch them, and the order ends filled.',
  },
  'cancelled/cancelled': {
    verdict: MATCH,
    why: 'Ended on both sides with the same fills.',
    unless: {
      condition: 'venue-fills-ahead',
      verdict: heal('update-fill-progress'),
      why: 'A fill raced the cancel: fetch the missing fills.',
    },
  },
  'cancelled/rejected': {
    verdict: MATCH,
    why: 'Ended on both sides, nothing executed: the two outcomes differ in name only.',
    unless: {
      condition: 'venue-fills-ahead',
      verdict: HUMAN,
      why: 'A refused order with fills: bad venue data.',
    },
  },

  'rejected/absent': { verdict: MATCH, why: 'Never placed, on both sides.' },
  'rejected/open': {
    verdict: heal('cancel-orphan'),
    why: 'We concluded it never existed, yet it works at the venue (a late arrival): no strategy manages it. Cancelled once seen in two passes.',
  },
  'rejected/partially_filled': {
    verdict: HUMAN,
    why: 'We concluded it never existed, yet it executed: a rejected or resolved order refuses fills, so they cannot be booked. A human cancels the rest and books the fills.',
  },
  'rejected/filled': {
    verdict: HUMAN,
    why: 'We concluded it never existed, yet it executed in full: a position no strategy owns.',
  },
  'rejected/cancelled': {
    verdict: MATCH,
    why: 'Ended without executing on both sides: it changed no position.',
    unless: {
      condition: 'venue-fills-ahead',
      verdict: HUMAN,
      why: 'It executed before it ended, and we had concluded it never existed: fills no strategy owns.',
    },
  },
  'rejected/rejected': {
    verdict: MATCH,
    why: 'Refused on both sides.',
    unless: {
      condition: 'venue-fills-ahead',
      verdict: HUMAN,
      why: 'A refused order with fills: bad venue data.',
    },
  },
};

/** Checks made before the table, in this order; the first that applies decides. */
export type GuardName =
  | 'too-young'
  | 'unrecognized-state'
  | 'foreign-working'
  | 'foreign-executed'
  | 'foreign-inert'
  | 'terms-differ'
  | 'local-fills-ahead';

/** The guards as data, keyed by name, in the order {@link judgeOrder} applies them. */
export const RECONCILIATION_GUARDS: Readonly<Record<GuardName, ReconciliationRule>> = {
  'too-young': {
    verdict: WAIT,
    why: 'Either side changed less than minAgeMs ago: the other side may not have caught up yet, so the order is not judged.',
  },
  'unrecognized-state': {
    verdict: HUMAN,
    why: 'Our record names an order-machine state this table does not know: a bug or a newer machine; nothing is healed blind.',
  },
  'foreign-working': {
    verdict: HUMAN,
    why: 'Working at the venue under a client id that is not ours (another instance, or by hand): we never cancel what we did not place.',
    unless: {
      condition: 'cancel-foreign-configured',
      verdict: heal('cancel-orphan'),
      why: 'The account is configured as ours alone: a foreign order is an orphan (cancelled once seen in two passes).',
    },
  },
  'foreign-executed': {
    verdict: HUMAN,
    why: 'Executed under a client id that is not ours: someone else moved this account balances.',
  },
  'foreign-inert': {
    verdict: MATCH,
    why: 'Not ours, ended, nothing executed: no concern of ours.',
  },
  'terms-differ': {
    verdict: HUMAN,
    why: 'Same client id but a different symbol, side, quantity or limit price, or venue figures that are not finite or exceed the order: the two sides do not describe the same order.',
  },
  'local-fills-ahead': {
    verdict: HUMAN,
    why: 'We counted more filled than the venue reports: never healed backwards; a human checks for phantom fills.',
  },
};

/** A local record without its machine snapshot: what a diff carries. */
export type OrderRecordSummary = Omit<OrderRecord, 'snapshot'>;

/** Fields a diff can name. `presence`: one side lacks the order. */
export type OrderDiffField = 'presence' | 'status' | 'filledQty' | 'symbol' | 'side' | 'qty' | 'price';

/** Both sides of a disagreement, recorded with a heal and sent with a human alert. */
export interface OrderDiff {
  readonly local: OrderRecordSummary | null;
  readonly venue: VenueOrder | null;
  readonly differs: readonly OrderDiffField[];
}

/** What {@link judgeOrder} decided, with the reason and, where it acts, the diff. */
export type ReconciliationOutcome =
  | { readonly kind: 'match' }
  | { readonly kind: 'heal'; readonly action: HealAction; readonly why: string; readonly diff: OrderDiff }
  | { readonly kind: 'human'; readonly why: string; readonly diff: OrderDiff }
  /** `retryAt`: clock time from which judging again can decide otherwise. */
  | { readonly kind: 'wait'; readonly why: string; readonly retryAt: number };

/** The judgement of one order. */
export interface Judgement {
  readonly clientOrderId: string;
  /** The table cell, or null when our record's state maps to none (`unrecognized-state`). */
  readonly key: RuleKey | null;
  /** Which part decided: a guard, the cell, or the cell's exception. */
  readonly by: GuardName | 'rule' | 'rule-exception';
  readonly outcome: ReconciliationOutcome;
}

/** What {@link judgeOrder} needs besides the two sides. */
export interface JudgeContext {
  /** Clock time of this reconciliation pass. */
  readonly now: number;
  /**
   * The venue's own clock at this pass (its `time()`), read before its orders; `now` when left out.
   * Why: the venue stamps its orders on its clock, which may run ahead of or behind ours.
   */
  readonly venueNow?: number;
  /** An order either side changed less than this long ago is not judged. */
  readonly minAgeMs: number;
  /** A venue's "absent" proves absence only this long after our last record of the order. */
  readonly absentAfterMs: number;
  /** Whether a client order id was generated by this instance (`isOwnClientOrderId`). */
  readonly ours: (clientOrderId: string) => boolean;
  /** Treat working orders that are not ours as orphans to cancel (an account we alone use). Default false. */
  readonly cancelForeign?: boolean;
}

/**
 * Maps an order-machine state (dotted, as {@link OrderRecord.state} holds it) to its row of the
 * table; null for a state the table does not know.
 */
export function localStateOf(state: string): Exclude<LocalOrderState, 'absent'> | null {
  if (state === 'submitted' || state === 'unknown' || state.startsWith('unknown.')) return 'in-flight';
  switch (state) {
    case 'pending':
      return 'pending';
    case 'open':
    case 'partially_filled':
      return 'working';
    case 'filled':
    case 'cancelled':
    case 'rejected':
      return state;
    case 'resolved':
      return 'rejected';
    default:
      return null;
  }
}

/**
 * Judges one order: guards first ({@link RECONCILIATION_GUARDS}), then its cell of
 * {@link RECONCILIATION_RULES}. A `cancel-orphan` heal is a candidate: cancel only the ids the
 * `OrphanTracker` confirms. Throws on a programming error: neither side given, or two sides
 * with different client ids.
 *
 * @example
 * const j = judgeOrder(await store.order(cid), await venue.order(cid), {
 *   now: clock.now(), minAgeMs: 5_000, absentAfterMs: 90_000,
 *   ours: (id) => isOwnClientOrderId(instance, id),
 * });
 * if (j.outcome.kind === 'human') alert(j.outcome.why, j.outcome.diff);
 */
export function judgeOrder(
  local: OrderRecord | undefined,
  venue: VenueOrder | undefined,
  ctx: JudgeContext,
): Judgement {
  const clientOrderId = local?.clientOrderId ?? venue?.clientOrderId;
  if (clientOrderId === undefined) throw new TypeError('judgeOrder needs a local record or a venue order');
  if (local !== undefined && venue !== undefined && local.clientOrderId !== venue.clientOrderId) {
    throw new TypeError(
      `judgeOrder got two orders: local ${local.clientOrderId}, venue ${venue.clientOrderId}`,
    );
  }
  const row = local === undefined ? 'absent' : localStateOf(local.state);
  const column: VenueReportState = venue === undefined ? 'absent' : venue.status;
  const key: RuleKey | null = row === null ? null : `${row}/${column}`;
  const diff = (): OrderDiff => orderDiff(local, venue);
  const decide = (by: Judgement['by'], verdict: RuleVerdict, why: string, retryAt = ctx.now): Judgement => ({
    clientOrderId,
    key,
    by,
    outcome: outcomeOf(verdict, why, diff, retryAt),
  });
  const guard = (name: GuardName, exception = false, retryAt = ctx.now): Judgement => {
    const rule = RECONCILIATION_GUARDS[name];
    const chosen = exception && rule.unless !== undefined ? rule.unless : rule;
    return decide(name, chosen.verdict, chosen.why, retryAt);
  };

  // Each side's stamps are aged on its own clock: a skewed venue clock must not make a fresh
  // order look old (or an old one young).
  const age = Math.min(
    local === undefined ? Infinity : ctx.now - local.t,
    venue === undefined ? Infinity : (ctx.venueNow ?? ctx.now) - Math.max(venue.updatedAt, venue.createdAt),
  );
  // NaN times (bad data) fail this comparison, so such an order is judged, not waited on forever.
  if (age < ctx.minAgeMs) return guard('too-young', false, ctx.now + ctx.minAgeMs - age);
  if (row === null || key === null) return guard('unrecognized-state');
  if (local === undefined && venue !== undefined && !ctx.ours(venue.clientOrderId)) {
    if (venue.status === 'open' || venue.status === 'partially_filled') {
      return guard('foreign-working', ctx.cancelForeign === true);
    }
    return guard(compare(venue.filledQty, 0) === 0 ? 'foreign-inert' : 'foreign-executed');
  }
  if (local !== undefined && venue !== undefined) {
    if (termsDiffer(local, venue).length > 0) return guard('terms-differ');
    if ((compare(local.filledQty, venue.filledQty) ?? 1) > 0) return guard('local-fills-ahead');
  }

  const rule = RECONCILIATION_RULES[key];
  const exception = rule.unless;
  if (exception !== undefined && holds(exception.condition, local, venue, ctx)) {
    const retryAt =
      exception.condition === 'absence-unproven' && local !== undefined
        ? local.t + ctx.absentAfterMs
        : ctx.now;
    return decide('rule-exception', exception.verdict, exception.why, retryAt);
  }
  return decide('rule', rule.verdict, rule.why);
}

function outcomeOf(
  verdict: RuleVerdict,
  why: string,
  diff: () => OrderDiff,
  retryAt: number,
): ReconciliationOutcome {
  switch (verdict.kind) {
    case 'match':
      return { kind: 'match' };
    case 'heal':
      return { kind: 'heal', action: verdict.action, why, diff: diff() };
    case 'human':
      return { kind: 'human', why, diff: diff() };
    case 'wait':
      return { kind: 'wait', why, retryAt };
  }
}

function holds(
  condition: RuleCondition,
  local: OrderRecord | undefined,
  venue: VenueOrder | undefined,
  ctx: JudgeContext,
): boolean {
  switch (condition) {
    case 'absence-unproven':
      // Our record's time is a lower bound on when the order was sent (it is saved on every
      // transition, the send included), so measuring from it only ever waits longer.
      return local !== undefined && ctx.now - local.t < ctx.absentAfterMs;
    case 'venue-fills-ahead':
      return venue !== undefined && (compare(venue.filledQty, local?.filledQty ?? 0) ?? 1) > 0;
    case 'venue-has-fills':
      return venue !== undefined && (compare(venue.filledQty, 0) ?? 1) > 0;
    case 'cancel-foreign-configured':
      return ctx.cancelForeign === true;
  }
}

// Quantities are decimals (lot multiples) that a venue and our tally may spell with different float
// residue (0.30000000000000004 vs 0.3): compared as scaled integers at 12 decimals, far finer than
// any lot size, so only a real difference counts.
const QTY_DECIMALS = 12;

/** Sign of a − b, or null when either is not a finite number. */
function compare(a: number, b: number): number | null {
  const x = toScaled(a, QTY_DECIMALS);
  const y = toScaled(b, QTY_DECIMALS);
  if (x === null || y === null) return null;
  return x === y ? 0 : x > y ? 1 : -1;
}

function termsDiffer(local: OrderRecord, venue: VenueOrder): OrderDiffField[] {
  const fields: OrderDiffField[] = [];
  if (local.symbol !== venue.symbol) fields.push('symbol');
  if (local.side !== venue.side) fields.push('side');
  if (compare(local.qty, venue.qty) !== 0) fields.push('qty');
  // A market order has no price to compare (Binance reports 0 for one).
  if (local.price !== null && venue.price !== null && compare(local.price, venue.price) !== 0) {
    fields.push('price');
  }
  const filled = compare(venue.filledQty, 0);
  if (filled === null || filled < 0 || (compare(venue.filledQty, venue.qty) ?? 1) > 0)
    fields.push('filledQty');
  return fields;
}

const VENUE_STATUS_OF: Readonly<Record<string, VenueOrderStatus>> = {
  open: 'open',
  // ccxt reports a partially filled order as open: the quantities tell them apart, not the status.
  partially_filled: 'open',
  filled: 'filled',
  cancelled: 'cancelled',
  rejected: 'rejected',
  resolved: 'rejected',
};

function orderDiff(local: OrderRecord | undefined, venue: VenueOrder | undefined): OrderDiff {
  const summary = local === undefined ? null : withoutSnapshot(local);
  if (local === undefined || venue === undefined) {
    return { local: summary, venue: venue ?? null, differs: ['presence'] };
  }
  const differs: OrderDiffField[] = [];
  const status = venue.status === 'partially_filled' ? 'open' : venue.status;
  if (VENUE_STATUS_OF[local.state] !== status) differs.push('status');
  if (compare(local.filledQty, venue.filledQty) !== 0) differs.push('filledQty');
  for (const field of termsDiffer(local, venue)) if (!differs.includes(field)) differs.push(field);
  return { local: summary, venue, differs };
}

function withoutSnapshot(record: OrderRecord): OrderRecordSummary {
  const { snapshot: _snapshot, ...rest } = record;
  return rest;
}
