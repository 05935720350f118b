import test from 'ava';
import { createActor } from 'xstate';
import type {
  BreakerChanged,
  BreakerState,
  CircuitBreakerEvent,
  CircuitBreakerInput,
} from '../../machines/circuit-breaker.machine';
import {
  BREAKER_TOPIC,
  circuitBreakerConfigSchema,
  circuitBreakerMachine,
} from '../../machines/circuit-breaker.machine';

// Latency in ms: YELLOW from 100, RED from 200, three readings to confirm, one second to cool down.
const LATENCY: CircuitBreakerInput = {
  name: 'venue-latency',
  metric: 'venue.ack.latency_ms',
  scope: 'mm-1',
  yellowAt: 100,
  redAt: 200,
  direction: 'above',
  confirm: 3,
  cooldownMs: 1_000,
};

const GOOD = 50;
const WARN = 150;
const BAD = 250;

function breaker(input: CircuitBreakerInput = LATENCY) {
  const actor = createActor(circuitBreakerMachine, { input }).start();
  const published: BreakerChanged[] = [];
  const topics: string[] = [];
  actor.on('publish', (command) => {
    topics.push(command.topic);
    published.push(command.event);
  });
  let clock = 0;
  const read = (...values: number[]) => {
    for (const value of values) actor.send({ type: 'breaker.reading', value, t: (clock += 100) });
  };
  const readAt = (value: number, t: number) => {
    clock = t;
    actor.send({ type: 'breaker.reading', value, t });
  };
  const state = () => actor.getSnapshot().value as BreakerState;
  return { actor, published, topics, read, readAt, state };
}

test('a new circuit breaker is GREEN with no readings and nothing tripped', (t) => {
  const { actor, state } = breaker();
  t.is(state(), 'GREEN');
  t.like(actor.getSnapshot().context, {
    settings: LATENCY,
    last: null,
    lastT: null,
    redStreak: 0,
    yellowStreak: 0,
    calmSince: null,
    since: null,
    trippedValue: null,
    resetBy: null,
    invalidReadings: 0,
  });
});

test('circuit breaker trips to YELLOW after N yellow readings, not N-1', (t) => {
  const { read, state, published } = breaker();
  read(WARN, WARN);
  t.is(state(), 'GREEN');
  t.is(published.length, 0);
  read(WARN);
  t.is(state(), 'YELLOW');
  t.is(published.length, 1);
});

test('circuit breaker is not tripped by an interrupted streak', (t) => {
  const { actor, read, state, published } = breaker();
  read(WARN, WARN, GOOD, WARN, WARN, GOOD, BAD, BAD, GOOD, BAD, BAD);
  t.is(state(), 'GREEN');
  t.is(published.length, 0);
  t.like(actor.getSnapshot().context, { redStreak: 2, yellowStreak: 2, last: BAD });
});

test('circuit breaker goes from GREEN straight to RED after N red readings', (t) => {
  const { actor, read, state, published } = breaker();
  read(BAD, BAD);
  t.is(state(), 'GREEN');
  read(BAD);
  t.is(state(), 'RED');
  t.like(actor.getSnapshot().context, { trippedValue: BAD, since: 300, redStreak: 3, yellowStreak: 3 });
  t.deepEqual(
    published.map((e) => [e.from, e.to]),
    [['GREEN', 'RED']],
  );
});

test('circuit breaker counts red readings towards YELLOW', (t) => {
  const { read, state } = breaker();
  read(WARN, BAD, BAD);
  t.is(state(), 'YELLOW');
});

test('circuit breaker goes from YELLOW to RED after N red readings', (t) => {
  const { read, state, published } = breaker();
  read(WARN, WARN, WARN);
  read(BAD, BAD);
  t.is(state(), 'YELLOW');
  read(BAD);
  t.is(state(), 'RED');
  t.deepEqual(
    published.map((e) => [e.from, e.to]),
    [
      ['GREEN', 'YELLOW'],
      ['YELLOW', 'RED'],
    ],
  );
});

test('circuit breaker red streak carries from GREEN into YELLOW', (t) => {
  const { read, state } = breaker();
  read(WARN, WARN, BAD);
  t.is(state(), 'YELLOW');
  read(BAD, BAD);
  t.is(state(), 'RED');
});

test('circuit breaker RED latches through any number of good readings', (t) => {
  const { actor, read, readAt, state, published } = breaker();
  read(BAD, BAD, BAD);
  for (let i = 0; i < 50; i++) read(GOOD);
  readAt(GOOD, 1_000_000);
  t.is(state(), 'RED');
  t.is(published.length, 1);
  t.like(actor.getSnapshot().context, {
    last: GOOD,
    lastT: 1_000_000,
    trippedValue: BAD,
    since: 300,
    redStreak: 3,
  });
});

test('circuit breaker refuses a reset without a named operator', (t) => {
  const { actor, read, state, published } = breaker();
  read(BAD, BAD, BAD);
  for (const operator of ['', '   ']) {
    const reset: CircuitBreakerEvent = { type: 'breaker.reset', operator, t: 5_000 };
    t.false(actor.getSnapshot().can(reset));
    actor.send(reset);
    t.is(state(), 'RED');
  }
  t.is(published.length, 1);
  t.is(actor.getSnapshot().context.resetBy, null);
});

test('circuit breaker accepts a reset by a named operator and clears its streaks', (t) => {
  const { actor, read, state, published } = breaker();
  read(BAD, BAD, BAD);
  const reset: CircuitBreakerEvent = { type: 'breaker.reset', operator: 'alice', t: 5_000 };
  t.true(actor.getSnapshot().can(reset));
  actor.send(reset);
  t.is(state(), 'GREEN');
  t.like(actor.getSnapshot().context, {
    resetBy: 'alice',
    since: 5_000,
    redStreak: 0,
    yellowStreak: 0,
    trippedValue: BAD,
  });
  t.deepEqual(published[1], {
    type: 'breaker.changed',
    name: 'venue-latency',
    metric: 'venue.ack.latency_ms',
    scope: 'mm-1',
    from: 'RED',
    to: 'GREEN',
    value: null,
    by: 'alice',
    t: 5_000,
  });
});

test('circuit breaker needs N fresh red readings to trip again after a reset', (t) => {
  const { actor, read, state } = breaker();
  read(BAD, BAD, BAD);
  actor.send({ type: 'breaker.reset', operator: 'alice', t: 1_000 });
  read(BAD, BAD);
  t.is(state(), 'GREEN');
  read(BAD);
  t.is(state(), 'RED');
  t.is(actor.getSnapshot().context.resetBy, null, 'a fresh trip is not reset yet');
});

test('circuit breaker ignores a reset in GREEN and YELLOW', (t) => {
  for (const warm of [false, true]) {
    const { actor, read, state, published } = breaker();
    if (warm) read(WARN, WARN, WARN);
    const before = state();
    const reset: CircuitBreakerEvent = { type: 'breaker.reset', operator: 'alice', t: 1 };
    t.false(actor.getSnapshot().can(reset));
    actor.send(reset);
    t.is(state(), before);
    t.is(published.length, warm ? 1 : 0);
    t.is(actor.getSnapshot().context.resetBy, null);
  }
});

test('circuit breaker cools down from YELLOW to GREEN only after cooldownMs of calm readings', (t) => {
  const { actor, readAt, state, published } = breaker();
  readAt(WARN, 100);
  readAt(WARN, 200);
  readAt(WARN, 300);
  t.is(state(), 'YELLOW');
  readAt(GOOD, 1_000);
  t.is(actor.getSnapshot().context.calmSince, 1_000);
  readAt(GOOD, 1_500);
  readAt(GOOD, 1_999);
  t.is(state(), 'YELLOW');
  readAt(GOOD, 2_000);
  t.is(state(), 'GREEN');
  t.like(actor.getSnapshot().context, { calmSince: null, since: 2_000 });
  t.like(published[1], { from: 'YELLOW', to: 'GREEN', value: GOOD, by: 'breaker', t: 2_000 });
});

test('circuit breaker restarts the cooldown on a yellow reading during the calm', (t) => {
  const { actor, readAt, state } = breaker();
  readAt(WARN, 100);
  readAt(WARN, 200);
  readAt(WARN, 300);
  readAt(GOOD, 1_000);
  readAt(GOOD, 1_900);
  readAt(WARN, 1_950);
  t.is(actor.getSnapshot().context.calmSince, null);
  readAt(GOOD, 2_000);
  t.is(state(), 'YELLOW', 'the calm that began at 1000 was broken');
  t.is(actor.getSnapshot().context.calmSince, 2_000);
  readAt(GOOD, 2_999);
  t.is(state(), 'YELLOW');
  readAt(GOOD, 3_000);
  t.is(state(), 'GREEN');
});

test('circuit breaker with no cooldown returns to GREEN on the first calm reading', (t) => {
  const { read, state } = breaker({ ...LATENCY, cooldownMs: 0 });
  read(WARN, WARN, WARN);
  t.is(state(), 'YELLOW');
  read(GOOD);
  t.is(state(), 'GREEN');
});

test('circuit breaker with direction below trips as the value falls', (t) => {
  const ackRate: CircuitBreakerInput = {
    name: 'ack-rate',
    metric: 'venue.ack.success_rate',
    scope: 'global',
    yellowAt: 0.98,
    redAt: 0.9,
    direction: 'below',
    confirm: 2,
    cooldownMs: 0,
  };
  const { read, state, published } = breaker(ackRate);
  read(0.99, 1, 0.98);
  t.is(state(), 'GREEN', 'a single reading at the threshold is not confirmed');
  read(0.95);
  t.is(state(), 'YELLOW');
  read(0.99);
  t.is(state(), 'GREEN');
  read(0.9, 0.5);
  t.is(state(), 'RED');
  t.deepEqual(
    published.map((e) => [e.from, e.to, e.value]),
    [
      ['GREEN', 'YELLOW', 0.95],
      ['YELLOW', 'GREEN', 0.99],
      ['GREEN', 'RED', 0.5],
    ],
  );
});

test('circuit breaker trips at the threshold itself with direction above', (t) => {
  const { read, state } = breaker();
  read(200, 200, 200);
  t.is(state(), 'RED');
});

for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
  test(`circuit breaker reading ${bad} changes nothing but the invalid count`, (t) => {
    const { actor, read, state, published } = breaker();
    read(BAD, BAD);
    const before = actor.getSnapshot().context;
    actor.send({ type: 'breaker.reading', value: bad, t: 10_000 });
    t.is(state(), 'GREEN');
    t.deepEqual(actor.getSnapshot().context, { ...before, invalidReadings: 1 });
    read(BAD);
    t.is(state(), 'RED', 'the streak survives the bad reading');
    t.is(published.length, 1);
  });
}

test('circuit breaker ignores a reading with a non-finite time', (t) => {
  const { actor, read, state } = breaker();
  read(WARN, WARN, WARN);
  read(GOOD);
  const before = actor.getSnapshot().context;
  actor.send({ type: 'breaker.reading', value: GOOD, t: Number.POSITIVE_INFINITY });
  t.is(state(), 'YELLOW');
  t.deepEqual(actor.getSnapshot().context, { ...before, invalidReadings: 1 });
});

test('circuit breaker counts invalid readings in every state', (t) => {
  const { actor, read, state } = breaker();
  actor.send({ type: 'breaker.reading', value: Number.NaN, t: 1 });
  read(WARN, WARN, WARN);
  actor.send({ type: 'breaker.reading', value: Number.NaN, t: 2 });
  read(BAD, BAD, BAD);
  actor.send({ type: 'breaker.reading', value: Number.NaN, t: 3 });
  t.is(state(), 'RED');
  t.is(actor.getSnapshot().context.invalidReadings, 3);
});

test('circuit breaker publishes every change on the breakers topic with its from and to', (t) => {
  const { actor, read, topics, published } = breaker();
  read(WARN, WARN, WARN, BAD, BAD, BAD);
  actor.send({ type: 'breaker.reset', operator: 'bob', t: 9_000 });
  t.is(BREAKER_TOPIC, 'breakers');
  t.deepEqual(topics, [BREAKER_TOPIC, BREAKER_TOPIC, BREAKER_TOPIC]);
  t.deepEqual(published, [
    {
      type: 'breaker.changed',
      name: 'venue-latency',
      metric: 'venue.ack.latency_ms',
      scope: 'mm-1',
      from: 'GREEN',
      to: 'YELLOW',
      value: WARN,
      by: 'breaker',
      t: 300,
    },
    {
      type: 'breaker.changed',
      name: 'venue-latency',
      metric: 'venue.ack.latency_ms',
      scope: 'mm-1',
      from: 'YELLOW',
      to: 'RED',
      value: BAD,
      by: 'breaker',
      t: 600,
    },
    {
      type: 'breaker.changed',
      name: 'venue-latency',
      metric: 'venue.ack.latency_ms',
      scope: 'mm-1',
      from: 'RED',
      to: 'GREEN',
      value: null,
      by: 'bob',
      t: 9_000,
    },
  ]);
});

test('a restored circuit breaker keeps RED latched', (t) => {
  const { actor, read } = breaker();
  read(BAD, BAD, BAD);
  const restored = createActor(circuitBreakerMachine, {
    input: LATENCY,
    snapshot: actor.getPersistedSnapshot(),
  }).start();
  restored.send({ type: 'breaker.reading', value: GOOD, t: 10_000 });
  t.is(restored.getSnapshot().value, 'RED');
  t.like(restored.getSnapshot().context, { trippedValue: BAD, redStreak: 3, last: GOOD });
  t.false(restored.getSnapshot().can({ type: 'breaker.reset', operator: '', t: 10_001 }));
  t.true(restored.getSnapshot().can({ type: 'breaker.reset', operator: 'alice', t: 10_001 }));
});

test('a restored circuit breaker keeps its streaks and its cooldown', (t) => {
  const { actor, read, readAt } = breaker();
  read(WARN, WARN);
  const streaking = createActor(circuitBreakerMachine, {
    input: LATENCY,
    snapshot: actor.getPersistedSnapshot(),
  }).start();
  t.like(streaking.getSnapshot().context, { yellowStreak: 2, redStreak: 0 });
  streaking.send({ type: 'breaker.reading', value: WARN, t: 300 });
  t.is(streaking.getSnapshot().value, 'YELLOW', 'the third reading confirms the two before the restore');

  read(WARN);
  readAt(GOOD, 1_000);
  const cooling = createActor(circuitBreakerMachine, {
    input: LATENCY,
    snapshot: actor.getPersistedSnapshot(),
  }).start();
  t.is(cooling.getSnapshot().context.calmSince, 1_000);
  cooling.send({ type: 'breaker.reading', value: GOOD, t: 2_000 });
  t.is(cooling.getSnapshot().value, 'GREEN');
});

test('circuit breaker config schema accepts valid settings in both directions', (t) => {
  const parsed: CircuitBreakerInput = circuitBreakerConfigSchema.parse(LATENCY);
  t.deepEqual(parsed, LATENCY);
  t.true(
    circuitBreakerConfigSchema.safeParse({ ...LATENCY, direction: 'below', yellowAt: 0.98, redAt: 0.9 })
      .success,
  );
});

test('circuit breaker config schema rejects yellowAt beyond redAt for the direction, naming the field', (t) => {
  const cases = [
    { ...LATENCY, direction: 'above', yellowAt: 300, redAt: 200 },
    { ...LATENCY, direction: 'above', yellowAt: 200, redAt: 200 },
    { ...LATENCY, direction: 'below', yellowAt: 0.9, redAt: 0.98 },
  ];
  for (const raw of cases) {
    const parsed = circuitBreakerConfigSchema.safeParse(raw);
    t.false(parsed.success);
    const issue = parsed.error?.issues[0];
    t.deepEqual(issue?.path, ['yellowAt']);
    t.regex(
      issue?.message ?? '',
      /yellowAt .* must be (below|above) redAt .* when direction is '(above|below)'/,
    );
  }
});

test('circuit breaker config schema names each bad field', (t) => {
  const cases: ReadonlyArray<readonly [Record<string, unknown>, string]> = [
    [{ ...LATENCY, name: ' ' }, 'name'],
    [{ ...LATENCY, metric: '' }, 'metric'],
    [{ ...LATENCY, confirm: 0 }, 'confirm'],
    [{ ...LATENCY, confirm: 101 }, 'confirm'],
    [{ ...LATENCY, confirm: 2.5 }, 'confirm'],
    [{ ...LATENCY, cooldownMs: -1 }, 'cooldownMs'],
    [{ ...LATENCY, redAt: Number.POSITIVE_INFINITY }, 'redAt'],
    [{ ...LATENCY, direction: 'sideways' }, 'direction'],
    [{ ...LATENCY, extra: true }, ''],
  ];
  for (const [raw, field] of cases) {
    const parsed = circuitBreakerConfigSchema.safeParse(raw);
    t.false(parsed.success, `${field || 'an unknown key'} must be rejected`);
    if (field !== '') t.deepEqual(parsed.error?.issues[0]?.path, [field]);
  }
});
