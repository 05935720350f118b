import test from 'ava';
import { SIMULATION_EPOCH, VirtualClock } from '../../actors/kernel/clock-virtual';
import { MemoryAuditLog } from '../../actors/safety/control-audit';
import type { ControlCommand, ControlCommandType } from '../../actors/safety/control-commands';
import { ControlPlane, REQUIRED_ROLE, isAllowed } from '../../actors/safety/control-plane';
import type { ControlAnswer, ControlTarget, Identity, Role } from '../../actors/safety/control-plane';

const viewer: Identity = { id: 'vera', role: 'viewer', via: 'test' };
const operator: Identity = { id: 'otto', role: 'operator', via: 'test' };
const admin: Identity = { id: 'ada', role: 'admin', via: 'test' };

/** A target that records what it was asked to do; `refuse` and `fail` steer its answers. */
class FakeTarget implements ControlTarget {
  readonly executed: { cmd: ControlCommand; by: Identity }[] = [];
  refuse: string | null = null;
  fail: Error | null = null;

  check(cmd: ControlCommand): string | null {
    if (cmd.type === 'kill' && cmd.scope.level === 'engine' && cmd.scope.id !== 'maker')
      return `no engine ${cmd.scope.id}; engines: maker`;
    return this.refuse;
  }

  async execute(cmd: ControlCommand, by: Identity): Promise<unknown> {
    this.executed.push({ cmd, by });
    if (this.fail) throw this.fail;
    return cmd.type === 'status' ? { state: 'RUNNING' } : { ok: true };
  }
}

function setup(options: { confirmTtlMs?: number; nonce?: () => string } = {}) {
  const clock = new VirtualClock();
  const target = new FakeTarget();
  const audit = new MemoryAuditLog();
  let n = 0;
  const plane = new ControlPlane({
    clock,
    target,
    audit,
    nonce: options.nonce ?? (() => `nonce-${++n}`),
    ...(options.confirmTtlMs !== undefined ? { confirmTtlMs: options.confirmTtlMs } : {}),
  });
  return { clock, target, audit, plane };
}

function nonceOf(answer: ControlAnswer): string {
  if (answer.status !== 'confirm')
    throw new Error(`expected a confirm answer, got ${JSON.stringify(answer)}`);
  return answer.nonce;
}

const killMaker = { command: 'kill_engine', args: ['maker', 'cancel'] };

test('a viewer reads status at once, and the read is audited', async (t) => {
  const { target, audit, plane } = setup();
  const answer = await plane.request(viewer, { command: 'status', args: [] });
  t.deepEqual(answer, { status: 'done', summary: 'show status', result: { state: 'RUNNING' } });
  t.is(target.executed.length, 1);
  t.deepEqual(await audit.list(), [
    {
      t: SIMULATION_EPOCH,
      identity: { id: 'vera', role: 'viewer', via: 'test' },
      phase: 'request',
      command: 'status',
      outcome: 'done',
    },
  ]);
});

test('a viewer who asks to halt is refused FORBIDDEN, audited, and nothing runs', async (t) => {
  const { target, audit, plane } = setup();
  const answer = await plane.request(viewer, { command: 'halt', args: ['now'] });
  t.like(answer, { status: 'refused', reason: 'FORBIDDEN' });
  if (answer.status === 'refused') t.regex(answer.message, /halt needs role operator; vera is viewer/);
  t.is(target.executed.length, 0);
  const [entry] = await audit.list();
  t.like(entry, { phase: 'request', command: 'halt now', outcome: 'refused', reason: 'FORBIDDEN' });
});

test('a state-changing request alone executes nothing and asks for a confirmation', async (t) => {
  const { clock, target, audit, plane } = setup();
  const answer = await plane.request(operator, killMaker);
  t.deepEqual(answer, {
    status: 'confirm',
    nonce: 'nonce-1',
    expiresAt: clock.now() + 60_000,
    summary: 'kill engine maker: cancel open orders',
  });
  await clock.advance(30_000);
  t.is(target.executed.length, 0);
  t.deepEqual(await audit.list(), [
    {
      t: SIMULATION_EPOCH,
      identity: { id: 'otto', role: 'operator', via: 'test' },
      phase: 'request',
      command: 'kill_engine maker cancel',
      outcome: 'confirm',
      nonce: 'nonce-1',
    },
  ]);
});

test('a confirmed command executes exactly once; a replay is refused and audited', async (t) => {
  const { target, audit, plane } = setup();
  const nonce = nonceOf(await plane.request(operator, killMaker));
  const done = await plane.confirm(operator, nonce);
  t.like(done, { status: 'done', summary: 'kill engine maker: cancel open orders', result: { ok: true } });
  t.deepEqual(target.executed, [
    { cmd: { type: 'kill', scope: { level: 'engine', id: 'maker' }, step: 'cancel' }, by: operator },
  ]);

  const replay = await plane.confirm(operator, nonce);
  t.like(replay, { status: 'refused', reason: 'NONCE_REPLAYED' });
  t.is(target.executed.length, 1);
  const entries = await audit.list();
  t.deepEqual(
    entries.map((e) => [e.phase, e.outcome, e.reason, e.nonce, e.command]),
    [
      ['request', 'confirm', undefined, nonce, 'kill_engine maker cancel'],
      ['confirm', 'done', undefined, nonce, 'kill_engine maker cancel'],
      ['confirm', 'refused', 'NONCE_REPLAYED', nonce, 'kill_engine maker cancel'],
    ],
  );
});

test('two concurrent confirmations of one nonce execute the command once', async (t) => {
  const { target, plane } = setup();
  const nonce = nonceOf(await plane.request(operator, killMaker));
  const answers = await Promise.all([plane.confirm(operator, nonce), plane.confirm(operator, nonce)]);
  t.deepEqual(answers.map((a) => a.status).sort(), ['done', 'refused']);
  t.is(target.executed.length, 1);
});

test('a nonce is valid up to its expiry instant and refused NONCE_EXPIRED after it', async (t) => {
  const { clock, target, audit, plane } = setup({ confirmTtlMs: 10_000 });
  const onTime = nonceOf(await plane.request(operator, killMaker));
  const late = nonceOf(await plane.request(operator, { command: 'halt', args: [] }));
  await clock.advance(10_000);
  t.like(await plane.confirm(operator, onTime), { status: 'done' });
  await clock.advance(1);
  const answer = await plane.confirm(operator, late);
  t.like(answer, { status: 'refused', reason: 'NONCE_EXPIRED' });
  t.deepEqual(
    target.executed.map((e) => e.cmd.type),
    ['kill'],
  );
  t.like((await audit.list(1))[0], {
    t: SIMULATION_EPOCH + 10_001,
    phase: 'confirm',
    command: 'halt',
    outcome: 'refused',
    reason: 'NONCE_EXPIRED',
    nonce: late,
  });
});

test('someone else confirming a nonce is refused NONCE_NOT_YOURS, and the owner still can', async (t) => {
  const { target, audit, plane } = setup();
  const nonce = nonceOf(await plane.request(operator, killMaker));
  const intruder: Identity = { id: 'mallory', role: 'admin', via: 'telegram' };
  t.like(await plane.confirm(intruder, nonce), { status: 'refused', reason: 'NONCE_NOT_YOURS' });
  t.is(target.executed.length, 0);
  t.like((await audit.list(1))[0], {
    identity: { id: 'mallory', role: 'admin', via: 'telegram' },
    phase: 'confirm',
    outcome: 'refused',
    reason: 'NONCE_NOT_YOURS',
  });
  t.like(await plane.confirm(operator, nonce), { status: 'done' });
  t.is(target.executed.length, 1);
});

test('an unknown nonce is refused NONCE_UNKNOWN and audited without echoing it', async (t) => {
  const { target, audit, plane } = setup();
  const secret = 'f'.repeat(64);
  t.like(await plane.confirm(admin, secret), { status: 'refused', reason: 'NONCE_UNKNOWN' });
  t.is(target.executed.length, 0);
  const [entry] = await audit.list();
  t.like(entry, { phase: 'confirm', command: '', outcome: 'refused', reason: 'NONCE_UNKNOWN' });
  t.false(JSON.stringify(entry).includes(secret));
});

test('a used nonce is forgotten after it would have expired, and is still refused', async (t) => {
  const { clock, target, plane } = setup({ confirmTtlMs: 1_000 });
  const nonce = nonceOf(await plane.request(operator, killMaker));
  await plane.confirm(operator, nonce);
  await clock.advance(5_000);
  t.like(await plane.confirm(operator, nonce), { status: 'refused', reason: 'NONCE_UNKNOWN' });
  t.is(target.executed.length, 1);
});

test('the role is checked again at confirmation', async (t) => {
  const { target, audit, plane } = setup();
  const nonce = nonceOf(await plane.request(operator, killMaker));
  const demoted: Identity = { ...operator, role: 'viewer' };
  t.like(await plane.confirm(demoted, nonce), { status: 'refused', reason: 'FORBIDDEN' });
  t.is(target.executed.length, 0);
  t.like((await audit.list(1))[0], { phase: 'confirm', outcome: 'refused', reason: 'FORBIDDEN', nonce });
  t.like(await plane.confirm(operator, nonce), { status: 'refused', reason: 'NONCE_REPLAYED' });
});

test('a target refusal is answered INVALID_TARGET with its message, and audited', async (t) => {
  const { target, audit, plane } = setup();
  const answer = await plane.request(operator, { command: 'kill_engine', args: ['taker'] });
  t.deepEqual(answer, {
    status: 'refused',
    reason: 'INVALID_TARGET',
    message: 'no engine taker; engines: maker',
  });
  t.is(target.executed.length, 0);
  t.like((await audit.list())[0], {
    command: 'kill_engine taker',
    outcome: 'refused',
    reason: 'INVALID_TARGET',
    message: 'no engine taker; engines: maker',
  });
});

test('the target is checked again at confirmation', async (t) => {
  const { target, plane } = setup();
  const nonce = nonceOf(await plane.request(admin, { command: 'chaos', args: ['start', 'latency'] }));
  target.refuse = 'chaos is disabled in live mode';
  t.deepEqual(await plane.confirm(admin, nonce), {
    status: 'refused',
    reason: 'INVALID_TARGET',
    message: 'chaos is disabled in live mode',
  });
  t.is(target.executed.length, 0);
});

test('an execution failure is answered and audited as failed, never thrown', async (t) => {
  const { target, audit, plane } = setup();
  const nonce = nonceOf(await plane.request(operator, killMaker));
  target.fail = new Error('store unavailable');
  const answer = await plane.confirm(operator, nonce);
  t.deepEqual(answer, {
    status: 'failed',
    summary: 'kill engine maker: cancel open orders',
    error: 'store unavailable',
  });
  t.like((await audit.list(1))[0], {
    phase: 'confirm',
    outcome: 'failed',
    reason: 'EXECUTION_FAILED',
    message: 'store unavailable',
    nonce,
  });
  t.like(await plane.request(viewer, { command: 'status', args: [] }), { status: 'failed' });
  t.like((await audit.list(1))[0], { phase: 'request', outcome: 'failed' });
});

test('a command that does not parse is refused INVALID_COMMAND, audited, and nothing runs', async (t) => {
  const { target, audit, plane } = setup();
  const answer = await plane.request(admin, { command: 'withdraw', args: ['all\nforged'] });
  t.like(answer, { status: 'refused', reason: 'INVALID_COMMAND' });
  if (answer.status === 'refused')
    t.regex(answer.message, /unknown command "withdraw"; known commands: status/);
  t.is(target.executed.length, 0);
  t.like((await audit.list())[0], {
    command: 'withdraw all?forged',
    outcome: 'refused',
    reason: 'INVALID_COMMAND',
  });
});

test('the audit records only id, role and via of an identity', async (t) => {
  const { audit, plane } = setup();
  const withExtras = { ...viewer, token: 'secret-session' } as Identity;
  await plane.request(withExtras, { command: 'status', args: [] });
  const [entry] = await audit.list();
  t.deepEqual(entry?.identity, { id: 'vera', role: 'viewer', via: 'test' });
});

test('a nonce generator that repeats itself cannot hand out one nonce twice', async (t) => {
  const { plane } = setup({ nonce: () => 'same' });
  t.like(await plane.request(operator, killMaker), { status: 'confirm', nonce: 'same' });
  t.like(await plane.request(operator, killMaker), { status: 'refused', reason: 'NONCE_UNAVAILABLE' });
});

test('role table: viewer reads, operator stops things and keeps incidents, admin does everything', (t) => {
  const types = Object.keys(REQUIRED_ROLE) as ControlCommandType[];
  const allowed = (role: Role) => types.filter((type) => isAllowed(role, type)).sort();
  const reads = ['incidents', 'postmortem', 'status'];
  const incidents = ['complete_postmortem', 'reopen_incident', 'resolve_incident', 'sign_postmortem'];
  t.deepEqual(allowed('viewer'), reads);
  t.deepEqual(allowed('operator'), [...reads, 'halt', 'kill', 'reset_breaker', ...incidents].sort());
  t.deepEqual(
    allowed('admin'),
    [
      ...reads,
      'halt',
      'kill',
      'reset_breaker',
      ...incidents,
      'chaos',
      'resume',
      'set_mode',
      'signoff_gate',
    ].sort(),
  );
});

test('role table is deny-by-default for unknown roles and commands', async (t) => {
  t.false(isAllowed('root' as Role, 'status'));
  t.false(isAllowed('admin', 'withdraw' as ControlCommandType));
  t.false(isAllowed('admin', 'toString' as ControlCommandType));
  t.false(isAllowed('__proto__' as Role, 'status'));
  const { target, plane } = setup();
  const stranger = { id: 'eve', role: 'root', via: 'gateway' } as unknown as Identity;
  t.like(await plane.request(stranger, { command: 'status', args: [] }), {
    status: 'refused',
    reason: 'FORBIDDEN',
  });
  const anonymous: Identity = { id: '', role: 'admin', via: 'gateway' };
  t.like(await plane.request(anonymous, { command: 'status', args: [] }), {
    status: 'refused',
    reason: 'FORBIDDEN',
  });
  t.is(target.executed.length, 0);
});

test('an operator may not resume, change mode or start chaos', async (t) => {
  const { target, plane } = setup();
  for (const input of [
    { command: 'resume', args: [] },
    { command: 'set_mode', args: ['live'] },
    { command: 'chaos', args: ['start'] },
  ])
    t.like(await plane.request(operator, input), { status: 'refused', reason: 'FORBIDDEN' }, input.command);
  t.is(target.executed.length, 0);
});

test('confirmTtlMs must be positive', (t) => {
  t.throws(() => setup({ confirmTtlMs: 0 }), { instanceOf: RangeError });
});

test('the memory audit log keeps the newest entries up to its capacity, newest last', async (t) => {
  const audit = new MemoryAuditLog({ capacity: 3 });
  for (let i = 0; i < 5; i++)
    await audit.append({
      t: i,
      identity: viewer,
      phase: 'request',
      command: `status ${i}`,
      outcome: 'refused',
    });
  t.is(audit.length, 3);
  t.deepEqual(
    (await audit.list()).map((e) => e.t),
    [2, 3, 4],
  );
  t.deepEqual(
    (await audit.list(2)).map((e) => e.t),
    [3, 4],
  );
  t.deepEqual(await audit.list(0), []);
  t.throws(() => new MemoryAuditLog({ capacity: 0 }), { instanceOf: RangeError });
});
