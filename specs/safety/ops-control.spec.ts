import test from 'ava';
import type { ExecutionContext } from 'ava';
import { AUDIT_KEY, StoreAuditLog } from '../../actors/safety/control-audit-store';
import type { ControlCommandInput } from '../../actors/safety/control-commands';
import { ControlPlane } from '../../actors/safety/control-plane';
import type { AuditEntry, ControlAnswer, Identity } from '../../actors/safety/control-plane';
import type { IncidentLine } from '../../actors/safety/ops-control';
import { OpsControl } from '../../actors/safety/ops-control';
import { TradingControl } from '../../actors/safety/trading-control';
import type { Runtime } from '../../actors/kernel/runtime';
import type { TradingServices } from '../../actors/trading/trading-services';
import { storedBook } from '../ops/incident-fixture';
import { DAY, gateProcess } from '../ops/stability-gate-fixture';

const viewer: Identity = { id: 'vera', role: 'viewer', via: 'test' };
const operator: Identity = { id: 'otto', role: 'operator', via: 'test' };
const other: Identity = { id: 'olga', role: 'operator', via: 'test' };
const admin: Identity = { id: 'ada', role: 'admin', via: 'test' };

/**
 * A real control plane over a real incident book and stability gate on the memory store, wired as
 * `predator start` wires them (the audit in the store and the journal); the ops target alone.
 */
async function controlled(t: ExecutionContext) {
  const p = await gateProcess(t);
  const audit = new StoreAuditLog(p.store, p.journal);
  let n = 0;
  const plane = new ControlPlane({
    clock: p.clock,
    target: new OpsControl(p.book, p.gate),
    audit,
    nonce: () => `nonce-${++n}`,
  });
  const ask = (who: Identity, command: string, ...args: string[]) =>
    plane.request(who, { command, args } satisfies ControlCommandInput);
  /** Requests and confirms as the same identity; the confirmation's answer. */
  const run = async (who: Identity, command: string, ...args: string[]): Promise<ControlAnswer> => {
    const first = await ask(who, command, ...args);
    if (first.status !== 'confirm') return first;
    const done = await plane.confirm(who, first.nonce);
    await p.settle();
    return done;
  };
  const stored = () => storedBook(p.store, 4);
  const auditTrail = async () => (await p.store.getValue<AuditEntry[]>(AUDIT_KEY)) ?? [];
  return { ...p, plane, audit, ask, run, stored, auditTrail };
}

function resultOf<T>(answer: ControlAnswer): T {
  if (answer.status !== 'done') throw new Error(`expected done, got ${JSON.stringify(answer)}`);
  return answer.result as T;
}

test('a viewer lists incidents and reads a post-mortem at once, but may not resolve one', async (t) => {
  const c = await controlled(t);
  const id = await c.raise('ORDER_OUTCOME_UNKNOWN');
  const listed = resultOf<{ incidents: IncidentLine[] }>(await c.ask(viewer, 'incidents', 'open'));
  t.like(listed.incidents, [
    { id, state: 'open', kind: 'ORDER_OUTCOME_UNKNOWN', actor: 'eng', occurrences: 1 },
  ]);
  t.deepEqual(resultOf<{ incidents: unknown[] }>(await c.ask(viewer, 'incidents', 'resolved')).incidents, []);
  const markdown = resultOf<string>(await c.ask(viewer, 'postmortem', String(id)));
  t.regex(markdown, /ORDER_OUTCOME_UNKNOWN/);
  t.truthy(await c.book.postmortem(id), 'reading a post-mortem drafts it once');

  const before = await c.stored();
  const refused = await c.ask(viewer, 'resolve_incident', String(id), 'fine');
  t.like(refused, { status: 'refused', reason: 'FORBIDDEN' });
  if (refused.status === 'refused')
    t.is(refused.message, 'resolve_incident needs role operator; vera is viewer');
  t.deepEqual(await c.stored(), before);
  t.is(c.book.get(id).state, 'open');
  t.like((await c.auditTrail()).at(-1), {
    identity: viewer,
    command: `resolve_incident ${id} fine`,
    outcome: 'refused',
    reason: 'FORBIDDEN',
  });
});

test('an operator resolves an incident only once the nonce is confirmed, by themselves; both steps are audited in the store and the journal', async (t) => {
  const c = await controlled(t);
  const id = await c.raise('BAD_VENUE_DATA');
  const asked = await c.ask(operator, 'resolve_incident', String(id), 'feed', 'fixed');
  t.like(asked, { status: 'confirm', nonce: 'nonce-1', summary: `resolve incident #${id}: feed fixed` });
  t.is(c.book.get(id).state, 'open', 'nothing runs before the confirmation');
  t.like(await c.plane.confirm(other, 'nonce-1'), { status: 'refused', reason: 'NONCE_NOT_YOURS' });
  t.is(c.book.get(id).state, 'open');

  const done = await c.plane.confirm(operator, 'nonce-1');
  await c.settle();
  t.like(resultOf<{ incident: unknown }>(done), {
    incident: { id, state: 'resolved', resolution: { by: 'otto', note: 'feed fixed' } },
  });
  t.like(await c.plane.confirm(operator, 'nonce-1'), { status: 'refused', reason: 'NONCE_REPLAYED' });

  const line = `resolve_incident ${id} feed fixed`;
  t.deepEqual(
    (await c.auditTrail()).map((e) => `${e.identity.id} ${e.phase} ${e.command} → ${e.outcome}`),
    [
      `otto request ${line} → confirm`,
      `olga confirm ${line} → refused`,
      `otto confirm ${line} → done`,
      `otto confirm ${line} → refused`,
    ],
  );
  const journaled = await c.journal.query({ actor: 'control-plane', limit: 10 });
  t.deepEqual(
    journaled.map((e) => `${e.from} | ${e.event} | ${e.to}`),
    [
      `otto (operator, test) request | ${line} | confirm`,
      `olga (operator, test) confirm | ${line} | refused NONCE_NOT_YOURS`,
      `otto (operator, test) confirm | ${line} | done`,
      `otto (operator, test) confirm | ${line} | refused NONCE_REPLAYED`,
    ],
  );
  const trail = await c.journal.query({ actor: `incident/${id}`, limit: 10 });
  t.is(
    trail.map((e) => `${e.from} -${e.event}-> ${e.to}`).at(-1),
    'open -incident.resolve-> resolved',
    'the book journals the resolution',
  );
});

test('bad ids, fields and texts are refused naming what was wrong, and change nothing', async (t) => {
  const c = await controlled(t);
  const id = String(await c.raise('BAD_VENUE_DATA'));
  const before = await c.stored();
  const cases: [string, string[], RegExp][] = [
    ['resolve_incident', ['0'], /bad incident id "0", expected a positive integer/],
    ['resolve_incident', ['abc'], /bad incident id "abc", expected a positive integer/],
    ['resolve_incident', ['-1'], /bad incident id "-1"/],
    ['sign_postmortem', [], /missing incident id; usage: sign_postmortem <id>/],
    [
      'complete_postmortem',
      [id, 'cause', 'x'],
      /bad field "cause", expected one of rootCause\|actions\|followUp\|followUps/,
    ],
    ['complete_postmortem', [id, 'rootCause'], /missing text/],
    ['complete_postmortem', [id, 'rootCause', 'a\nb'], /contains control characters/],
    ['complete_postmortem', [id, 'actions', 'x'.repeat(2_001)], /longer than 2000 characters/],
    ['reopen_incident', [id], /missing reason/],
  ];
  for (const [command, args, message] of cases) {
    const answer = await c.ask(operator, command, ...args);
    t.like(answer, { status: 'refused', reason: 'INVALID_COMMAND' }, `${command} ${args.join(' ')}`);
    if (answer.status === 'refused') t.regex(answer.message, message);
  }
  const unknown = await c.ask(operator, 'resolve_incident', '99');
  t.like(unknown, { status: 'refused', reason: 'INVALID_TARGET' });
  if (unknown.status === 'refused') t.regex(unknown.message, /no incident #99/);
  t.deepEqual(await c.stored(), before);
  t.is(c.book.get(Number(id)).state, 'open');
  t.true((await c.auditTrail()).every((e) => e.outcome === 'refused' && e.nonce === undefined));
});

test('what the book refuses comes back refused with its reason, before a nonce or at execution, never as a crash', async (t) => {
  const c = await controlled(t);
  const id = await c.raise('BAD_VENUE_DATA');
  const refusal = async (who: Identity, command: string, ...args: string[]) => {
    const answer = await c.run(who, command, ...args);
    t.like(answer, { status: 'refused', reason: 'INVALID_TARGET' }, `${command} ${args.join(' ')}`);
    return answer.status === 'refused' ? answer.message : '';
  };
  t.regex(
    await refusal(operator, 'reopen_incident', String(id), 'again'),
    /incident #\d+ is open: only a resolved incident/,
  );
  t.regex(
    await refusal(operator, 'sign_postmortem', String(id)),
    /is open: resolve it \(resolve_incident \d+\) before signing/,
  );

  t.like(await c.run(operator, 'resolve_incident', String(id)), { status: 'done' });
  t.regex(
    await refusal(operator, 'sign_postmortem', String(id)),
    /has no post-mortem yet: write it with complete_postmortem/,
  );
  t.like(await c.run(operator, 'complete_postmortem', String(id), 'rootCause', 'feed'), { status: 'done' });
  t.regex(
    await refusal(operator, 'sign_postmortem', String(id)),
    /post-mortem of incident #\d+ is incomplete: fill in actions, followUps/,
  );
  t.regex(
    await refusal(operator, 'resolve_incident', String(id)),
    /is resolved: only an open or mitigated incident/,
  );

  // The state moves between the request and its confirmation: the confirmation is refused.
  const asked = await c.ask(operator, 'reopen_incident', String(id), 'flapping');
  await c.book.reopen(id, 'someone-else', 'first');
  const late = await c.plane.confirm(operator, (asked as { nonce: string }).nonce);
  t.like(late, { status: 'refused', reason: 'INVALID_TARGET' });
  t.is(c.book.get(id).reopened, 1, 'reopened once, by the other hand');

  // The check passes, the book refuses at execution (its limit of 50 follow-ups): refused, not failed.
  await c.book.completePostmortem(id, 'otto', { followUps: Array.from({ length: 50 }, (_, i) => `f${i}`) });
  const before = await c.stored();
  const over = await c.run(operator, 'complete_postmortem', String(id), 'followUp', 'one', 'more');
  t.like(over, { status: 'refused', reason: 'INVALID_TARGET' });
  if (over.status === 'refused') t.regex(over.message, /followUps: expected at most 50 follow-ups/);
  t.deepEqual(await c.stored(), before);
  t.like((await c.auditTrail()).at(-1), { phase: 'confirm', outcome: 'refused', reason: 'INVALID_TARGET' });
});

test('from incident to signed post-mortem through the control plane, the gate counts it; the admin signs off once it is ready', async (t) => {
  const c = await controlled(t);
  const id = String(await c.raise('ORDER_OUTCOME_UNKNOWN'));
  t.false((await c.gate.evaluate()).criteria.postmortems.met);

  t.like(await c.run(operator, 'resolve_incident', id, 'order', 'found', 'filled'), { status: 'done' });
  t.like(await c.run(operator, 'complete_postmortem', id, 'rootCause', 'venue', 'timed', 'out'), {
    status: 'done',
  });
  t.like(await c.run(operator, 'complete_postmortem', id, 'actions', 'engine', 'REDUCING'), {
    status: 'done',
  });
  t.like(await c.run(operator, 'complete_postmortem', id, 'followUp', 'alert', 'on', 'ack', 'timeouts'), {
    status: 'done',
  });
  const written = await c.run(operator, 'complete_postmortem', id, 'followUp', 'query', 'before', 'resend');
  t.like(resultOf(written), {
    fields: {
      rootCause: 'venue timed out',
      actions: 'engine REDUCING',
      followUps: ['alert on ack timeouts', 'query before resend'],
    },
    editedBy: 'otto',
    missingToSign: [],
  });
  t.like(resultOf(await c.run(operator, 'sign_postmortem', id)), {
    incident: { id: Number(id), state: 'postmortem_written' },
    signature: { by: 'otto' },
  });
  t.like(await c.run(operator, 'complete_postmortem', id, 'actions', 'later'), {
    status: 'refused',
    reason: 'INVALID_TARGET',
  });
  const signed = await c.gate.evaluate();
  t.true(signed.criteria.postmortems.met, signed.criteria.postmortems.detail);

  // Ten days in, continuous operation fails: the sign-off is refused naming it; an operator may not ask.
  await c.clock.advance(10 * DAY);
  t.like(await c.ask(operator, 'signoff_gate'), { status: 'refused', reason: 'FORBIDDEN' });
  const early = await c.ask(admin, 'signoff_gate', 'looks', 'fine');
  t.like(early, { status: 'refused', reason: 'INVALID_TARGET' });
  if (early.status === 'refused')
    t.regex(early.message, /^the stability gate is not ready for sign-off: continuousOperation: 10\.0 days/);
  t.is((await c.gate.evaluate()).state, 'collecting');

  await c.clock.advance(51 * DAY);
  const passed = await c.run(admin, 'signoff_gate', 'phase', '6', 'reviewed');
  t.like(resultOf(passed), {
    state: 'passed',
    passed: true,
    signOff: { by: 'ada', note: 'phase 6 reviewed' },
  });
  const again = await c.ask(admin, 'signoff_gate');
  t.like(again, { status: 'refused', reason: 'INVALID_TARGET' });
  if (again.status === 'refused') t.regex(again.message, /already signed off by ada/);
});

test('commands other than the incident and gate ones are refused by the ops target alone', async (t) => {
  const c = await controlled(t);
  t.like(await c.ask(admin, 'kill_all'), { status: 'refused', reason: 'INVALID_TARGET' });
  t.like(await c.ask(viewer, 'status'), { status: 'refused', reason: 'INVALID_TARGET' });
});

test('a trading target built without the operations records refuses their commands, naming why', async (t) => {
  const target = new TradingControl({} as Runtime, {} as TradingServices, { engines: [] });
  t.is(
    await target.check({ type: 'incidents', state: null }),
    'this instance keeps no incident book or stability gate',
  );
  await t.throwsAsync(target.execute({ type: 'sign_postmortem', id: 1 }, admin), {
    message: 'this instance keeps no incident book or stability gate',
  });
});
