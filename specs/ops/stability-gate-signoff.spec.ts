import test from 'ava';
import { ConfigError } from '../../actors/kernel/errors';
import { MemoryStore } from '../../actors/kernel/store-memory';
import { SignOffInputError, SignOffRefusedError } from '../../actors/ops/stability-gate-errors';
import {
  STABILITY_GATE_KEY,
  STABILITY_GATE_UNREADABLE_KEY,
  contextOfRecord,
} from '../../actors/ops/stability-gate-record';
import type { StabilityGateRecord } from '../../actors/ops/stability-gate-record';
import { parseStabilityGateConfig } from '../../actors/ops/stability-gate.config';
import type { GateProcess } from './stability-gate-fixture';
import { DAY, MINUTE, gateProcess } from './stability-gate-fixture';

async function stored(p: GateProcess): Promise<StabilityGateRecord | undefined> {
  return p.store.getValue<StabilityGateRecord>(STABILITY_GATE_KEY);
}

async function gateTrail(p: GateProcess): Promise<string[]> {
  return (await p.journal.query({ actor: 'stability-gate', limit: 100 })).map(
    (e) => `${e.from} -${e.event}-> ${e.to}`,
  );
}

/** A process 61 days in with nothing wrong: ready for sign-off. */
async function ready(t: Parameters<typeof gateProcess>[0], store?: MemoryStore): Promise<GateProcess> {
  const p = await gateProcess(t, store ? { store } : {});
  await p.clock.advance(61 * DAY);
  const result = await p.gate.evaluate();
  if (result.state !== 'ready_for_signoff') throw new Error(`fixture: ${result.state}`);
  return p;
}

test('sign-off is refused while a criterion fails, naming it; nothing is recorded', async (t) => {
  const p = await gateProcess(t);
  await p.clock.advance(10 * DAY);
  const before = await stored(p);
  const error = await t.throwsAsync(p.gate.signOff('alice', 'looks fine'), {
    instanceOf: SignOffRefusedError,
  });
  t.is(error?.state, 'collecting');
  t.deepEqual(
    error?.failing.map((f) => f.id),
    ['continuousOperation'],
  );
  t.regex(
    error?.message ?? '',
    /^sign-off refused: not every criterion holds \(continuousOperation: 10\.0 days/,
  );
  const after = await stored(p);
  t.is(after?.state, 'collecting');
  t.is(contextOfRecord(after as StabilityGateRecord).signOff, null);
  t.deepEqual(after?.snapshot, before?.snapshot);
  t.deepEqual(await gateTrail(p), []);
});

test('sign-off without an identity is refused naming the field, and changes nothing', async (t) => {
  const p = await ready(t);
  const before = await stored(p);
  for (const by of ['', '  \t', undefined as unknown as string]) {
    const error = await t.throwsAsync(p.gate.signOff(by, 'note'), { instanceOf: SignOffInputError });
    t.regex(error?.message ?? '', /^invalid sign-off: by: expected/);
  }
  const long = await t.throwsAsync(p.gate.signOff('alice', 'x'.repeat(2_001)), {
    instanceOf: SignOffInputError,
  });
  t.is(long?.message, 'invalid sign-off: note: expected at most 2000 characters');
  t.deepEqual(await stored(p), before);
  t.is((await p.gate.evaluate()).state, 'ready_for_signoff');
});

test('sign-off when every criterion holds: passed, recorded with the evidence signed, journaled', async (t) => {
  const p = await ready(t);
  const t0 = p.clock.now();
  const result = await p.gate.signOff(' alice ', 'phase 6 exit reviewed');
  t.is(result.state, 'passed');
  t.true(result.passed);
  t.true(result.criteria.signOff.met);
  t.like(result.signOff, { by: 'alice', note: 'phase 6 exit reviewed', t: t0 });
  t.regex(result.signOff?.evidence.continuousOperation ?? '', /^61\.0 days since .* ≥ 60\.0 days/);
  t.regex(
    result.criteria.signOff.detail,
    /^signed by alice at 2026-03-03T00:00:00\.000Z: phase 6 exit reviewed$/,
  );

  const record = await stored(p);
  t.is(record?.state, 'passed');
  t.deepEqual(contextOfRecord(record as StabilityGateRecord).signOff, result.signOff);
  t.deepEqual(await gateTrail(p), [
    'collecting -gate.evaluated-> ready_for_signoff',
    'ready_for_signoff -gate.signOff-> passed',
  ]);
  await t.throwsAsync(p.gate.signOff('bob'), {
    instanceOf: SignOffRefusedError,
    message: 'already signed off by alice; the gate has passed',
  });
});

test('a new unexplained balance event after the sign-off revokes it at once: recorded and journaled', async (t) => {
  const p = await ready(t);
  await p.gate.signOff('alice', 'ok');
  await p.clock.advance(DAY);
  const id = await p.raise('UNEXPLAINED_BALANCE_CHANGE', 'recon-eng');
  // No read and no timer: the incident's arrival alone judged the gate again.
  const record = await stored(p);
  t.is(record?.state, 'collecting');
  const context = contextOfRecord(record as StabilityGateRecord);
  t.is(context.signOff, null);
  t.is(context.revoked, 1);
  t.like(context.revocations[0], { t: p.clock.now(), signOff: { by: 'alice', note: 'ok' } });
  t.deepEqual(
    context.revocations[0]?.failing.map((f) => f.id),
    ['balanceEvents', 'postmortems'],
  );
  t.deepEqual((await gateTrail(p)).slice(-1), ['passed -gate.evaluated-> collecting']);
  const result = await p.gate.evaluate();
  t.false(result.criteria.signOff.met);
  t.regex(
    result.criteria.signOff.detail,
    /the sign-off by alice was revoked at .* \(balanceEvents, postmortems stopped holding\)/,
  );
  t.regex(result.criteria.balanceEvents.detail, new RegExp(`#${id}`));
});

test('an unplanned GLOBAL HALT after the sign-off revokes it at once; holding again needs a new sign-off', async (t) => {
  const p = await ready(t);
  await p.gate.signOff('alice', 'ok');
  await p.halt();
  let record = await stored(p);
  t.is(record?.state, 'collecting');
  t.deepEqual(
    contextOfRecord(record as StabilityGateRecord).revocations[0]?.failing.map((f) => f.id),
    ['continuousOperation'],
  );
  await p.resume();
  await p.clock.advance(61 * DAY);
  record = await stored(p);
  t.is(record?.state, 'ready_for_signoff', 'the timer saw every criterion hold again');
  const result = await p.gate.signOff('bob', 'again');
  t.is(result.signOff?.by, 'bob');
  t.is(result.revoked, 1);
});

test('the sign-off survives a restart on the same store; a crash after it revokes it', async (t) => {
  const store = new MemoryStore({ instance: 'gate' });
  const first = await ready(t, store);
  const signed = await first.gate.signOff('alice', 'ok');
  await first.stop();

  const second = await gateProcess(t, { store, after: { clock: first.clock, gapMs: 5 * MINUTE } });
  let result = await second.gate.evaluate();
  t.is(result.state, 'passed', 'a planned restart is not a break');
  t.deepEqual(result.signOff, signed.signOff);
  await second.clock.advance(DAY);
  await second.crash();

  const third = await gateProcess(t, { store, after: { clock: second.clock, gapMs: MINUTE } });
  result = await third.gate.evaluate();
  t.is(result.state, 'collecting');
  t.is(result.revoked, 1);
  t.like(result.revocations[0], { t: third.uptime.current.at, signOff: { by: 'alice' } });
  t.like(result.criteria.continuousOperation.evidence, { cause: 'crash', ref: 'boot-3' });
});

test('a bad config names the field and starts nothing', async (t) => {
  t.throws(() => parseStabilityGateConfig({ minContinuousMs: 5 }), {
    instanceOf: ConfigError,
    message: /minContinuousMs: expected at least 60000 ms/,
  });
  t.throws(() => parseStabilityGateConfig({ corruptionKinds: ['not a kind'] }), {
    instanceOf: ConfigError,
    message: /corruptionKinds\[0\]: expected an incident kind/,
  });
  t.throws(() => parseStabilityGateConfig({ periodStart: -1, minContinousMs: 1 }), {
    instanceOf: ConfigError,
    message: /periodStart: expected a clock time in ms, or null[\s\S]*Unrecognized key/,
  });
  const store = new MemoryStore({ instance: 'gate' });
  await t.throwsAsync(gateProcess(t, { store, config: { evaluateEveryMs: 10 } }), {
    instanceOf: ConfigError,
    message: /evaluateEveryMs: expected at least 1000 ms/,
  });
  t.is(await store.getValue(STABILITY_GATE_KEY), undefined);
});

test('an unreadable record is set aside, logged, and the gate starts afresh', async (t) => {
  const store = new MemoryStore({ instance: 'gate' });
  await store.setValue(STABILITY_GATE_KEY, { state: 'passed', hacked: true });
  const p = await gateProcess(t, { store });
  t.deepEqual(await store.getValue(STABILITY_GATE_UNREADABLE_KEY), { state: 'passed', hacked: true });
  t.is((await stored(p))?.state, 'collecting');
});

/** A store whose writes of the gate's record fail while `down`. */
class FlakyStore extends MemoryStore {
  down = false;

  override async setValue(key: string, value: unknown): Promise<void> {
    if (this.down && key === STABILITY_GATE_KEY) throw new Error('store down');
    return super.setValue(key, value);
  }
}

test('a record that cannot be written: the gate answers its stored state, journals nothing, signs nothing', async (t) => {
  const store = new FlakyStore({ instance: 'gate' });
  const p = await gateProcess(t, { store });
  store.down = true;
  await p.clock.advance(61 * DAY);
  const result = await p.gate.evaluate();
  t.true(result.criteria.continuousOperation.met);
  t.is(result.state, 'collecting', 'not ready until it is kept');
  t.deepEqual(await gateTrail(p), []);
  await t.throwsAsync(p.gate.signOff('alice'), {
    instanceOf: SignOffRefusedError,
    message: "sign-off refused: the gate's record could not be written; try again",
  });

  store.down = false;
  t.is((await p.gate.evaluate()).state, 'ready_for_signoff');
  t.is((await stored(p))?.state, 'ready_for_signoff');
  t.deepEqual(await gateTrail(p), ['collecting -gate.evaluated-> ready_for_signoff']);
});
