import { assign, emit, enqueueActions, setup } from 'xstate';
import type { Intent } from '../actors/trading/types';
import type { FillTally, OrderPolicy, ResolvedOrderState, VenueOrderState } from './order.policy';
import {
  DEFAULT_ABSENT_AFTER_MS,
  DEFAULT_ORDER_POLICY,
  DEFAULT_SLOW_CHECK_EVERY_MS,
  deadlineAfterCheck,
  decideFill,
  decideFound,
} from './order.policy';

export type { OrderPolicy, VenueOrderState } from './order.policy';
export { DEFAULT_ORDER_POLICY } from './order.policy';

/** Input of an order machine: the admitted intent and its deterministic client order id. */
export interface OrderInput {
  readonly clientOrderId: string;
  readonly intent: Intent;
  /** The instrument's lot size: fills are tallied exactly in lots. */
  readonly lotSize: number;
  readonly policy?: OrderPolicy;
}

/** Deadlines the host re-arms (`{ [eventType]: clockTime }`, see `actors/kernel/component.ts`). */
export type OrderDeadlines = Partial<
  Record<'order.ack.overdue' | 'order.check.due' | 'order.check.exhausted', number>
>;

/** Context of an order machine. */
export interface OrderContext extends FillTally {
  clientOrderId: string;
  intent: Intent;
  lotSize: number;
  policy: OrderPolicy;
  venueOrderId: string | null;
  rejectReason: string | null;
  sentAt: number | null;
  cancelRequestedAt: number | null;
  /** Why the outcome became unknown, and when; kept after it is resolved, for the post-mortem. */
  unknownCause: string | null;
  unknownSince: number | null;
  /** In-flight checks issued, and "not found" answers, since the outcome became unknown. */
  checks: number;
  notFound: number;
  /** The venue's cumulative filled quantity at the last check that found the order. */
  venueFilledQty: number | null;
  /** The event that ended an unknown outcome, and when. */
  resolution: { by: string; t: number } | null;
  deadlines: OrderDeadlines;
}

/** Events from the execution layer and the venue, past tense. `t` is the clock time. */
export type OrderEvent =
  | { type: 'order.sent'; t: number }
  | { type: 'order.accepted'; venueOrderId: string; t: number }
  | { type: 'order.rejected'; reason: string; t: number }
  /** One execution; partial or complete is decided by the cumulative quantity. */
  | { type: 'order.filled'; fillId: string; qty: number; price: number; t: number }
  | { type: 'order.cancel.requested'; by: string; t: number }
  | { type: 'order.cancelled'; t: number }
  /** Sending failed: `rejected` is a definite refusal; `unknown` (timeout, 5xx, disconnect) may have reached the venue. */
  | { type: 'order.submit.failed'; kind: 'unknown' | 'rejected'; reason: string; t: number }
  | { type: 'order.ack.overdue'; t: number }
  | { type: 'order.check.due'; t: number }
  | { type: 'order.check.found'; venueState: VenueOrderState; t: number }
  | { type: 'order.check.notFound'; t: number }
  | { type: 'order.check.exhausted'; t: number }
  /** Reconciliation (or an operator) established that the venue never had the order. */
  | { type: 'order.reconciled.absent'; by: string; t: number };

/** An incident the order machine asks its host to record. */
export interface OrderIncident {
  readonly kind: 'ORDER_OUTCOME_UNKNOWN' | 'BAD_VENUE_DATA';
  readonly clientOrderId: string;
  readonly engine: string;
  readonly strategy: string;
  readonly symbol: string;
  readonly detail: string;
  readonly t: number;
}

/** What the machine tells its host to do; the host does the I/O. */
export type OrderCommand =
  /** Query the venue for the order by client id; answer with `order.check.found` or `order.check.notFound`. */
  | { type: 'checkOrder'; clientOrderId: string; symbol: string; attempt: number; t: number }
  /** Cancel at the venue by client id (or drop the outbox entry if not yet sent). */
  | { type: 'cancelOrder'; clientOrderId: string; symbol: string; venueOrderId: string | null; t: number }
  /** The venue reports fills we have not seen: fetch them and send each as `order.filled`. */
  | { type: 'fetchFills'; clientOrderId: string; symbol: string; venueOrderId: string; t: number }
  | { type: 'raiseIncident'; incident: OrderIncident }
  /** Put the order's engine in REDUCING (`trading.reduce`). */
  | { type: 'reduceEngine'; engine: string; reason: string; t: number };

const NO_DEADLINES: OrderDeadlines = Object.freeze({});

function incident(
  context: OrderContext,
  kind: OrderIncident['kind'],
  detail: string,
  t: number,
): OrderCommand {
  const { clientOrderId, intent } = context;
  return {
    type: 'raiseIncident',
    incident: {
      kind,
      clientOrderId,
      engine: intent.engine,
      strategy: intent.strategy,
      symbol: intent.symbol,
      detail,
      t,
    },
  };
}

/**
 * The life of one order, from its outbox entry to its outcome. States: `pending` (intent and outbox
 * written), `submitted` (sent, no answer yet), `open`, `partially_filled`, and the outcomes
 * `filled`, `cancelled`, `rejected`; `unknown` when a send may or may not have reached the venue.
 *
 * An unknown order is never re-sent. It is checked by client id (first after `firstCheckAfterMs`,
 * then every `checkEveryMs`, `maxChecks` times); "not found" is not proof, so checking goes on; a
 * "found" resolves into the venue's state. When checks run out it goes to `unknown.exhausted` and
 * emits `raiseIncident` + `reduceEngine`, and is still checked every `slowCheckEveryMs`: a later
 * "found", fill, or reconciliation resolves it, and "not found" once `absentAfterMs` have passed
 * since sending — past any venue's receive window — proves the venue never had it (`resolved`). Fills count once per `fillId`; a fill past the order's
 * quantity is bad venue data: an incident, and nothing changes.
 */
export const orderMachine = setup({
  types: {} as { context: OrderContext; events: OrderEvent; input: OrderInput; emitted: OrderCommand },
  guards: {
    fillIsBad: ({ context, event }) => fill(context, event)?.kind === 'bad',
    fillIsDuplicate: ({ context, event }) => fill(context, event)?.kind === 'duplicate',
    fillCompletes: ({ context, event }) => {
      const decision = fill(context, event);
      return decision?.kind === 'apply' && decision.complete;
    },
    definitelyRejected: ({ event }) => event.type === 'order.submit.failed' && event.kind === 'rejected',
    checksLeft: ({ context }) => context.checks < context.policy.maxChecks,
    lastCheckNotFound: ({ context }) => context.notFound + 1 >= context.policy.maxChecks,
    absenceProven: ({ context, event }) =>
      event.t - (context.sentAt ?? context.unknownSince ?? event.t) >=
      (context.policy.absentAfterMs ?? DEFAULT_ABSENT_AFTER_MS),
    foundIsBad: ({ context, event }) => found(context, event)?.kind === 'bad',
    foundResolvesTo: ({ context, event }, params: { target: ResolvedOrderState }) => {
      const decision = found(context, event);
      return decision?.kind === 'resolve' && decision.target === params.target;
    },
  },
  actions: {
    recordSent: assign(({ context, event }) => ({
      sentAt: event.t,
      deadlines: { 'order.ack.overdue': event.t + context.policy.ackTimeoutMs },
    })),
    recordAccepted: assign(({ context, event }) => ({
      venueOrderId: event.type === 'order.accepted' ? event.venueOrderId : context.venueOrderId,
      deadlines: NO_DEADLINES,
    })),
    recordRejected: assign(({ event }) => ({
      rejectReason:
        event.type === 'order.rejected' || event.type === 'order.submit.failed' ? event.reason : null,
      deadlines: NO_DEADLINES,
    })),
    recordCancelled: assign({ deadlines: NO_DEADLINES }),
    applyFill: assign(({ context, event }) => {
      const decision = fill(context, event);
      return decision?.kind === 'apply' ? { ...decision.tally, deadlines: NO_DEADLINES } : {};
    }),
    reportBadFill: emit(({ context, event }) => {
      const decision = fill(context, event);
      return incident(
        context,
        'BAD_VENUE_DATA',
        decision?.kind === 'bad' ? decision.detail : 'bad fill',
        event.t,
      );
    }),
    reportFillAfterOutcome: emit(({ context, event }, params: { outcome: string }) =>
      incident(
        context,
        'BAD_VENUE_DATA',
        `fill ${event.type === 'order.filled' ? event.fillId : '?'} for an order that is ${params.outcome}`,
        event.t,
      ),
    ),
    requestCancel: enqueueActions(({ context, event, enqueue }) => {
      enqueue.assign({ cancelRequestedAt: event.t });
      enqueue.emit({
        type: 'cancelOrder',
        clientOrderId: context.clientOrderId,
        symbol: context.intent.symbol,
        venueOrderId: context.venueOrderId,
        t: event.t,
      });
    }),
    enterUnknown: assign(({ context, event }) => ({
      unknownCause:
        event.type === 'order.submit.failed'
          ? event.reason
          : event.type === 'order.ack.overdue'
            ? `no answer within ${context.policy.ackTimeoutMs} ms of sending`
            : event.type,
      unknownSince: event.t,
      checks: 0,
      notFound: 0,
      deadlines: { 'order.check.due': event.t + context.policy.firstCheckAfterMs },
    })),
    leaveUnknown: assign(({ event }) => ({
      resolution: { by: event.type, t: event.t },
      deadlines: NO_DEADLINES,
    })),
    issueCheck: enqueueActions(({ context, event, enqueue }) => {
      const attempt = context.checks + 1;
      enqueue.assign({ checks: attempt, deadlines: deadlineAfterCheck(context.policy, attempt, event.t) });
      enqueue.emit({
        type: 'checkOrder',
        clientOrderId: context.clientOrderId,
        symbol: context.intent.symbol,
        attempt,
        t: event.t,
      });
    }),
    countNotFound: assign(({ context }) => ({ notFound: context.notFound + 1 })),
    issueSlowCheck: enqueueActions(({ context, event, enqueue }) => {
      const attempt = context.checks + 1;
      enqueue.assign({
        checks: attempt,
        deadlines: { 'order.check.due': event.t + slowCheckEvery(context.policy) },
      });
      enqueue.emit({
        type: 'checkOrder',
        clientOrderId: context.clientOrderId,
        symbol: context.intent.symbol,
        attempt,
        t: event.t,
      });
    }),
    giveUpChecking: enqueueActions(({ context, event, enqueue }) => {
      const detail = `outcome of ${context.clientOrderId} still unknown after ${context.checks} checks (${context.notFound} not found): ${context.unknownCause ?? 'unknown cause'}`;
      enqueue.assign({ deadlines: { 'order.check.due': event.t + slowCheckEvery(context.policy) } });
      enqueue.emit(incident(context, 'ORDER_OUTCOME_UNKNOWN', detail, event.t));
      enqueue.emit({ type: 'reduceEngine', engine: context.intent.engine, reason: detail, t: event.t });
    }),
    applyFound: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'order.check.found') return;
      const decision = found(context, event);
      const { venueOrderId, filledQty } = event.venueState;
      enqueue.assign({ venueOrderId, venueFilledQty: filledQty });
      if (decision?.kind === 'resolve' && decision.missingFills) {
        enqueue.emit({
          type: 'fetchFills',
          clientOrderId: context.clientOrderId,
          symbol: context.intent.symbol,
          venueOrderId,
          t: event.t,
        });
      }
    }),
    reportBadFound: emit(({ context, event }) => {
      const decision = found(context, event);
      return incident(
        context,
        'BAD_VENUE_DATA',
        decision?.kind === 'bad' ? decision.detail : 'bad check',
        event.t,
      );
    }),
  },
}).createMachine({
  id: 'order',
  initial: 'pending',
  context: ({ input }) => ({
    clientOrderId: input.clientOrderId,
    intent: input.intent,
    lotSize: input.lotSize,
    policy: input.policy ?? DEFAULT_ORDER_POLICY,
    venueOrderId: null,
    rejectReason: null,
    sentAt: null,
    cancelRequestedAt: null,
    filledLots: 0,
    filledQty: 0,
    filledNotional: 0,
    avgPrice: null,
    fillIds: [],
    unknownCause: null,
    unknownSince: null,
    checks: 0,
    notFound: 0,
    venueFilledQty: null,
    resolution: null,
    deadlines: NO_DEADLINES,
  }),
  states: {
    pending: {
      tags: ['live'],
      on: {
        'order.sent': { target: 'submitted', actions: 'recordSent' },
        ...answersBeforeAck(),
      },
    },
    submitted: {
      tags: ['live'],
      on: {
        'order.ack.overdue': 'unknown',
        ...answersBeforeAck(),
      },
    },
    open: {
      tags: ['live'],
      on: {
        'order.filled': liveFill(),
        'order.cancelled': { target: 'cancelled', actions: 'recordCancelled' },
        'order.cancel.requested': { actions: 'requestCancel' },
      },
    },
    partially_filled: {
      tags: ['live'],
      on: {
        'order.filled': liveFill(),
        'order.cancelled': { target: 'cancelled', actions: 'recordCancelled' },
        'order.cancel.requested': { actions: 'requestCancel' },
      },
    },
    unknown: {
      tags: ['inFlight'],
      entry: 'enterUnknown',
      exit: 'leaveUnknown',
      initial: 'checking',
      on: {
        'order.check.found': [
          { guard: 'foundIsBad', actions: 'reportBadFound' },
          ...(['open', 'partially_filled', 'filled', 'cancelled', 'rejected'] as const).map((target) => ({
            guard: { type: 'foundResolvesTo' as const, params: { target } },
            target: `#order.${target}`,
            actions: 'applyFound' as const,
          })),
        ],
        // Any sign of the order from the venue proves it exists and resolves the outcome.
        'order.filled': liveFill(),
        'order.accepted': { target: 'open', actions: 'recordAccepted' },
        'order.rejected': { target: 'rejected', actions: 'recordRejected' },
        'order.cancelled': { target: 'cancelled', actions: 'recordCancelled' },
        'order.cancel.requested': { actions: 'requestCancel' },
        'order.reconciled.absent': 'resolved',
      },
      states: {
        checking: {
          on: {
            'order.check.due': { guard: 'checksLeft', actions: 'issueCheck' },
            'order.check.notFound': [
              { guard: 'lastCheckNotFound', target: 'exhausted', actions: 'countNotFound' },
              { actions: 'countNotFound' },
            ],
            'order.check.exhausted': 'exhausted',
          },
        },
        // Still checked, slowly: a late "found" resolves it, and "not found" past the venue's
        // receive window proves it never reached the venue.
        exhausted: {
          entry: 'giveUpChecking',
          on: {
            'order.check.due': { actions: 'issueSlowCheck' },
            'order.check.notFound': [
              { guard: 'absenceProven', target: '#order.resolved', actions: 'countNotFound' },
              { actions: 'countNotFound' },
            ],
          },
        },
      },
    },
    filled: {
      tags: ['terminal'],
      on: {
        // Only reachable with fills still to come when a check found the order filled.
        'order.filled': [
          { guard: 'fillIsBad', actions: 'reportBadFill' },
          { guard: 'fillIsDuplicate' },
          { actions: 'applyFill' },
        ],
      },
    },
    cancelled: {
      tags: ['terminal'],
      on: {
        // A fill may race the cancel; it is real, and if it completes the order, the order filled.
        'order.filled': [
          { guard: 'fillIsBad', actions: 'reportBadFill' },
          { guard: 'fillIsDuplicate' },
          { guard: 'fillCompletes', target: 'filled', actions: 'applyFill' },
          { actions: 'applyFill' },
        ],
      },
    },
    rejected: {
      tags: ['terminal'],
      on: {
        'order.filled': [
          { guard: 'fillIsDuplicate' },
          { actions: { type: 'reportFillAfterOutcome', params: { outcome: 'rejected' } } },
        ],
      },
    },
    resolved: {
      tags: ['terminal'],
      on: {
        'order.filled': [
          { guard: 'fillIsDuplicate' },
          { actions: { type: 'reportFillAfterOutcome', params: { outcome: 'absent from the venue' } } },
        ],
      },
    },
  },
});

function slowCheckEvery(policy: OrderPolicy): number {
  return policy.slowCheckEveryMs ?? DEFAULT_SLOW_CHECK_EVERY_MS;
}

function fill(context: OrderContext, event: OrderEvent) {
  return event.type === 'order.filled'
    ? decideFill({ ...context, qty: context.intent.qty, lotSize: context.lotSize }, event)
    : null;
}

function found(context: OrderContext, event: OrderEvent) {
  return event.type === 'order.check.found'
    ? decideFound({ ...context, qty: context.intent.qty, lotSize: context.lotSize }, event.venueState)
    : null;
}

/** A fill while the order is (or may be) working: partial or complete by the cumulative quantity. */
function liveFill() {
  return [
    { guard: 'fillIsBad', actions: 'reportBadFill' },
    { guard: 'fillIsDuplicate' },
    { guard: 'fillCompletes', target: '#order.filled', actions: 'applyFill' },
    { target: '#order.partially_filled', actions: 'applyFill' },
  ] as const;
}

/** Answers that may come while the order is pending or submitted (a venue answer can outrun `order.sent`). */
function answersBeforeAck() {
  return {
    'order.accepted': { target: '#order.open', actions: 'recordAccepted' },
    'order.rejected': { target: '#order.rejected', actions: 'recordRejected' },
    'order.submit.failed': [
      { guard: 'definitelyRejected', target: '#order.rejected', actions: 'recordRejected' },
      { target: '#order.unknown' },
    ],
    'order.filled': liveFill(),
    'order.cancelled': { target: '#order.cancelled', actions: 'recordCancelled' },
    'order.cancel.requested': { actions: 'requestCancel' },
  } as const;
}
