import test from 'ava';
import { MemoryStore } from '../../actors/kernel/store-memory';
import type { ComponentView, SupervisorView, SystemTreeView } from '../../actors/kernel/system-view';
import { SIMULATION_EPOCH } from '../../actors/kernel/clock-virtual';
import { STABILITY_GATE_KEY } from '../../actors/ops/stability-gate-record';
import type { StabilityGateRecord } from '../../actors/ops/stability-gate-record';
import { BOOTS_KEY, RUN_KEY } from '../../actors/ops/uptime-boots';
import { COUNTERS_KEY } from '../../actors/ops/uptime-counters';
import { DAY, HOUR, MINUTE, gateProcess } from './stability-gate-fixture';

test('continuous operation is met at 60 days without a crash or halt, with the stretch as evidence', async (t) => {
  const p = await gateProcess(t);
  const bootAt = p.uptime.current.at;
  let result = await p.gate.evaluate();
  t.false(result.criteria.continuousOperation.met);
  t.like(result.criteria.continuousOperation.evidence, {
    since: bootAt,
    cause: 'records',
    continuousMs: 0,
    requiredMs: 60 * DAY,
    halted: false,
  });
  t.is(result.state, 'collecting');

  await p.clock.advance(59 * DAY);
  result = await p.gate.evaluate();
  t.false(result.criteria.continuousOperation.met);
  t.regex(
    result.criteria.continuousOperation.detail,
    /^59\.0 days since 2026-01-01T00:00:00\.000Z.* < 60\.0 days/,
  );

  await p.clock.advance(2 * DAY);
  result = await p.gate.evaluate();
  t.true(result.criteria.continuousOperation.met);
  t.like(result.criteria.continuousOperation.evidence, {
    since: bootAt,
    continuousMs: 61 * DAY,
    processCrashes: 0,
    unplannedHalts: 0,
    lastUnplannedHalt: null,
  });
  t.regex(result.criteria.continuousOperation.detail, /^61\.0 days since .* ≥ 60\.0 days/);
  // No incident at all: every record criterion holds, only the sign-off is missing.
  t.is(result.state, 'ready_for_signoff');
  t.false(result.passed);
  t.false(result.criteria.signOff.met);
});

test('the timer judges on its own: the gate becomes ready for sign-off at 60 days without a read', async (t) => {
  const p = await gateProcess(t);
  await p.clock.advance(60 * DAY + HOUR);
  const stored = await p.store.getValue<StabilityGateRecord>(STABILITY_GATE_KEY);
  t.is(stored?.state, 'ready_for_signoff');
  const trail = (await p.journal.query({ actor: 'stability-gate', limit: 10 })).map(
    (e) => `${e.from} -${e.event}-> ${e.to}`,
  );
  t.deepEqual(trail, ['collecting -gate.evaluated-> ready_for_signoff']);
});

test('an unplanned GLOBAL HALT: nothing counts while it holds, then continuity starts at the resume', async (t) => {
  const p = await gateProcess(t);
  await p.clock.advance(30 * DAY);
  const haltAt = p.clock.now();
  await p.halt();
  let result = await p.gate.evaluate();
  t.false(result.criteria.continuousOperation.met);
  t.like(result.criteria.continuousOperation.evidence, {
    since: null,
    cause: 'halted',
    continuousMs: 0,
    halted: true,
    unplannedHalts: 1,
  });
  t.is(result.criteria.continuousOperation.evidence.lastUnplannedHalt?.at, haltAt);

  await p.clock.advance(DAY);
  const resumedAt = p.clock.now();
  await p.resume();
  await p.clock.advance(31 * DAY);
  result = await p.gate.evaluate();
  t.false(result.criteria.continuousOperation.met, '61 days since the start, but only 31 since the resume');
  t.like(result.criteria.continuousOperation.evidence, {
    since: resumedAt,
    cause: 'halt',
    continuousMs: 31 * DAY,
  });

  await p.clock.advance(29 * DAY);
  result = await p.gate.evaluate();
  t.true(result.criteria.continuousOperation.met);
  t.regex(result.criteria.continuousOperation.detail, /the resume of an unplanned GLOBAL HALT/);
});

test('a process crash restarts continuity at the next start; a quick clean restart does not; a long stop does', async (t) => {
  const store = new MemoryStore({ instance: 'gate' });
  const first = await gateProcess(t, { store });
  const firstBoot = first.uptime.current.at;
  await first.clock.advance(20 * DAY);
  await first.stop();

  const second = await gateProcess(t, { store, after: { clock: first.clock, gapMs: 5 * MINUTE } });
  let result = await second.gate.evaluate();
  t.like(result.criteria.continuousOperation.evidence, { since: firstBoot, cause: 'records' });
  await second.clock.advance(20 * DAY);
  await second.crash();

  const third = await gateProcess(t, { store, after: { clock: second.clock, gapMs: MINUTE } });
  result = await third.gate.evaluate();
  t.like(result.criteria.continuousOperation.evidence, {
    since: third.uptime.current.at,
    cause: 'crash',
    ref: 'boot-3',
    processCrashes: 1,
  });
  await third.clock.advance(DAY);
  await third.stop();

  // Off for two hours: more than the hour a planned restart may take.
  const fourth = await gateProcess(t, { store, after: { clock: third.clock, gapMs: 2 * HOUR } });
  result = await fourth.gate.evaluate();
  t.like(result.criteria.continuousOperation.evidence, {
    since: fourth.uptime.current.at,
    cause: 'downtime',
    ref: 'boot-4',
  });
});

test('continuity is kept by the gate: boot records aged out of the uptime bounds never shorten it', async (t) => {
  const store = new MemoryStore({ instance: 'gate' });
  const first = await gateProcess(t, { store });
  const since = first.uptime.current.at;
  await first.clock.advance(DAY);
  await first.stop();
  const second = await gateProcess(t, { store, after: { clock: first.clock, gapMs: MINUTE } });
  await second.clock.advance(DAY);
  await second.stop();
  // As if fifty clean restarts had pushed boot-1 out of `uptime:boots`.
  const boots = await store.getValue<{ boots: { at: number }[] }>(BOOTS_KEY);
  await store.setValue(BOOTS_KEY, { ...boots, boots: boots?.boots.slice(-1) });
  const third = await gateProcess(t, { store, after: { clock: second.clock, gapMs: MINUTE } });
  t.true(third.uptime.snapshot().boots.every((b) => b.at > since));
  const result = await third.gate.evaluate();
  t.like(result.criteria.continuousOperation.evidence, { since, cause: 'records' });
});

test('periodStart: continuity counts from it at the earliest; balance events before it do not count', async (t) => {
  const periodStart = SIMULATION_EPOCH + 10 * DAY;
  const p = await gateProcess(t, { config: { periodStart } });
  const id = await p.raise('UNEXPLAINED_BALANCE_CHANGE', 'recon-eng');
  await p.close(id);
  await p.clock.advance(20 * DAY);
  const result = await p.gate.evaluate();
  t.like(result.criteria.continuousOperation.evidence, { since: periodStart, cause: 'period' });
  t.true(result.criteria.balanceEvents.met);
  t.like(result.criteria.balanceEvents.evidence, { count: 0, periodStart, incidentsKept: 1 });
  t.regex(result.criteria.balanceEvents.detail, /since 2026-01-11T00:00:00\.000Z/);
  t.deepEqual(result.settings, { minContinuousMs: 60 * DAY, periodStart });
});

test('unexplained balance events: one in the period fails the criterion even resolved and signed', async (t) => {
  const p = await gateProcess(t);
  let result = await p.gate.evaluate();
  t.true(result.criteria.balanceEvents.met);
  t.is(result.criteria.balanceEvents.detail, '0 unexplained balance events on record (0 incidents kept)');

  await p.clock.advance(DAY);
  const raisedAt = p.clock.now();
  const id = await p.raise('UNEXPLAINED_BALANCE_CHANGE', 'recon-eng');
  await p.close(id);
  result = await p.gate.evaluate();
  t.false(result.criteria.balanceEvents.met);
  t.deepEqual(result.criteria.balanceEvents.evidence.events, [
    {
      id,
      kind: 'UNEXPLAINED_BALANCE_CHANGE',
      actor: 'recon-eng',
      raisedAt,
      lastSeenAt: raisedAt,
      occurrences: 1,
      state: 'postmortem_written',
    },
  ]);
  t.is(
    result.criteria.balanceEvents.detail,
    `1 unexplained balance event(s) on record: #${id}, the last at 2026-01-02T00:00:00.000Z`,
  );
  t.true(result.criteria.postmortems.met, 'its post-mortem is signed: only the balance criterion fails');
});

test('every incident has a post-mortem: the ids without a signed one are listed until each is signed', async (t) => {
  const p = await gateProcess(t);
  const a = await p.raise('BAD_MARKET_DATA', 'feed');
  const b = await p.raise('BOOT_LOOP', 'auto-restart-supervisor');
  let result = await p.gate.evaluate();
  t.false(result.criteria.postmortems.met);
  t.like(result.criteria.postmortems.evidence, { incidents: 2, signed: 0 });
  t.deepEqual(
    result.criteria.postmortems.evidence.without.map((i) => [i.id, i.kind, i.state]),
    [
      [a, 'BAD_MARKET_DATA', 'open'],
      [b, 'BOOT_LOOP', 'open'],
    ],
  );
  t.is(result.criteria.postmortems.detail, `2 of 2 incident(s) without a signed post-mortem: #${a}, #${b}`);

  await p.close(a);
  result = await p.gate.evaluate();
  t.deepEqual(
    result.criteria.postmortems.evidence.without.map((i) => i.id),
    [b],
  );
  await p.book.resolve(b, 'alice', 'fixed');
  result = await p.gate.evaluate();
  t.false(result.criteria.postmortems.met, 'resolved is not enough: the post-mortem must be signed');
  await p.close(b);
  result = await p.gate.evaluate();
  t.true(result.criteria.postmortems.met);
  t.like(result.criteria.postmortems.evidence, { incidents: 2, signed: 2, without: [] });
});

test('state integrity: an open or mitigated corruption incident fails it until an operator resolves it', async (t) => {
  const p = await gateProcess(t);
  let result = await p.gate.evaluate();
  t.true(result.criteria.stateIntegrity.met);
  t.is(
    result.criteria.stateIntegrity.detail,
    'no open or mitigated RECONCILIATION_MISMATCH/ORDER_OUTCOME_UNKNOWN/BAD_VENUE_DATA incident; tree not checked; the journal never went back',
  );
  const mismatch = await p.raise('RECONCILIATION_MISMATCH', 'recon-eng');
  const unknown = await p.raise('ORDER_OUTCOME_UNKNOWN', 'eng');
  await p.book.mitigate(unknown, 'alice', 'engine killed');
  await p.raise('BAD_MARKET_DATA', 'feed'); // not a corruption kind
  result = await p.gate.evaluate();
  t.false(result.criteria.stateIntegrity.met);
  t.deepEqual(
    result.criteria.stateIntegrity.evidence.unrecoveredIncidents.map((i) => [i.id, i.kind, i.state]),
    [
      [mismatch, 'RECONCILIATION_MISMATCH', 'open'],
      [unknown, 'ORDER_OUTCOME_UNKNOWN', 'mitigated'],
    ],
  );
  t.regex(result.criteria.stateIntegrity.detail, new RegExp(`incident\\(s\\) #${mismatch}, #${unknown}`));

  await p.book.resolve(mismatch, 'alice', 'balances settled at the venue');
  await p.book.resolve(unknown, 'alice', 'order found filled');
  result = await p.gate.evaluate();
  t.true(result.criteria.stateIntegrity.met);
});

function tree(state: string, feed: string, market = 'running'): SystemTreeView {
  const component = (id: string, lifecycle: string): ComponentView => ({
    type: 'component',
    id,
    kind: 'market-feed',
    placement: 'memory',
    restart: 'permanent',
    lifecycle,
    reason: null,
    machine: 'feed',
    state: '',
    restarts: 0,
    startedAt: null,
    uptimeMs: 0,
    missedHeartbeats: 0,
    pid: null,
    summary: {},
  });
  const supervisor = (id: string, s: string, children: SupervisorView['children']): SupervisorView => ({
    type: 'supervisor',
    id,
    strategy: 'one_for_one',
    restart: 'permanent',
    intensity: 3,
    periodMs: 5_000,
    state: s,
    restarts: 0,
    recentRestarts: 0,
    selfRestarts: 0,
    children,
  });
  return {
    instance: 'gate',
    state,
    haltReason: null,
    now: 0,
    startedAt: 0,
    maxRestartsBeforeHalt: 9,
    store: { kind: 'memory', durable: false, up: true },
    root: supervisor('root', 'running', [supervisor('market', market, [component('feed', feed)])]),
  };
}

test('state integrity: a component stuck faulted for stuckAfterMs fails it; a fault the supervisor clears does not', async (t) => {
  let now = tree('running', 'running');
  const p = await gateProcess(t, { system: { tree: () => now }, config: { stuckAfterMs: 10 * MINUTE } });
  now = tree('running', 'faulted');
  let result = await p.gate.evaluate();
  t.true(result.criteria.stateIntegrity.met, 'faulted an instant: a restart in progress');
  t.deepEqual(result.criteria.stateIntegrity.evidence.stuckActors, []);
  now = tree('running', 'running');
  await p.gate.evaluate();
  await p.clock.advance(20 * MINUTE);
  now = tree('running', 'faulted', 'failed');
  const since = p.clock.now();
  await p.gate.evaluate();
  await p.clock.advance(10 * MINUTE);
  result = await p.gate.evaluate();
  t.false(result.criteria.stateIntegrity.met);
  t.deepEqual(result.criteria.stateIntegrity.evidence.stuckActors, [
    { id: 'market', type: 'supervisor', state: 'failed', since },
    { id: 'feed', type: 'component', state: 'faulted', since },
  ]);
  t.regex(result.criteria.stateIntegrity.detail, /stuck: market failed since .*, feed faulted since/);
  // A GLOBAL HALT stops everything: that is the halt's business (continuous operation), not stuck.
  now = tree('halted', 'faulted', 'failed');
  result = await p.gate.evaluate();
  t.deepEqual(result.criteria.stateIntegrity.evidence.stuckActors, []);
});

test('state integrity: a journal that went back between two processes is a regression, with the seqs', async (t) => {
  const store = new MemoryStore({ instance: 'gate' });
  const first = await gateProcess(t, { store });
  await first.raise('BAD_MARKET_DATA', 'feed');
  await first.gate.evaluate();
  await first.stop();
  const acknowledged =
    (await store.getValue<StabilityGateRecord>(STABILITY_GATE_KEY))?.journalAcknowledged ?? 0;
  t.true(acknowledged > 0);

  // A Redis restored from a copy that has the values but lost the journal stream.
  const restored = new MemoryStore({ instance: 'gate' });
  for (const key of [STABILITY_GATE_KEY, BOOTS_KEY, RUN_KEY, COUNTERS_KEY])
    await restored.setValue(key, await store.getValue(key));
  const second = await gateProcess(t, { store: restored, after: { clock: first.clock, gapMs: MINUTE } });
  const result = await second.gate.evaluate();
  t.false(result.criteria.stateIntegrity.met);
  t.deepEqual(result.criteria.stateIntegrity.evidence.journalRegressions, [
    { at: second.uptime.current.at, acknowledged, found: 0 },
  ]);
  t.regex(
    result.criteria.stateIntegrity.detail,
    new RegExp(`had acknowledged seq ${acknowledged}, continued at 0`),
  );
});
