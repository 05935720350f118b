import test from 'ava';
import type { ExecutionContext } from 'ava';
import type { ControlCommandProblem } from '../../actors/safety/control-commands';
import {
  COMMAND_USAGE,
  ControlCommandError,
  changesState,
  describeCommand,
  parseCommand,
} from '../../actors/safety/control-commands';

const parse = (command: string, ...args: string[]) => parseCommand({ command, args });

function rejects(
  t: ExecutionContext,
  args: [string, ...string[]],
  problem: ControlCommandProblem,
  ...mentions: string[]
): void {
  const [command, ...rest] = args;
  const err = t.throws(() => parse(command, ...rest), { instanceOf: ControlCommandError });
  t.is(err.problem, problem, err.message);
  for (const mention of mentions)
    t.true(err.message.includes(mention), `"${err.message}" names "${mention}"`);
}

test('incident and gate commands parse into typed commands', (t) => {
  t.deepEqual(parse('incidents'), { type: 'incidents', state: null });
  t.deepEqual(parse('incidents', 'mitigated'), { type: 'incidents', state: 'mitigated' });
  t.deepEqual(parse('resolve_incident', '7'), { type: 'resolve_incident', id: 7, note: '' });
  t.deepEqual(parse('resolve_incident', '7', 'venue', ' back ', '', 'up'), {
    type: 'resolve_incident',
    id: 7,
    note: 'venue back up',
  });
  t.deepEqual(parse('reopen_incident', '12', 'it', 'recurred'), {
    type: 'reopen_incident',
    id: 12,
    reason: 'it recurred',
  });
  t.deepEqual(parse('postmortem', '3'), { type: 'postmortem', id: 3 });
  t.deepEqual(parse('complete_postmortem', '3', 'rootCause', 'ack', 'timeout'), {
    type: 'complete_postmortem',
    id: 3,
    field: 'rootCause',
    text: 'ack timeout',
  });
  for (const field of ['actions', 'followUp', 'followUps'])
    t.like(parse('complete_postmortem', '3', field, 'x'), { field, text: 'x' });
  t.deepEqual(parse('sign_postmortem', '3'), { type: 'sign_postmortem', id: 3 });
  t.deepEqual(parse('signoff_gate'), { type: 'signoff_gate', note: '' });
  t.deepEqual(parse('signoff_gate', 'phase', '6', 'reviewed'), {
    type: 'signoff_gate',
    note: 'phase 6 reviewed',
  });
});

test('an incident id must be a positive integer, named as such', (t) => {
  for (const bad of ['0', '-1', '1.5', 'abc', '07', '1e3', '0x10', '9'.repeat(16)])
    rejects(t, ['resolve_incident', bad], 'BAD_VALUE', 'bad incident id', 'expected a positive integer');
  rejects(t, ['sign_postmortem'], 'MISSING_ARGUMENT', 'missing incident id', COMMAND_USAGE.sign_postmortem);
  rejects(t, ['postmortem', '3', '4'], 'EXTRA_ARGUMENT', '"4"');
});

test('a post-mortem field must be one of the four, and its text is required and bounded', (t) => {
  rejects(
    t,
    ['complete_postmortem', '3', 'root_cause', 'x'],
    'BAD_VALUE',
    'bad field "root_cause"',
    'rootCause|actions|followUp|followUps',
  );
  rejects(t, ['complete_postmortem', '3'], 'MISSING_ARGUMENT', 'missing field');
  rejects(t, ['complete_postmortem', '3', 'actions'], 'MISSING_ARGUMENT', 'missing text');
  rejects(t, ['complete_postmortem', '3', 'actions', ' ', ''], 'MISSING_ARGUMENT', 'missing text');
  rejects(
    t,
    ['complete_postmortem', '3', 'rootCause', 'x'.repeat(2_001)],
    'BAD_VALUE',
    'text is longer than 2000 characters',
  );
  t.notThrows(() => parse('complete_postmortem', '3', 'rootCause', 'x'.repeat(2_000)));
  rejects(
    t,
    ['complete_postmortem', '3', 'followUp', 'x'.repeat(501)],
    'BAD_VALUE',
    'text is longer than 500 characters',
  );
  rejects(t, ['complete_postmortem', '3', 'rootCause', 'a\nforged line'], 'BAD_VALUE', 'control characters');
});

test('a reopen needs a reason; notes and reasons are bounded as a halt reason is', (t) => {
  rejects(t, ['reopen_incident', '3'], 'MISSING_ARGUMENT', 'missing reason', COMMAND_USAGE.reopen_incident);
  rejects(t, ['resolve_incident', '3', 'x'.repeat(201)], 'BAD_VALUE', 'note is longer than 200');
  rejects(t, ['signoff_gate', 'x'.repeat(201)], 'BAD_VALUE', 'note is longer than 200');
  rejects(t, ['signoff_gate', 'ok\u001b[2J'], 'BAD_VALUE', 'control characters');
  rejects(t, ['incidents', 'closed'], 'BAD_VALUE', 'bad state "closed"', 'open|mitigated|resolved');
});

test('listing incidents and reading a post-mortem need no confirmation; every other incident or gate command does', (t) => {
  t.false(changesState(parse('incidents')));
  t.false(changesState(parse('postmortem', '1')));
  for (const [command, ...args] of [
    ['resolve_incident', '1'],
    ['reopen_incident', '1', 'why'],
    ['complete_postmortem', '1', 'actions', 'x'],
    ['sign_postmortem', '1'],
    ['signoff_gate'],
  ] as [string, ...string[]][])
    t.true(changesState(parse(command, ...args)), command);
});

test('describeCommand says what an incident or gate command will do, with long text cut', (t) => {
  t.is(describeCommand(parse('incidents', 'open')), 'list open incidents');
  t.is(describeCommand(parse('resolve_incident', '7', 'fixed')), 'resolve incident #7: fixed');
  t.is(describeCommand(parse('reopen_incident', '7', 'again')), 'reopen incident #7: again');
  t.is(describeCommand(parse('postmortem', '7')), 'show the post-mortem of incident #7');
  t.is(
    describeCommand(parse('complete_postmortem', '7', 'followUp', 'alert', 'on', 'acks')),
    'post-mortem of incident #7: add a follow-up: alert on acks',
  );
  t.true(describeCommand(parse('complete_postmortem', '7', 'actions', 'y'.repeat(500))).endsWith('y…'));
  t.is(
    describeCommand(parse('sign_postmortem', '7')),
    'sign the post-mortem of incident #7 (final: it can no longer change)',
  );
  t.is(describeCommand(parse('signoff_gate', 'reviewed')), 'sign off the stability gate: reviewed');
});
