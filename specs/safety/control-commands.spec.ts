import test from 'ava';
import type { ExecutionContext } from 'ava';
import {
  COMMAND_USAGE,
  ControlCommandError,
  changesState,
  commandLine,
  describeCommand,
  parseCommand,
} from '../../actors/safety/control-commands';
import type { ControlCommand, ControlCommandProblem } from '../../actors/safety/control-commands';

const parse = (command: string, ...args: string[]): ControlCommand => parseCommand({ command, args });

test('every command parses, with its documented defaults', (t) => {
  t.deepEqual(parse('status'), { type: 'status' });
  t.deepEqual(parse('halt'), { type: 'halt', reason: 'operator halt' });
  t.deepEqual(parse('halt', 'venue', 'looks', 'wrong'), { type: 'halt', reason: 'venue looks wrong' });
  const everywhere = { level: 'global', id: 'global' };
  t.deepEqual(parse('resume'), { type: 'resume', scope: everywhere, to: 'ACTIVE' });
  t.deepEqual(parse('resume', 'REDUCING'), { type: 'resume', scope: everywhere, to: 'REDUCING' });
  t.deepEqual(parse('resume_engine', 'maker'), {
    type: 'resume',
    scope: { level: 'engine', id: 'maker' },
    to: 'ACTIVE',
  });
  t.deepEqual(parse('resume_strategy', 'mm-btc', 'REDUCING'), {
    type: 'resume',
    scope: { level: 'strategy', id: 'mm-btc' },
    to: 'REDUCING',
  });
  t.deepEqual(parse('kill_engine', 'maker'), {
    type: 'kill',
    scope: { level: 'engine', id: 'maker' },
    step: 'cancel',
  });
  t.deepEqual(parse('kill_engine', 'maker', 'flatten'), {
    type: 'kill',
    scope: { level: 'engine', id: 'maker' },
    step: 'flatten',
  });
  t.deepEqual(parse('kill_strategy', 'mm-btc', 'reduce'), {
    type: 'kill',
    scope: { level: 'strategy', id: 'mm-btc' },
    step: 'reduce',
  });
  t.deepEqual(parse('kill_all'), { type: 'kill', scope: everywhere, step: 'cancel' });
  t.deepEqual(parse('kill_all', 'flatten'), {
    type: 'kill',
    scope: { level: 'global', id: 'global' },
    step: 'flatten',
  });
  t.deepEqual(parse('set_mode', 'shadow'), { type: 'set_mode', mode: 'shadow', engine: null });
  t.deepEqual(parse('set_mode', 'live', 'maker'), { type: 'set_mode', mode: 'live', engine: 'maker' });
  t.deepEqual(parse('reset_breaker', 'binance-orders'), { type: 'reset_breaker', name: 'binance-orders' });
  t.deepEqual(parse('chaos', 'start', 'latency'), { type: 'chaos', action: 'start', scenario: 'latency' });
  t.deepEqual(parse('chaos', 'stop'), { type: 'chaos', action: 'stop', scenario: null });
});

test('empty words from a split on single spaces are ignored', (t) => {
  t.deepEqual(parse('kill_engine', '', 'maker', ' ', 'reduce', ''), {
    type: 'kill',
    scope: { level: 'engine', id: 'maker' },
    step: 'reduce',
  });
  t.deepEqual(parse('halt', ' too ', '', 'fast'), { type: 'halt', reason: 'too fast' });
});

function rejects(
  t: ExecutionContext,
  input: unknown,
  problem: ControlCommandProblem,
  ...mentions: string[]
): void {
  const err = t.throws(() => parseCommand(input as never), { instanceOf: ControlCommandError });
  t.is(err.name, 'ControlCommandError');
  t.is(err.problem, problem);
  for (const mention of mentions)
    t.true(err.message.includes(mention), `"${err.message}" names "${mention}"`);
}

test('an unknown command is refused with the list of known ones', (t) => {
  rejects(
    t,
    { command: 'withdraw', args: ['all'] },
    'UNKNOWN_COMMAND',
    '"withdraw"',
    ...Object.keys(COMMAND_USAGE),
  );
  rejects(t, { command: '', args: [] }, 'UNKNOWN_COMMAND', 'empty command', 'status');
  rejects(t, { command: 'toString', args: [] }, 'UNKNOWN_COMMAND', '"toString"');
});

test('a missing argument names what is missing and the usage', (t) => {
  rejects(
    t,
    { command: 'kill_engine', args: [] },
    'MISSING_ARGUMENT',
    'missing engine',
    COMMAND_USAGE.kill_engine,
  );
  rejects(t, { command: 'kill_strategy', args: [] }, 'MISSING_ARGUMENT', 'missing strategy');
  rejects(t, { command: 'resume_engine', args: [] }, 'MISSING_ARGUMENT', 'missing engine');
  rejects(t, { command: 'set_mode', args: [] }, 'MISSING_ARGUMENT', 'missing mode (shadow|live)');
  rejects(t, { command: 'reset_breaker', args: [] }, 'MISSING_ARGUMENT', 'missing breaker name');
  rejects(t, { command: 'chaos', args: [] }, 'MISSING_ARGUMENT', 'missing action (start|stop)');
});

test('extra arguments are refused, quoted back', (t) => {
  rejects(
    t,
    { command: 'status', args: ['now'] },
    'EXTRA_ARGUMENT',
    'unexpected argument "now"',
    'usage: status',
  );
  rejects(
    t,
    { command: 'kill_engine', args: ['maker', 'cancel', 'please', 'now'] },
    'EXTRA_ARGUMENT',
    '"please now"',
  );
  rejects(t, { command: 'kill_all', args: ['cancel', 'maker'] }, 'EXTRA_ARGUMENT', '"maker"');
  rejects(t, { command: 'reset_breaker', args: ['a', 'b'] }, 'EXTRA_ARGUMENT', '"b"');
});

test('a bad enum value names the value and the accepted ones', (t) => {
  rejects(
    t,
    { command: 'kill_engine', args: ['maker', 'nuke'] },
    'BAD_VALUE',
    'bad step "nuke"',
    'reduce|cancel|flatten',
  );
  rejects(t, { command: 'kill_all', args: ['maker'] }, 'BAD_VALUE', 'bad step "maker"');
  rejects(t, { command: 'resume', args: ['active'] }, 'BAD_VALUE', 'bad state "active"', 'ACTIVE|REDUCING');
  rejects(t, { command: 'set_mode', args: ['paper'] }, 'BAD_VALUE', 'bad mode "paper"', 'shadow|live');
  rejects(t, { command: 'chaos', args: ['begin'] }, 'BAD_VALUE', 'bad action "begin"', 'start|stop');
});

test('names must be plain identifiers and no argument may carry control characters', (t) => {
  rejects(t, { command: 'kill_engine', args: ['../etc'] }, 'BAD_VALUE', 'bad engine', 'letters, digits');
  rejects(t, { command: 'set_mode', args: ['live', 'a'.repeat(65)] }, 'BAD_VALUE', 'bad engine');
  rejects(t, { command: 'halt', args: ['fake\nline'] }, 'BAD_VALUE', 'control characters');
  rejects(t, { command: 'halt', args: ['x'.repeat(201)] }, 'BAD_VALUE', 'longer than 200');
});

test('malformed input from a client is refused, not crashed on', (t) => {
  rejects(t, { command: 'halt' }, 'MALFORMED_INPUT', 'command: string; args: string[]');
  rejects(t, { command: 'halt', args: [1] }, 'MALFORMED_INPUT');
  rejects(t, null, 'MALFORMED_INPUT');
});

test('describeCommand says in one line what will happen', (t) => {
  t.is(describeCommand(parse('kill_engine', 'maker')), 'kill engine maker: cancel open orders');
  t.is(
    describeCommand(parse('kill_all', 'flatten')),
    'kill all engines: cancel open orders and flatten positions',
  );
  t.is(
    describeCommand(parse('kill_strategy', 's1', 'reduce')),
    'kill strategy s1: reduce only (no new exposure)',
  );
  t.is(describeCommand(parse('halt', 'drift')), 'halt all trading: drift');
  t.is(describeCommand(parse('resume', 'REDUCING')), 'resume trading reduce-only (REDUCING)');
  t.is(describeCommand(parse('resume_engine', 'maker')), 'resume engine maker (ACTIVE)');
  t.is(describeCommand(parse('set_mode', 'live', 'maker')), 'set engine maker to live mode');
  t.is(describeCommand(parse('set_mode', 'shadow')), 'set all engines to shadow mode');
  t.is(describeCommand(parse('reset_breaker', 'b1')), 'reset circuit breaker b1');
  t.is(describeCommand(parse('chaos', 'start', 'latency')), 'start chaos scenario latency');
  t.is(describeCommand(parse('status')), 'show status');
  for (const name of Object.keys(COMMAND_USAGE))
    t.false(describeCommand(parse(...example(name))).includes('\n'));
});

test('only status, incidents and postmortem leave state alone', (t) => {
  const reading = ['status', 'incidents', 'postmortem'];
  for (const name of reading) t.false(changesState(parse(...example(name))), name);
  const changing = Object.keys(COMMAND_USAGE).filter((name) => !reading.includes(name));
  for (const name of changing) t.true(changesState(parse(...example(name))), name);
});

test('commandLine renders the input for the audit without control characters or unbounded length', (t) => {
  t.is(commandLine({ command: 'kill_engine', args: ['maker', 'cancel'] }), 'kill_engine maker cancel');
  t.is(commandLine({ command: 'halt', args: ['a\nb'] }), 'halt a?b');
  t.is(commandLine(null as never), '?');
  t.true(commandLine({ command: 'halt', args: ['x'.repeat(1_000)] }).length <= 301);
});

/** A valid invocation of each command name. */
function example(name: string): [string, ...string[]] {
  const args: Record<string, string[]> = {
    kill_engine: ['maker'],
    kill_strategy: ['s1'],
    resume_engine: ['maker'],
    resume_strategy: ['s1'],
    set_mode: ['live'],
    reset_breaker: ['b1'],
    chaos: ['stop'],
    resolve_incident: ['7'],
    reopen_incident: ['7', 'recurred'],
    postmortem: ['7'],
    complete_postmortem: ['7', 'rootCause', 'venue', 'timeout'],
    sign_postmortem: ['7'],
  };
  return [name, ...(args[name] ?? [])];
}
