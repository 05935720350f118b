import test from 'ava';
import { createActor } from 'xstate';
import type { IncidentEvent, IncidentState, PostmortemFields } from '../../machines/incident.machine';
import {
  DEFAULT_RECURRENCE_WINDOW_MS,
  INCIDENT_STATES,
  incidentMachine,
  postmortemMissing,
} from '../../machines/incident.machine';

const RAISED = 1_000;
const RESOLVED_AT = 5_000;
const WINDOW = 60_000;
const COMPLETE: PostmortemFields = {
  rootCause: 'the venue dropped a request',
  actions: 'engine REDUCING; order resolved absent',
  followUps: ['alert on ack timeouts'],
};

function inState(state: IncidentState) {
  const actor = createActor(incidentMachine, {
    input: {
      id: 7,
      kind: 'ORDER_OUTCOME_UNKNOWN',
      actor: 'eng',
      raisedAt: RAISED,
      recurrenceWindowMs: WINDOW,
    },
  }).start();
  if (state === 'mitigated')
    actor.send({ type: 'incident.mitigate', by: 'eng', auto: true, evidence: 'engine REDUCING', t: 2_000 });
  if (state === 'resolved' || state === 'postmortem_written')
    actor.send({ type: 'incident.resolve', by: 'alice', note: 'fixed', t: RESOLVED_AT });
  if (state === 'postmortem_written')
    actor.send({ type: 'incident.sign', by: 'alice', postmortem: COMPLETE, t: 9_000 });
  if (actor.getSnapshot().value !== state) throw new Error(`fixture failed to reach ${state}`);
  return actor;
}

const EVENTS: Readonly<Record<string, IncidentEvent>> = {
  recurred: { type: 'incident.recurred', t: RESOLVED_AT + WINDOW },
  recurredLate: { type: 'incident.recurred', t: RESOLVED_AT + WINDOW + 1 },
  mitigate: { type: 'incident.mitigate', by: 'bob', auto: false, evidence: 'killed the engine', t: 10 },
  mitigateUnnamed: { type: 'incident.mitigate', by: ' ', auto: false, evidence: 'killed the engine', t: 10 },
  resolve: { type: 'incident.resolve', by: 'bob', note: '', t: 10 },
  resolveUnnamed: { type: 'incident.resolve', by: '', note: 'done', t: 10 },
  reopen: { type: 'incident.reopen', by: 'bob', reason: 'it is back', t: 10 },
  reopenNoReason: { type: 'incident.reopen', by: 'bob', reason: '  ', t: 10 },
  sign: { type: 'incident.sign', by: 'bob', postmortem: COMPLETE, t: 10 },
  signUnnamed: { type: 'incident.sign', by: '\t', postmortem: COMPLETE, t: 10 },
  signIncomplete: { type: 'incident.sign', by: 'bob', postmortem: { ...COMPLETE, followUps: [' '] }, t: 10 },
};

// The whole table: [from, event] → to; a row whose `to` equals its `from` is refused (or, for a
// recurrence while live, counted without a change).
const TABLE: ReadonlyArray<readonly [IncidentState, keyof typeof EVENTS, IncidentState]> = [
  ['open', 'recurred', 'open'],
  ['open', 'mitigate', 'mitigated'],
  ['open', 'mitigateUnnamed', 'open'],
  ['open', 'resolve', 'resolved'],
  ['open', 'resolveUnnamed', 'open'],
  ['open', 'reopen', 'open'],
  ['open', 'sign', 'open'],
  ['mitigated', 'recurred', 'mitigated'],
  ['mitigated', 'mitigate', 'mitigated'],
  ['mitigated', 'resolve', 'resolved'],
  ['mitigated', 'resolveUnnamed', 'mitigated'],
  ['mitigated', 'reopen', 'mitigated'],
  ['mitigated', 'sign', 'mitigated'],
  ['resolved', 'recurred', 'open'],
  ['resolved', 'recurredLate', 'resolved'],
  ['resolved', 'mitigate', 'resolved'],
  ['resolved', 'resolve', 'resolved'],
  ['resolved', 'reopen', 'open'],
  ['resolved', 'reopenNoReason', 'resolved'],
  ['resolved', 'sign', 'postmortem_written'],
  ['resolved', 'signUnnamed', 'resolved'],
  ['resolved', 'signIncomplete', 'resolved'],
  ['postmortem_written', 'recurred', 'postmortem_written'],
  ['postmortem_written', 'mitigate', 'postmortem_written'],
  ['postmortem_written', 'resolve', 'postmortem_written'],
  ['postmortem_written', 'reopen', 'postmortem_written'],
  ['postmortem_written', 'sign', 'postmortem_written'],
];

/** Events taken without a change of state: a recurrence is counted while the incident is live. */
const COUNTED = new Set(['open recurred', 'mitigated recurred']);

for (const [from, name, to] of TABLE) {
  test(`incident ${from} on ${name} ${from === to ? 'stays' : 'goes to'} ${to}`, (t) => {
    const actor = inState(from);
    const event = EVENTS[name] as IncidentEvent;
    t.is(actor.getSnapshot().can(event), from !== to || COUNTED.has(`${from} ${name}`));
    actor.send(event);
    t.is(actor.getSnapshot().value, to);
  });
}

test('every state is in the table, and postmortem_written is the only final one', (t) => {
  t.deepEqual([...new Set(TABLE.map(([from]) => from))], [...INCIDENT_STATES]);
  for (const state of INCIDENT_STATES)
    t.is(inState(state).getSnapshot().status === 'done', state === 'postmortem_written', state);
});

test('a new incident is open, seen once, with no mitigation, resolution or signature', (t) => {
  const snapshot = inState('open').getSnapshot();
  t.like(snapshot.context, {
    id: 7,
    kind: 'ORDER_OUTCOME_UNKNOWN',
    actor: 'eng',
    raisedAt: RAISED,
    recurrenceWindowMs: WINDOW,
    occurrences: 1,
    lastSeenAt: RAISED,
    mitigation: null,
    resolution: null,
    reopened: 0,
    signature: null,
  });
});

test('the recurrence window defaults to one hour', (t) => {
  const actor = createActor(incidentMachine, {
    input: { id: 1, kind: 'K', actor: 'a', raisedAt: 0 },
  }).start();
  t.is(actor.getSnapshot().context.recurrenceWindowMs, DEFAULT_RECURRENCE_WINDOW_MS);
  t.is(DEFAULT_RECURRENCE_WINDOW_MS, 3_600_000);
});

test('an incident records who mitigated, resolved and signed it, and when', (t) => {
  const actor = inState('open');
  actor.send({ type: 'incident.mitigate', by: 'eng', auto: true, evidence: 'engine eng REDUCING', t: 2_000 });
  actor.send({ type: 'incident.resolve', by: 'alice', note: 'venue fixed', t: 3_000 });
  actor.send({ type: 'incident.sign', by: 'carol', postmortem: COMPLETE, t: 4_000 });
  t.like(actor.getSnapshot().context, {
    mitigation: { by: 'eng', t: 2_000, auto: true, evidence: 'engine eng REDUCING' },
    resolution: { by: 'alice', t: 3_000, note: 'venue fixed' },
    signature: { by: 'carol', t: 4_000 },
  });
});

test('a recurrence while live is counted; one inside the window reopens and clears mitigation and resolution', (t) => {
  const actor = inState('mitigated');
  actor.send({ type: 'incident.recurred', t: 3_000 });
  t.like(actor.getSnapshot().context, { occurrences: 2, lastSeenAt: 3_000 });
  t.not(actor.getSnapshot().context.mitigation, null, 'the mitigation stands');
  actor.send({ type: 'incident.resolve', by: 'alice', note: '', t: RESOLVED_AT });
  actor.send({ type: 'incident.recurred', t: RESOLVED_AT + 10 });
  t.is(actor.getSnapshot().value, 'open');
  t.like(actor.getSnapshot().context, { occurrences: 3, reopened: 1, mitigation: null, resolution: null });
});

test('a recurrence past the window is refused and changes nothing (the book opens a new incident)', (t) => {
  const actor = inState('resolved');
  const before = actor.getSnapshot().context;
  actor.send(EVENTS['recurredLate'] as IncidentEvent);
  t.deepEqual(actor.getSnapshot().context, before);
});

test('a post-mortem is complete only with a root cause, actions and one non-blank follow-up', (t) => {
  t.deepEqual(postmortemMissing(COMPLETE), []);
  t.deepEqual(postmortemMissing({ rootCause: ' ', actions: '', followUps: [] }), [
    'rootCause',
    'actions',
    'followUps',
  ]);
  t.deepEqual(postmortemMissing({ ...COMPLETE, followUps: ['', '  '] }), ['followUps']);
  t.deepEqual(postmortemMissing({ ...COMPLETE, followUps: ['none'] }), []);
});

test('a restored incident keeps its state and facts', (t) => {
  const actor = inState('resolved');
  const restored = createActor(incidentMachine, {
    snapshot: actor.getPersistedSnapshot(),
    input: { id: 7, kind: 'ORDER_OUTCOME_UNKNOWN', actor: 'eng', raisedAt: RAISED },
  }).start();
  t.is(restored.getSnapshot().value, 'resolved');
  t.deepEqual(restored.getSnapshot().context, actor.getSnapshot().context);
});
