import test from 'ava';
import { createActor } from 'xstate';
import type { TradingStateEvent, TradingStateValue } from '../../machines/trading-state.machine';
import {
  reasonsOf,
  TRADING_STATE_TOPIC,
  effectiveTradingState,
  mostRestrictive,
  tradingStateMachine,
} from '../../machines/trading-state.machine';

const STATES: readonly TradingStateValue[] = ['ACTIVE', 'REDUCING', 'HALTED'];

function inState(state: TradingStateValue) {
  const actor = createActor(tradingStateMachine, { input: { level: 'engine', scope: 'mm-1' } }).start();
  if (state === 'REDUCING') actor.send({ type: 'trading.reduce', reason: 'setup', by: 'spec', t: 1 });
  if (state === 'HALTED') actor.send({ type: 'trading.halt', reason: 'setup', by: 'spec', t: 1 });
  const published: unknown[] = [];
  actor.on('publish', (event) => published.push(event.event));
  return { actor, published };
}

const EVENTS: Readonly<Record<string, TradingStateEvent>> = {
  reduce: { type: 'trading.reduce', reason: 'reconciling', by: 'reconciler', t: 10 },
  halt: { type: 'trading.halt', reason: 'drawdown', by: 'breaker', t: 10 },
  resume: { type: 'trading.resume', operator: 'alice', t: 10 },
  resumeToReducing: { type: 'trading.resume', operator: 'alice', to: 'REDUCING', t: 10 },
  resumeUnnamed: { type: 'trading.resume', operator: '  ', t: 10 },
  cleared: { type: 'trading.reduce.cleared', by: 'reconciler', t: 10 },
  clearedUnnamed: { type: 'trading.reduce.cleared', by: '', t: 10 },
};

// The whole transition table: [from, event] → to. Anything not a change must leave the state alone.
const TABLE: ReadonlyArray<readonly [TradingStateValue, keyof typeof EVENTS, TradingStateValue]> = [
  ['ACTIVE', 'reduce', 'REDUCING'],
  ['ACTIVE', 'halt', 'HALTED'],
  ['ACTIVE', 'resume', 'ACTIVE'],
  ['ACTIVE', 'resumeToReducing', 'ACTIVE'],
  ['ACTIVE', 'resumeUnnamed', 'ACTIVE'],
  ['ACTIVE', 'cleared', 'ACTIVE'],
  ['ACTIVE', 'clearedUnnamed', 'ACTIVE'],
  ['REDUCING', 'reduce', 'REDUCING'],
  ['REDUCING', 'halt', 'HALTED'],
  ['REDUCING', 'resume', 'ACTIVE'],
  ['REDUCING', 'resumeToReducing', 'REDUCING'],
  ['REDUCING', 'resumeUnnamed', 'REDUCING'],
  ['REDUCING', 'cleared', 'ACTIVE'],
  ['REDUCING', 'clearedUnnamed', 'REDUCING'],
  ['HALTED', 'reduce', 'HALTED'],
  ['HALTED', 'halt', 'HALTED'],
  ['HALTED', 'resume', 'ACTIVE'],
  ['HALTED', 'resumeToReducing', 'REDUCING'],
  ['HALTED', 'resumeUnnamed', 'HALTED'],
  ['HALTED', 'cleared', 'HALTED'],
  ['HALTED', 'clearedUnnamed', 'HALTED'],
];

for (const [from, name, to] of TABLE) {
  test(`trading state ${from} on ${name} ${from === to ? 'stays' : 'goes to'} ${to}`, (t) => {
    const { actor, published } = inState(from);
    const event = EVENTS[name] as TradingStateEvent;
    // A further reason to reduce is taken while REDUCING (it must be withdrawn too), without a change.
    const addsReason = from === 'REDUCING' && name === 'reduce';
    t.is(actor.getSnapshot().can(event), from !== to || addsReason);
    actor.send(event);
    t.is(actor.getSnapshot().value, to);
    t.is(published.length, from === to ? 0 : 1, 'publishes exactly when the state changes');
  });
}

test('a new trading state is ACTIVE with no reason and nobody behind it', (t) => {
  const actor = createActor(tradingStateMachine, { input: { level: 'global', scope: 'global' } }).start();
  t.is(actor.getSnapshot().value, 'ACTIVE');
  t.like(actor.getSnapshot().context, {
    level: 'global',
    scope: 'global',
    reason: null,
    by: null,
    since: null,
  });
});

test('a halt records its reason, who halted and when, and publishes the change', (t) => {
  const { actor, published } = inState('REDUCING');
  actor.send({ type: 'trading.halt', reason: 'drawdown 12% from peak', by: 'drawdown-breaker', t: 42_000 });
  t.like(actor.getSnapshot().context, {
    reason: 'drawdown 12% from peak',
    by: 'drawdown-breaker',
    since: 42_000,
  });
  t.deepEqual(published, [
    {
      type: 'trading.state.changed',
      level: 'engine',
      scope: 'mm-1',
      from: 'REDUCING',
      to: 'HALTED',
      reason: 'drawdown 12% from peak',
      by: 'drawdown-breaker',
      t: 42_000,
    },
  ]);
});

test('a second restriction of the same kind keeps the first reason', (t) => {
  const { actor } = inState('ACTIVE');
  actor.send({ type: 'trading.reduce', reason: 'first', by: 'a', t: 1 });
  actor.send({ type: 'trading.reduce', reason: 'second', by: 'b', t: 2 });
  t.like(actor.getSnapshot().context, { reason: 'first', by: 'a', since: 1 });
});

test('an operator resume clears the reason and records the operator', (t) => {
  const { actor, published } = inState('HALTED');
  actor.send({ type: 'trading.resume', operator: 'alice', t: 99 });
  t.like(actor.getSnapshot().context, { reason: null, by: 'alice', since: 99 });
  t.like(published[0], { from: 'HALTED', to: 'ACTIVE', by: 'alice', reason: null, t: 99 });
});

test('an operator may resume a halt into REDUCING to flatten, and the reason says so', (t) => {
  const { actor } = inState('HALTED');
  actor.send({ type: 'trading.resume', operator: 'bob', to: 'REDUCING', t: 5 });
  t.is(actor.getSnapshot().value, 'REDUCING');
  t.like(actor.getSnapshot().context, { by: 'bob', since: 5, reason: 'resumed to REDUCING by bob' });
});

test('nothing leaves HALTED but a resume by a named operator', (t) => {
  const { actor } = inState('HALTED');
  for (const name of ['reduce', 'halt', 'resumeUnnamed', 'cleared', 'clearedUnnamed'] as const) {
    actor.send(EVENTS[name] as TradingStateEvent);
    t.is(actor.getSnapshot().value, 'HALTED', `${name} must not leave HALTED`);
  }
  t.true(actor.getSnapshot().can({ type: 'trading.resume', operator: 'alice', t: 1 }));
});

test('the machine publishes on the trading-state topic', (t) => {
  const actor = createActor(tradingStateMachine, {
    input: { level: 'strategy', scope: 'mm-1/quoter' },
  }).start();
  const topics: string[] = [];
  actor.on('publish', (command) => topics.push(command.topic));
  actor.send({ type: 'trading.halt', reason: 'x', by: 'y', t: 0 });
  t.deepEqual(topics, [TRADING_STATE_TOPIC]);
});

test('a restored trading state keeps its state and reason', (t) => {
  const { actor } = inState('HALTED');
  const restored = createActor(tradingStateMachine, {
    input: { level: 'engine', scope: 'mm-1' },
    snapshot: actor.getPersistedSnapshot(),
  }).start();
  t.is(restored.getSnapshot().value, 'HALTED');
  t.is(restored.getSnapshot().context.reason, 'setup');
});

// Effective state = the most restrictive of global, engine and strategy: all 27 combinations.
for (const global of STATES) {
  for (const engine of STATES) {
    for (const strategy of STATES) {
      const levels = [global, engine, strategy];
      const expected = levels.includes('HALTED')
        ? 'HALTED'
        : levels.includes('REDUCING')
          ? 'REDUCING'
          : 'ACTIVE';
      test(`effective trading state of global ${global}, engine ${engine}, strategy ${strategy} is ${expected}`, (t) => {
        t.is(effectiveTradingState(global, engine, strategy), expected);
      });
    }
  }
}

test('a strategy REDUCING on its own stays REDUCING under an ACTIVE engine and global state', (t) => {
  t.is(effectiveTradingState('ACTIVE', 'ACTIVE', 'REDUCING'), 'REDUCING');
});

test('a global halt halts a strategy whatever its own state', (t) => {
  for (const state of STATES) t.is(effectiveTradingState('HALTED', 'ACTIVE', state), 'HALTED');
});

test('the most restrictive of no states is ACTIVE', (t) => {
  t.is(mostRestrictive(), 'ACTIVE');
  t.is(mostRestrictive('REDUCING', 'ACTIVE', 'REDUCING'), 'REDUCING');
});

test('REDUCING holds every reason: withdrawing one leaves the others, the last one lifts it, a resume lifts all', (t) => {
  const actor = createActor(tradingStateMachine, { input: { level: 'engine', scope: 'maker' } }).start();
  actor.send({ type: 'trading.reduce', reason: 'not reconciled since start', by: 'maker', t: 1 });
  actor.send({ type: 'trading.reduce', reason: 'ORDER_OUTCOME_UNKNOWN', by: 'maker/execution', t: 2 });
  actor.send({
    type: 'trading.reduce.cleared',
    reason: 'not reconciled since start',
    by: 'recon-maker',
    t: 3,
  });
  t.is(actor.getSnapshot().value, 'REDUCING', 'the unknown outcome still holds it');
  t.deepEqual(reasonsOf(actor.getSnapshot().context), ['ORDER_OUTCOME_UNKNOWN']);
  t.is(actor.getSnapshot().context.reason, 'ORDER_OUTCOME_UNKNOWN');
  actor.send({
    type: 'trading.reduce.cleared',
    reason: 'not reconciled since start',
    by: 'recon-maker',
    t: 4,
  });
  t.is(actor.getSnapshot().value, 'REDUCING', 'a reason already withdrawn withdraws nothing');
  actor.send({ type: 'trading.reduce', reason: 'not reconciled since start', by: 'maker', t: 5 });
  actor.send({ type: 'trading.resume', operator: 'alice', t: 6 });
  t.is(actor.getSnapshot().value, 'ACTIVE');
  t.deepEqual(reasonsOf(actor.getSnapshot().context), []);
  actor.send({ type: 'trading.reduce', reason: 'not reconciled since start', by: 'maker', t: 7 });
  actor.send({
    type: 'trading.reduce.cleared',
    reason: 'not reconciled since start',
    by: 'recon-maker',
    t: 8,
  });
  t.is(actor.getSnapshot().value, 'ACTIVE', 'the only reason withdrawn lifts it');
});
