import test from 'ava';
import { createActor } from 'xstate';
import type {
  FailingCriterion,
  GateCriterionId,
  GateRevoked,
  StabilityGateEvent,
  StabilityGateState,
} from '../../machines/stability-gate.machine';
import { STABILITY_GATE_STATES, stabilityGateMachine } from '../../machines/stability-gate.machine';

const EVIDENCE: Record<GateCriterionId, string> = {
  continuousOperation: '61.0 days ≥ 60.0 days',
  stateIntegrity: 'no corruption',
  balanceEvents: '0 events',
  postmortems: 'all signed',
};
const HALTED: FailingCriterion = { id: 'continuousOperation', detail: 'GLOBAL HALT in force' };

function inState(state: StabilityGateState, keepRevocations?: number) {
  const actor = createActor(stabilityGateMachine, {
    input: keepRevocations === undefined ? {} : { keepRevocations },
  }).start();
  if (state !== 'collecting') actor.send({ type: 'gate.evaluated', failing: [], t: 1_000 });
  if (state === 'passed')
    actor.send({ type: 'gate.signOff', by: 'alice', note: 'phase 6 done', evidence: EVIDENCE, t: 2_000 });
  if (actor.getSnapshot().value !== state) throw new Error(`fixture failed to reach ${state}`);
  return actor;
}

const EVENTS: Readonly<Record<string, StabilityGateEvent>> = {
  allMet: { type: 'gate.evaluated', failing: [], t: 10_000 },
  failing: { type: 'gate.evaluated', failing: [HALTED], t: 10_000 },
  signOff: { type: 'gate.signOff', by: 'bob', note: '', evidence: EVIDENCE, t: 10_000 },
  signOffUnnamed: { type: 'gate.signOff', by: ' \t', note: 'who?', evidence: EVIDENCE, t: 10_000 },
};

// The whole table: [from, event] → to; a row whose `to` equals its `from` takes no transition.
const TABLE: ReadonlyArray<readonly [StabilityGateState, keyof typeof EVENTS, StabilityGateState]> = [
  ['collecting', 'allMet', 'ready_for_signoff'],
  ['collecting', 'failing', 'collecting'],
  ['collecting', 'signOff', 'collecting'],
  ['collecting', 'signOffUnnamed', 'collecting'],
  ['ready_for_signoff', 'allMet', 'ready_for_signoff'],
  ['ready_for_signoff', 'failing', 'collecting'],
  ['ready_for_signoff', 'signOff', 'passed'],
  ['ready_for_signoff', 'signOffUnnamed', 'ready_for_signoff'],
  ['passed', 'allMet', 'passed'],
  ['passed', 'failing', 'collecting'],
  ['passed', 'signOff', 'passed'],
  ['passed', 'signOffUnnamed', 'passed'],
];

test('stability gate transition table: every state × every event', (t) => {
  t.is(TABLE.length, STABILITY_GATE_STATES.length * Object.keys(EVENTS).length);
  for (const [from, name, to] of TABLE) {
    const actor = inState(from);
    const event = EVENTS[name] as StabilityGateEvent;
    t.is(actor.getSnapshot().can(event), from !== to, `${from} can ${name}`);
    actor.send(event);
    t.is(actor.getSnapshot().value, to, `${from} --${name}--> ${to}`);
  }
});

test('a sign-off records who signed, the note, the time and the evidence signed', (t) => {
  const actor = inState('ready_for_signoff');
  actor.send({ type: 'gate.signOff', by: 'alice', note: 'reviewed', evidence: EVIDENCE, t: 5_000 });
  t.deepEqual(actor.getSnapshot().context.signOff, {
    by: 'alice',
    note: 'reviewed',
    t: 5_000,
    evidence: EVIDENCE,
  });
  t.is(actor.getSnapshot().context.since, 5_000);
});

test('a criterion failing after the sign-off revokes it: recorded, counted and emitted', (t) => {
  const actor = inState('passed');
  const emitted: GateRevoked[] = [];
  actor.on('gate.revoked', (event) => emitted.push(event));
  actor.send({ type: 'gate.evaluated', failing: [HALTED], t: 20_000 });
  const { context } = actor.getSnapshot();
  t.is(actor.getSnapshot().value, 'collecting');
  t.is(context.signOff, null);
  t.is(context.revoked, 1);
  const revocation = {
    t: 20_000,
    signOff: { by: 'alice', note: 'phase 6 done', t: 2_000, evidence: EVIDENCE },
    failing: [HALTED],
  };
  t.deepEqual(context.revocations, [revocation]);
  t.deepEqual(emitted, [{ type: 'gate.revoked', revocation }]);
});

test('leaving ready_for_signoff before a signature revokes nothing', (t) => {
  const actor = inState('ready_for_signoff');
  const emitted: GateRevoked[] = [];
  actor.on('gate.revoked', (event) => emitted.push(event));
  actor.send(EVENTS.failing as StabilityGateEvent);
  t.is(actor.getSnapshot().context.revoked, 0);
  t.deepEqual(emitted, []);
});

test('revocations are bounded by keepRevocations; the count is kept for ever', (t) => {
  const actor = inState('collecting', 2);
  for (let i = 0; i < 3; i++) {
    actor.send({ type: 'gate.evaluated', failing: [], t: 100 * i });
    actor.send({ type: 'gate.signOff', by: `op${i}`, note: '', evidence: EVIDENCE, t: 100 * i + 10 });
    actor.send({ type: 'gate.evaluated', failing: [HALTED], t: 100 * i + 20 });
  }
  const { context } = actor.getSnapshot();
  t.is(context.revoked, 3);
  t.deepEqual(
    context.revocations.map((r) => r.signOff.by),
    ['op1', 'op2'],
  );
});

test('a persisted snapshot resumes with its sign-off and revocations', (t) => {
  const actor = inState('passed');
  const restored = createActor(stabilityGateMachine, {
    snapshot: actor.getPersistedSnapshot(),
    input: {},
  }).start();
  t.is(restored.getSnapshot().value, 'passed');
  t.is(restored.getSnapshot().context.signOff?.by, 'alice');
});
