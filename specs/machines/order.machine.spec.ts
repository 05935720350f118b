import test from 'ava';
import { createActor } from 'xstate';
import type { OrderCommand, OrderEvent, OrderInput, VenueOrderState } from '../../machines/order.machine';
import { orderMachine } from '../../machines/order.machine';
import { statePath } from '../../actors/kernel/state-path';
import type { Intent } from '../../actors/trading/types';

const LIMIT: Intent = {
  intentId: 'mm-1:BTCUSDT:1',
  engine: 'mm-1',
  strategy: 'quoter',
  symbol: 'BTCUSDT',
  side: 'buy',
  type: 'limit',
  qty: 0.3,
  price: 50_000,
  t: 0,
};
const MARKET: Intent = { ...LIMIT, intentId: 'tf-1:BTCUSDT:1', type: 'market', price: undefined };

/** One order machine, driven as its host would drive it: events with `t`, deadlines from context. */
function order(input: Partial<OrderInput> = {}) {
  const actor = createActor(orderMachine, {
    input: { clientOrderId: 'pd-abc123-x', intent: LIMIT, lotSize: 0.1, ...input },
  }).start();
  const commands: OrderCommand[] = [];
  actor.on('*', (command) => commands.push(command as OrderCommand));
  return {
    actor,
    commands,
    send(...events: OrderEvent[]) {
      for (const event of events) actor.send(event);
    },
    get state() {
      return statePath(actor.getSnapshot().value);
    },
    get context() {
      return actor.getSnapshot().context;
    },
    /** Fires the earliest deadline in context, as the kernel host does; returns its type. */
    fireDeadline(): string {
      const entries = Object.entries(actor.getSnapshot().context.deadlines) as [OrderEvent['type'], number][];
      if (entries.length === 0) throw new Error('no deadline armed');
      const [type, at] = entries.sort((a, b) => a[1] - b[1])[0] as [OrderEvent['type'], number];
      actor.send({ type, t: at } as OrderEvent);
      return type;
    },
  };
}

const filled = (fillId: string, qty: number, price: number, t: number): OrderEvent => ({
  type: 'order.filled',
  fillId,
  qty,
  price,
  t,
});

const venue = (status: VenueOrderState['status'], filledQty = 0): VenueOrderState => ({
  venueOrderId: 'v-77',
  status,
  filledQty,
  avgFillPrice: filledQty > 0 ? 50_000 : null,
});

/** An order whose send timed out at t=1000: unknown, first check due at 6000. */
function unknownOrder() {
  const o = order();
  o.send(
    { type: 'order.sent', t: 900 },
    { type: 'order.submit.failed', kind: 'unknown', reason: 'timeout', t: 1_000 },
  );
  return o;
}

// --- happy paths --------------------------------------------------------------------------------

test('a limit order is pending, then submitted, open, partially filled and filled in parts', (t) => {
  const o = order();
  t.is(o.state, 'pending');
  o.send({ type: 'order.sent', t: 10 });
  t.is(o.state, 'submitted');
  t.deepEqual(o.context.deadlines, { 'order.ack.overdue': 10_010 });
  o.send({ type: 'order.accepted', venueOrderId: 'v-1', t: 20 });
  t.is(o.state, 'open');
  t.deepEqual(o.context.deadlines, {}, 'an answered order needs no deadline');
  o.send(filled('f1', 0.1, 50_000, 30));
  t.is(o.state, 'partially_filled');
  o.send(filled('f2', 0.2, 49_990, 40));
  t.is(o.state, 'filled');
  t.like(o.context, { venueOrderId: 'v-1', filledQty: 0.3, fillIds: ['f1', 'f2'] });
  t.is(Math.round((o.context.avgPrice ?? 0) * 1e6) / 1e6, 49_993.333333);
  t.true(o.actor.getSnapshot().hasTag('terminal'));
  t.deepEqual(o.commands, []);
});

test('fills of 0.1 and 0.2 complete an order of 0.3 exactly (lots, not floats)', (t) => {
  const o = order();
  o.send({ type: 'order.sent', t: 0 }, filled('a', 0.1, 1, 1), filled('b', 0.2, 1, 2));
  t.is(o.state, 'filled');
  t.is(o.context.filledQty, 0.3);
});

test('a market order filled with its acknowledgement goes straight to filled', (t) => {
  const o = order({ intent: MARKET });
  o.send({ type: 'order.sent', t: 10 }, filled('f1', 0.3, 50_010, 11));
  t.is(o.state, 'filled');
  t.like(o.context, { filledQty: 0.3, avgPrice: 50_010, deadlines: {} });
});

test('a market order accepted and then filled in one execution ends filled', (t) => {
  const o = order({ intent: MARKET });
  o.send(
    { type: 'order.sent', t: 10 },
    { type: 'order.accepted', venueOrderId: 'v-2', t: 11 },
    filled('f', 0.3, 1, 12),
  );
  t.is(o.state, 'filled');
});

test('a cancel request asks the host to cancel by client id, and the order ends cancelled', (t) => {
  const o = order();
  o.send({ type: 'order.sent', t: 0 }, { type: 'order.accepted', venueOrderId: 'v-1', t: 1 });
  o.send({ type: 'order.cancel.requested', by: 'quoter', t: 5 });
  t.is(o.state, 'open', 'a request is not a cancellation');
  t.deepEqual(o.commands, [
    { type: 'cancelOrder', clientOrderId: 'pd-abc123-x', symbol: 'BTCUSDT', venueOrderId: 'v-1', t: 5 },
  ]);
  o.send({ type: 'order.cancelled', t: 6 });
  t.is(o.state, 'cancelled');
  t.is(o.context.cancelRequestedAt, 5);
});

test('a partially filled order that is cancelled keeps its fills', (t) => {
  const o = order();
  o.send(
    { type: 'order.sent', t: 0 },
    { type: 'order.accepted', venueOrderId: 'v-1', t: 1 },
    filled('f1', 0.1, 1, 2),
  );
  o.send({ type: 'order.cancelled', t: 3 });
  t.is(o.state, 'cancelled');
  t.is(o.context.filledQty, 0.1);
});

test('a fill that raced the cancel still counts, and one that completes the order makes it filled', (t) => {
  const o = order();
  o.send(
    { type: 'order.sent', t: 0 },
    { type: 'order.accepted', venueOrderId: 'v-1', t: 1 },
    { type: 'order.cancelled', t: 2 },
  );
  o.send(filled('late-1', 0.1, 1, 3));
  t.is(o.state, 'cancelled');
  t.is(o.context.filledQty, 0.1);
  o.send(filled('late-2', 0.2, 1, 4));
  t.is(o.state, 'filled');
});

test('an order the venue rejects ends rejected with the reason', (t) => {
  const o = order();
  o.send(
    { type: 'order.sent', t: 0 },
    { type: 'order.rejected', reason: '-2010 insufficient balance', t: 1 },
  );
  t.is(o.state, 'rejected');
  t.is(o.context.rejectReason, '-2010 insufficient balance');
});

test('a definite refusal on submit ends rejected, not unknown', (t) => {
  const o = order();
  o.send(
    { type: 'order.sent', t: 0 },
    { type: 'order.submit.failed', kind: 'rejected', reason: '-1013 filter', t: 1 },
  );
  t.is(o.state, 'rejected');
  t.deepEqual(o.context.deadlines, {});
});

test('a fill for a rejected order is bad venue data: an incident, and the order stays rejected', (t) => {
  const o = order();
  o.send({ type: 'order.sent', t: 0 }, { type: 'order.rejected', reason: 'x', t: 1 }, filled('f', 0.1, 1, 2));
  t.is(o.state, 'rejected');
  t.is(o.context.filledQty, 0);
  t.like(o.commands[0], { type: 'raiseIncident', incident: { kind: 'BAD_VENUE_DATA' } });
});

// --- unknown outcomes -------------------------------------------------------------------------

test('a send that timed out makes the order unknown, with the first check due 5 s later', (t) => {
  const o = unknownOrder();
  t.is(o.state, 'unknown.checking');
  t.true(o.actor.getSnapshot().hasTag('inFlight'));
  t.like(o.context, { unknownCause: 'timeout', unknownSince: 1_000, checks: 0 });
  t.deepEqual(o.context.deadlines, { 'order.check.due': 6_000 });
});

test('a sent order with no answer before the acknowledgement deadline becomes unknown', (t) => {
  const o = order();
  o.send({ type: 'order.sent', t: 0 });
  t.is(o.fireDeadline(), 'order.ack.overdue');
  t.is(o.state, 'unknown.checking');
  t.regex(o.context.unknownCause ?? '', /no answer within 10000 ms/);
  t.deepEqual(o.context.deadlines, { 'order.check.due': 15_000 });
});

test('each due check asks the host to query by client id, then every 2 s', (t) => {
  const o = unknownOrder();
  t.is(o.fireDeadline(), 'order.check.due');
  t.deepEqual(o.commands, [
    { type: 'checkOrder', clientOrderId: 'pd-abc123-x', symbol: 'BTCUSDT', attempt: 1, t: 6_000 },
  ]);
  t.deepEqual(o.context.deadlines, { 'order.check.due': 8_000 });
  o.fireDeadline();
  t.deepEqual(o.context.deadlines, { 'order.check.due': 10_000 });
  t.is(o.context.checks, 2);
});

test('one "not found" is not proof: the order stays unknown and checking goes on', (t) => {
  const o = unknownOrder();
  o.fireDeadline();
  o.send({ type: 'order.check.notFound', t: 6_050 });
  t.is(o.state, 'unknown.checking');
  t.deepEqual(o.context.deadlines, { 'order.check.due': 8_000 });
  t.is(o.context.notFound, 1);
});

test('a "found" after "not found" answers resolves into the venue state', (t) => {
  const o = unknownOrder();
  o.fireDeadline();
  o.send({ type: 'order.check.notFound', t: 6_050 });
  o.fireDeadline();
  o.send({ type: 'order.check.notFound', t: 8_050 });
  o.fireDeadline();
  o.send({ type: 'order.check.found', venueState: venue('open'), t: 10_050 });
  t.is(o.state, 'open');
  t.like(o.context, {
    venueOrderId: 'v-77',
    resolution: { by: 'order.check.found', t: 10_050 },
    unknownCause: 'timeout',
  });
  t.deepEqual(o.context.deadlines, {}, 'no check stays armed once resolved');
  t.deepEqual(
    o.commands.map((c) => c.type),
    ['checkOrder', 'checkOrder', 'checkOrder'],
  );
});

for (const [status, filledQty, expected] of [
  ['open', 0, 'open'],
  ['open', 0.1, 'partially_filled'],
  ['partially_filled', 0.1, 'partially_filled'],
  ['filled', 0.3, 'filled'],
  ['cancelled', 0, 'cancelled'],
  ['rejected', 0, 'rejected'],
] as const) {
  test(`a check that finds the order ${status} with ${filledQty} filled resolves it to ${expected}`, (t) => {
    const o = unknownOrder();
    o.fireDeadline();
    o.send({ type: 'order.check.found', venueState: venue(status, filledQty), t: 6_100 });
    t.is(o.state, expected);
    t.is(o.context.venueFilledQty, filledQty);
  });
}

test('a check that finds fills we have not seen asks for them, and they are counted by fill id', (t) => {
  const o = unknownOrder();
  o.fireDeadline();
  o.send({ type: 'order.check.found', venueState: venue('filled', 0.3), t: 6_100 });
  t.is(o.state, 'filled');
  t.is(o.context.filledQty, 0, 'the venue total never stands in for fills');
  t.deepEqual(o.commands.at(-1), {
    type: 'fetchFills',
    clientOrderId: 'pd-abc123-x',
    symbol: 'BTCUSDT',
    venueOrderId: 'v-77',
    t: 6_100,
  });
  o.send(filled('f1', 0.1, 1, 6_200), filled('f2', 0.2, 1, 6_201));
  t.is(o.state, 'filled');
  t.is(o.context.filledQty, 0.3);
});

test('five unanswered "not found" checks exhaust the order: incident and REDUCING, and it stays unknown', (t) => {
  const o = unknownOrder();
  for (let i = 0; i < 5; i++) {
    o.fireDeadline();
    o.send({ type: 'order.check.notFound', t: o.context.checks * 2_000 + 4_050 });
  }
  t.is(o.state, 'unknown.exhausted');
  t.deepEqual(o.context.deadlines, { 'order.check.due': 14_050 + 15_000 }, 'checked on, slowly');
  const types = o.commands.map((c) => c.type);
  t.deepEqual(types, [
    'checkOrder',
    'checkOrder',
    'checkOrder',
    'checkOrder',
    'checkOrder',
    'raiseIncident',
    'reduceEngine',
  ]);
  t.deepEqual(
    o.commands.filter((c) => c.type === 'checkOrder').map((c) => (c as { t: number }).t),
    [6_000, 8_000, 10_000, 12_000, 14_000],
  );
  t.like(o.commands[5], {
    type: 'raiseIncident',
    incident: {
      kind: 'ORDER_OUTCOME_UNKNOWN',
      clientOrderId: 'pd-abc123-x',
      engine: 'mm-1',
      strategy: 'quoter',
    },
  });
  t.like(o.commands[6], { type: 'reduceEngine', engine: 'mm-1', t: 14_050 });
});

test('checks that get no answer at all exhaust the order 2 s after the last one', (t) => {
  const o = unknownOrder();
  for (let i = 0; i < 5; i++) t.is(o.fireDeadline(), 'order.check.due');
  t.deepEqual(o.context.deadlines, { 'order.check.exhausted': 16_000 });
  t.is(o.fireDeadline(), 'order.check.exhausted');
  t.is(o.state, 'unknown.exhausted');
  t.deepEqual(
    o.commands.slice(-2).map((c) => c.type),
    ['raiseIncident', 'reduceEngine'],
  );
});

test('an exhausted order is checked on slowly and raises its incident once', (t) => {
  const o = unknownOrder();
  for (let i = 0; i < 5; i++) o.fireDeadline();
  o.fireDeadline();
  const before = o.commands.length;
  t.is(o.fireDeadline(), 'order.check.due');
  t.like(o.commands.at(-1), { type: 'checkOrder', t: 31_000 });
  o.send({ type: 'order.check.notFound', t: 31_050 }, { type: 'order.check.exhausted', t: 31_060 });
  t.is(o.state, 'unknown.exhausted');
  t.is(o.commands.length, before + 1, 'one more check; no second incident');
  t.deepEqual(o.context.deadlines, { 'order.check.due': 46_000 });
});

test('"not found" past the receive window proves absence: the order is resolved, never re-sent', (t) => {
  const o = unknownOrder();
  for (let i = 0; i < 6; i++) o.fireDeadline();
  // Sent at 900: absence is proven only from 900 + 90 000 on. Slow checks at 31 000, 46 000, …
  for (const at of [31_000, 46_000, 61_000, 76_000]) {
    t.is(o.fireDeadline(), 'order.check.due');
    o.send({ type: 'order.check.notFound', t: at + 50 });
    t.is(o.state, 'unknown.exhausted', `still unknown at ${at + 50}`);
  }
  t.is(o.fireDeadline(), 'order.check.due');
  o.send({ type: 'order.check.notFound', t: 91_050 });
  t.is(o.state, 'resolved');
  t.like(o.context.resolution, { by: 'order.check.notFound', t: 91_050 });
  t.deepEqual(o.context.deadlines, {});
  t.false(
    o.commands.some((c) => (c.type as string) === 'submitOrder'),
    'the machine has no way to send an order again',
  );
});

test('an exhausted order is still resolved by a later "found"', (t) => {
  const o = unknownOrder();
  for (let i = 0; i < 6; i++) o.fireDeadline();
  o.send({ type: 'order.check.found', venueState: venue('cancelled'), t: 60_000 });
  t.is(o.state, 'cancelled');
  t.like(o.context.resolution, { by: 'order.check.found', t: 60_000 });
});

test('an unknown order is never re-sent: no command but checks, cancels and incidents ever leaves it', (t) => {
  const o = unknownOrder();
  o.send({ type: 'order.sent', t: 1_100 });
  t.is(o.state, 'unknown.checking', 'a stray order.sent does not move it back to submitted');
  for (let i = 0; i < 6; i++) o.fireDeadline();
  o.send({ type: 'order.cancel.requested', by: 'operator', t: 30_000 });
  const allowed = new Set(['checkOrder', 'cancelOrder', 'raiseIncident', 'reduceEngine']);
  t.true(o.commands.every((c) => allowed.has(c.type)));
  t.like(o.commands.at(-1), { type: 'cancelOrder', venueOrderId: null });
});

test('a fill while unknown proves the order exists and resolves it', (t) => {
  const o = unknownOrder();
  o.send(filled('f1', 0.1, 1, 2_000));
  t.is(o.state, 'partially_filled');
  t.like(o.context.resolution, { by: 'order.filled' });
  t.deepEqual(o.context.deadlines, {});
});

test('a late acknowledgement resolves an unknown order to open', (t) => {
  const o = unknownOrder();
  o.send({ type: 'order.accepted', venueOrderId: 'v-9', t: 1_500 });
  t.is(o.state, 'open');
  t.is(o.context.venueOrderId, 'v-9');
});

test('reconciliation that proves the venue never had the order resolves it', (t) => {
  const o = unknownOrder();
  for (let i = 0; i < 6; i++) o.fireDeadline();
  o.send({ type: 'order.reconciled.absent', by: 'reconciler', t: 90_000 });
  t.is(o.state, 'resolved');
  t.true(o.actor.getSnapshot().hasTag('terminal'));
  o.send(filled('ghost', 0.1, 1, 91_000));
  t.is(o.context.filledQty, 0);
  t.like(o.commands.at(-1), { type: 'raiseIncident', incident: { kind: 'BAD_VENUE_DATA' } });
});

test('a malformed "found" is bad venue data: an incident, and checking goes on', (t) => {
  for (const bad of [
    { ...venue('open'), status: 'NEW_INSURANCE' },
    { ...venue('open'), filledQty: Number.NaN },
    { ...venue('open'), filledQty: 0.4 },
    { ...venue('open'), venueOrderId: '' },
  ]) {
    const o = unknownOrder();
    o.fireDeadline();
    o.send({ type: 'order.check.found', venueState: bad as VenueOrderState, t: 6_100 });
    t.is(o.state, 'unknown.checking');
    t.deepEqual(o.context.deadlines, { 'order.check.due': 8_000 });
    t.like(o.commands.at(-1), { type: 'raiseIncident', incident: { kind: 'BAD_VENUE_DATA' } });
  }
});

test('an unknown order restored from its snapshot keeps its checks and deadline for the host to re-arm', (t) => {
  const o = unknownOrder();
  o.fireDeadline();
  o.fireDeadline();
  const restored = createActor(orderMachine, {
    input: { clientOrderId: 'ignored', intent: LIMIT, lotSize: 0.1 },
    snapshot: JSON.parse(JSON.stringify(o.actor.getPersistedSnapshot())),
  }).start();
  t.is(statePath(restored.getSnapshot().value), 'unknown.checking');
  t.like(restored.getSnapshot().context, { checks: 2, clientOrderId: 'pd-abc123-x' });
  t.deepEqual(restored.getSnapshot().context.deadlines, { 'order.check.due': 10_000 });
});

// --- fills: duplicates and bad data -------------------------------------------------------------

test('the same fill id twice counts once', (t) => {
  const o = order();
  o.send({ type: 'order.sent', t: 0 }, { type: 'order.accepted', venueOrderId: 'v', t: 1 });
  o.send(filled('f1', 0.1, 50_000, 2), filled('f1', 0.1, 50_000, 3));
  t.is(o.state, 'partially_filled');
  t.like(o.context, { filledQty: 0.1, fillIds: ['f1'] });
  t.deepEqual(o.commands, [], 'a replay is not an incident');
});

test('a replayed fill after the order filled changes nothing', (t) => {
  const o = order();
  o.send({ type: 'order.sent', t: 0 }, filled('f1', 0.3, 50_000, 1), filled('f1', 0.3, 50_000, 2));
  t.is(o.state, 'filled');
  t.is(o.context.filledQty, 0.3);
  t.deepEqual(o.commands, []);
});

test('a fill beyond the order quantity is bad venue data: an incident, and the order is unchanged', (t) => {
  const o = order();
  o.send(
    { type: 'order.sent', t: 0 },
    { type: 'order.accepted', venueOrderId: 'v', t: 1 },
    filled('f1', 0.2, 50_000, 2),
  );
  const before = o.context;
  o.send(filled('f2', 0.2, 50_000, 3));
  t.is(o.state, 'partially_filled');
  t.is(o.context.filledQty, before.filledQty);
  t.deepEqual(o.context.fillIds, ['f1']);
  t.is(o.context.avgPrice, before.avgPrice);
  t.like(o.commands, [
    {
      type: 'raiseIncident',
      incident: { kind: 'BAD_VENUE_DATA', clientOrderId: 'pd-abc123-x', engine: 'mm-1', t: 3 },
    },
  ]);
  t.regex((o.commands[0] as { incident: { detail: string } }).incident.detail, /more than its 0.3/);
});

test('a fill after the order filled completely is an over-fill', (t) => {
  const o = order();
  o.send({ type: 'order.sent', t: 0 }, filled('f1', 0.3, 50_000, 1), filled('f2', 0.1, 50_000, 2));
  t.is(o.state, 'filled');
  t.is(o.context.filledQty, 0.3);
  t.like(o.commands[0], { type: 'raiseIncident', incident: { kind: 'BAD_VENUE_DATA' } });
});

for (const [what, fill] of [
  ['a NaN quantity', { fillId: 'x', qty: Number.NaN, price: 1 }],
  ['a negative quantity', { fillId: 'x', qty: -0.1, price: 1 }],
  ['a zero price', { fillId: 'x', qty: 0.1, price: 0 }],
  ['no fill id', { fillId: '', qty: 0.1, price: 1 }],
  ['a quantity off the lot size', { fillId: 'x', qty: 0.15, price: 1 }],
] as const) {
  test(`a fill with ${what} is bad venue data and changes nothing`, (t) => {
    const o = order();
    o.send({ type: 'order.sent', t: 0 }, { type: 'order.accepted', venueOrderId: 'v', t: 1 });
    o.send({ type: 'order.filled', ...fill, t: 2 });
    t.is(o.state, 'open');
    t.like(o.context, { filledQty: 0, filledLots: 0, fillIds: [], avgPrice: null });
    t.like(o.commands[0], { type: 'raiseIncident', incident: { kind: 'BAD_VENUE_DATA' } });
  });
}
