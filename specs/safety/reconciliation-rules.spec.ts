import test from 'ava';
import {
  LOCAL_ORDER_STATES,
  RECONCILIATION_GUARDS,
  RECONCILIATION_RULES,
  VENUE_REPORT_STATES,
  judgeOrder,
  localStateOf,
} from '../../actors/safety/reconciliation-rules';
import type {
  HealAction,
  JudgeContext,
  LocalOrderState,
  RuleKey,
  VenueReportState,
} from '../../actors/safety/reconciliation-rules';
import { clientOrderId, isOwnClientOrderId } from '../../actors/trading/client-order-id';
import type { OrderRecord } from '../../actors/trading/execution-store';
import type { VenueOrder, VenueOrderStatus } from '../../actors/trading/types';
import { orderMachine } from '../../machines/order.machine';

const INSTANCE = 'recon-spec';
const OURS = clientOrderId(INSTANCE, 'intent-1');
const FOREIGN = 'web_8f3a2c'; // placed by hand on the venue's website
const NOW = 1_000_000;

function ctx(overrides: Partial<JudgeContext> = {}): JudgeContext {
  return {
    now: NOW,
    minAgeMs: 5_000,
    absentAfterMs: 90_000,
    ours: (id) => isOwnClientOrderId(INSTANCE, id),
    ...overrides,
  };
}

function record(state: string, overrides: Partial<OrderRecord> = {}): OrderRecord {
  return {
    clientOrderId: OURS,
    intentId: 'intent-1',
    engine: 'mm',
    strategy: 'a',
    symbol: 'BTCUSDT',
    side: 'buy',
    type: 'limit',
    qty: 1,
    price: 100,
    filledQty: 0,
    avgPrice: null,
    state,
    terminal: ['filled', 'cancelled', 'rejected', 'resolved'].includes(state),
    snapshot: { status: 'active', value: state },
    t: 0,
    ...overrides,
  };
}

function venueOrder(status: VenueOrderStatus, overrides: Partial<VenueOrder> = {}): VenueOrder {
  return {
    venueOrderId: 'v-1',
    clientOrderId: OURS,
    symbol: 'BTCUSDT',
    side: 'buy',
    type: 'limit',
    price: 100,
    qty: 1,
    filledQty: 0,
    avgFillPrice: null,
    status,
    createdAt: 0,
    updatedAt: 0,
    ...overrides,
  };
}

// One concrete record per row and order per column; quantities are chosen so that the cell itself
// decides (no guard fires), which the test checks through `by`.
const LOCAL: Record<LocalOrderState, (venue: VenueReportState) => OrderRecord | undefined> = {
  absent: () => undefined,
  pending: () => record('pending'),
  'in-flight': () => record('unknown.checking'),
  working: () => record('open'),
  filled: () => record('filled', { filledQty: 1, avgPrice: 100 }),
  cancelled: () => record('cancelled'),
  rejected: () => record('rejected'),
};

function venueFor(local: LocalOrderState, venue: VenueReportState): VenueOrder | undefined {
  if (venue === 'absent') return undefined;
  // We counted the order complete: a venue with the same quantity, so the cell (not the
  // local-fills-ahead guard) is what says "human".
  if (local === 'filled') return venueOrder(venue, { filledQty: 1 });
  if (venue === 'partially_filled') return venueOrder(venue, { filledQty: 0.4 });
  if (venue === 'filled') return venueOrder(venue, { filledQty: 1 });
  return venueOrder(venue);
}

type Expected = readonly ['match' | 'human' | 'wait'] | readonly ['heal', HealAction];

// Written out by hand, not read from the table, so a changed cell fails here.
const EXPECTED: Record<RuleKey, Expected> = {
  'absent/absent': ['match'],
  'absent/open': ['heal', 'cancel-orphan'],
  'absent/partially_filled': ['human'],
  'absent/filled': ['human'],
  'absent/cancelled': ['match'],
  'absent/rejected': ['match'],
  'pending/absent': ['heal', 'resolve-never-placed'],
  'pending/open': ['human'],
  'pending/partially_filled': ['human'],
  'pending/filled': ['human'],
  'pending/cancelled': ['human'],
  'pending/rejected': ['human'],
  'in-flight/absent': ['heal', 'resolve-never-placed'],
  'in-flight/open': ['heal', 'adopt-venue-status'],
  'in-flight/partially_filled': ['heal', 'adopt-venue-status'],
  'in-flight/filled': ['heal', 'adopt-venue-status'],
  'in-flight/cancelled': ['heal', 'adopt-venue-status'],
  'in-flight/rejected': ['heal', 'adopt-venue-status'],
  'working/absent': ['human'],
  'working/open': ['match'],
  'working/partially_filled': ['heal', 'update-fill-progress'],
  'working/filled': ['heal', 'adopt-venue-status'],
  'working/cancelled': ['heal', 'adopt-venue-status'],
  'working/rejected': ['human'],
  'filled/absent': ['match'],
  'filled/open': ['human'],
  'filled/partially_filled': ['human'],
  'filled/filled': ['match'],
  'filled/cancelled': ['human'],
  'filled/rejected': ['human'],
  'cancelled/absent': ['match'],
  'cancelled/open': ['heal', 'cancel-orphan'],
  'cancelled/partially_filled': ['heal', 'cancel-orphan'],
  'cancelled/filled': ['heal', 'adopt-venue-status'],
  'cancelled/cancelled': ['match'],
  'cancelled/rejected': ['match'],
  'rejected/absent': ['match'],
  'rejected/open': ['heal', 'cancel-orphan'],
  'rejected/partially_filled': ['human'],
  'rejected/filled': ['human'],
  'rejected/cancelled': ['match'],
  'rejected/rejected': ['match'],
};

test('the table has every one of the 7 × 6 cells, each with a reason', (t) => {
  const keys = LOCAL_ORDER_STATES.flatMap((l) => VENUE_REPORT_STATES.map((v) => `${l}/${v}`));
  t.is(keys.length, 42);
  t.deepEqual(Object.keys(RECONCILIATION_RULES).sort(), [...keys].sort());
  for (const [key, rule] of Object.entries(RECONCILIATION_RULES)) {
    t.true(rule.why.length > 20, `${key} has a reason`);
    if (rule.unless) t.true(rule.unless.why.length > 10, `${key}'s exception has a reason`);
  }
  for (const [name, guard] of Object.entries(RECONCILIATION_GUARDS)) t.true(guard.why.length > 20, name);
});

for (const local of LOCAL_ORDER_STATES) {
  for (const venue of VENUE_REPORT_STATES) {
    const key: RuleKey = `${local}/${venue}`;
    if (key === 'absent/absent') {
      test('reconciliation cell absent/absent is a match that is never asked for', (t) => {
        t.like(RECONCILIATION_RULES[key], { verdict: { kind: EXPECTED[key][0] } });
        t.throws(() => judgeOrder(undefined, undefined, ctx()), { instanceOf: TypeError });
      });
      continue;
    }
    test(`reconciliation cell ${key} decides ${EXPECTED[key].join(' ')}`, (t) => {
      const judgement = judgeOrder(LOCAL[local](venue), venueFor(local, venue), ctx());
      t.is(judgement.key, key);
      t.is(judgement.clientOrderId, OURS);
      t.true(judgement.by === 'rule' || judgement.by === 'rule-exception', `decided by ${judgement.by}`);
      const { outcome } = judgement;
      t.deepEqual(outcome.kind === 'heal' ? [outcome.kind, outcome.action] : [outcome.kind], EXPECTED[key]);
      if (judgement.outcome.kind === 'heal' || judgement.outcome.kind === 'human') {
        t.true(judgement.outcome.why.length > 0);
        t.false(
          'snapshot' in (judgement.outcome.diff.local ?? {}),
          'the diff leaves out the machine snapshot',
        );
      }
    });
  }
}

test('judging with neither side, or with two different orders, is a programming error', (t) => {
  t.throws(() => judgeOrder(undefined, undefined, ctx()), { instanceOf: TypeError });
  t.throws(() => judgeOrder(record('open'), venueOrder('open', { clientOrderId: 'other' }), ctx()), {
    instanceOf: TypeError,
  });
});

test('every state of the order machine maps to a row of the table', (t) => {
  const paths: string[] = [];
  const walk = (node: { states?: Record<string, unknown> }, prefix: string): void => {
    for (const [name, child] of Object.entries(node.states ?? {})) {
      const path = prefix === '' ? name : `${prefix}.${name}`;
      paths.push(path);
      walk(child as { states?: Record<string, unknown> }, path);
    }
  };
  walk(orderMachine.root as unknown as { states: Record<string, unknown> }, '');
  t.true(paths.includes('unknown.exhausted'));
  t.deepEqual(Object.fromEntries(paths.map((p) => [p, localStateOf(p)])), {
    pending: 'pending',
    submitted: 'in-flight',
    open: 'working',
    partially_filled: 'working',
    unknown: 'in-flight',
    'unknown.checking': 'in-flight',
    'unknown.exhausted': 'in-flight',
    filled: 'filled',
    cancelled: 'cancelled',
    rejected: 'rejected',
    resolved: 'rejected',
  });
});

test('an order either side changed less than minAgeMs ago is not judged', (t) => {
  const young = judgeOrder(record('open', { t: NOW - 1_000 }), venueOrder('filled', { filledQty: 1 }), ctx());
  t.like(young, { by: 'too-young', outcome: { kind: 'wait', retryAt: NOW + 4_000 } });

  const venueJustMoved = judgeOrder(
    record('filled', { filledQty: 1 }),
    venueOrder('open', { filledQty: 1, updatedAt: NOW - 10 }),
    ctx(),
  );
  t.like(venueJustMoved, { by: 'too-young', outcome: { kind: 'wait', retryAt: NOW - 10 + 5_000 } });

  const orphanJustPlaced = judgeOrder(
    undefined,
    venueOrder('open', { createdAt: NOW, updatedAt: NOW }),
    ctx(),
  );
  t.like(orphanJustPlaced, { by: 'too-young', outcome: { kind: 'wait' } });

  const oldEnough = judgeOrder(record('open', { t: NOW - 5_000 }), venueOrder('open'), ctx());
  t.like(oldEnough, { by: 'rule', outcome: { kind: 'match' } });
});

test('one "absent" for an in-flight order is not proof: it waits until absentAfterMs, then resolves', (t) => {
  for (const state of ['submitted', 'unknown.checking', 'unknown.exhausted']) {
    const sentAt = NOW - 30_000;
    const early = judgeOrder(record(state, { t: sentAt }), undefined, ctx());
    t.like(early, {
      key: 'in-flight/absent',
      by: 'rule-exception',
      outcome: { kind: 'wait', retryAt: sentAt + 90_000 },
    });
    const proven = judgeOrder(record(state, { t: sentAt }), undefined, ctx({ now: sentAt + 90_000 }));
    t.like(proven, { outcome: { kind: 'heal', action: 'resolve-never-placed' } });
  }
});

test('an acknowledged order the venue stops listing waits, then needs a human (never "never placed")', (t) => {
  const seen = NOW - 20_000;
  t.like(judgeOrder(record('partially_filled', { filledQty: 0.4, t: seen }), undefined, ctx()), {
    key: 'working/absent',
    outcome: { kind: 'wait', retryAt: seen + 90_000 },
  });
  const late = judgeOrder(record('open', { t: seen }), undefined, ctx({ now: seen + 90_000 }));
  t.like(late, { outcome: { kind: 'human', diff: { differs: ['presence'], venue: null } } });
});

test('a pending order waits for its dispatch, and a stale one is resolved so it is never sent late', (t) => {
  t.like(judgeOrder(record('pending', { t: NOW - 10_000 }), undefined, ctx()), {
    key: 'pending/absent',
    outcome: { kind: 'wait' },
  });
  t.like(judgeOrder(record('pending', { t: NOW - 90_000 }), undefined, ctx()), {
    outcome: { kind: 'heal', action: 'resolve-never-placed' },
  });
});

test('we never heal a fill backwards: local filled against a working venue order needs a human', (t) => {
  for (const status of ['open', 'partially_filled'] as const) {
    const judgement = judgeOrder(
      record('filled', { filledQty: 1 }),
      venueOrder(status, { filledQty: status === 'open' ? 0 : 0.5 }),
      ctx(),
    );
    t.like(judgement, { key: `filled/${status}`, by: 'local-fills-ahead', outcome: { kind: 'human' } });
  }
});

test('counting more filled than the venue reports needs a human, whatever the statuses', (t) => {
  const judgement = judgeOrder(
    record('partially_filled', { filledQty: 0.6 }),
    venueOrder('partially_filled', { filledQty: 0.4 }),
    ctx(),
  );
  t.like(judgement, { key: 'working/partially_filled', by: 'local-fills-ahead', outcome: { kind: 'human' } });
  if (judgement.outcome.kind === 'human') t.deepEqual(judgement.outcome.diff.differs, ['filledQty']);
});

test('fill progress: same fills match, more at the venue heals, float residue is no difference', (t) => {
  const same = judgeOrder(
    record('partially_filled', { filledQty: 0.30000000000000004 }),
    venueOrder('partially_filled', { filledQty: 0.3 }),
    ctx(),
  );
  t.like(same, { key: 'working/partially_filled', outcome: { kind: 'match' } });
  const ahead = judgeOrder(
    record('partially_filled', { filledQty: 0.3 }),
    venueOrder('open', { filledQty: 0.5 }),
    ctx(),
  );
  t.like(ahead, { by: 'rule-exception', outcome: { kind: 'heal', action: 'update-fill-progress' } });
});

test('a cancel that raced a fill heals by fetching the fill', (t) => {
  const judgement = judgeOrder(record('cancelled'), venueOrder('cancelled', { filledQty: 0.2 }), ctx());
  t.like(judgement, { outcome: { kind: 'heal', action: 'update-fill-progress' } });
});

test('a foreign order is never cancelled by us unless configured, and alerts a human', (t) => {
  const foreign = venueOrder('open', { clientOrderId: FOREIGN });
  t.like(judgeOrder(undefined, foreign, ctx()), {
    key: 'absent/open',
    by: 'foreign-working',
    outcome: { kind: 'human', diff: { local: null, differs: ['presence'] } },
  });
  t.like(judgeOrder(undefined, foreign, ctx({ cancelForeign: true })), {
    by: 'foreign-working',
    outcome: { kind: 'heal', action: 'cancel-orphan' },
  });
  // Another instance of ours on the same account is foreign too.
  const sibling = venueOrder('open', { clientOrderId: clientOrderId('other-instance', 'intent-1') });
  t.like(judgeOrder(undefined, sibling, ctx()), { outcome: { kind: 'human' } });
  t.like(judgeOrder(undefined, venueOrder('filled', { clientOrderId: FOREIGN, filledQty: 1 }), ctx()), {
    by: 'foreign-executed',
    outcome: { kind: 'human' },
  });
  t.like(judgeOrder(undefined, venueOrder('cancelled', { clientOrderId: FOREIGN }), ctx()), {
    by: 'foreign-inert',
    outcome: { kind: 'match' },
  });
});

test('an orphan of ours that ended with fills needs a human', (t) => {
  t.like(judgeOrder(undefined, venueOrder('cancelled', { filledQty: 0.3 }), ctx()), {
    by: 'rule-exception',
    outcome: { kind: 'human' },
  });
});

test('the same client id with different terms needs a human, with the fields named', (t) => {
  const judgement = judgeOrder(record('open'), venueOrder('open', { side: 'sell', price: 101 }), ctx());
  t.like(judgement, { by: 'terms-differ', outcome: { kind: 'human' } });
  if (judgement.outcome.kind === 'human') t.deepEqual(judgement.outcome.diff.differs, ['side', 'price']);
  const nonsense = judgeOrder(record('open'), venueOrder('open', { filledQty: Number.NaN }), ctx());
  t.like(nonsense, { by: 'terms-differ', outcome: { kind: 'human' } });
});

test('a market order is not compared by price (venues report 0 for one)', (t) => {
  const judgement = judgeOrder(
    record('filled', { type: 'market', price: null, filledQty: 1 }),
    venueOrder('filled', { type: 'market', price: 0, filledQty: 1 }),
    ctx(),
  );
  t.like(judgement, { outcome: { kind: 'match' } });
});

test('an order-machine state the table does not know needs a human', (t) => {
  t.like(judgeOrder(record('expired'), venueOrder('open'), ctx()), {
    key: null,
    by: 'unrecognized-state',
    outcome: { kind: 'human' },
  });
});

test('a heal carries the diff of both sides', (t) => {
  const judgement = judgeOrder(
    record('open'),
    venueOrder('filled', { filledQty: 1, avgFillPrice: 100 }),
    ctx(),
  );
  t.like(judgement, { key: 'working/filled', outcome: { kind: 'heal', action: 'adopt-venue-status' } });
  if (judgement.outcome.kind !== 'heal') return;
  t.deepEqual(judgement.outcome.diff.differs, ['status', 'filledQty']);
  t.is(judgement.outcome.diff.local?.state, 'open');
  t.is(judgement.outcome.diff.venue?.status, 'filled');
});
