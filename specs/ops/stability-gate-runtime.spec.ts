import test from 'ava';
import { VirtualClock } from '../../actors/kernel/clock-virtual';
import { silentLogger } from '../../actors/kernel/logger';
import { Runtime } from '../../actors/kernel/runtime';
import type { SystemConfigInput } from '../../actors/kernel/system-config';
import { MemoryStore } from '../../actors/kernel/store-memory';
import { IncidentBook } from '../../actors/ops/incident-book';
import { StabilityGate } from '../../actors/ops/stability-gate';
import { STABILITY_GATE_KEY } from '../../actors/ops/stability-gate-record';
import type { StabilityGateRecord } from '../../actors/ops/stability-gate-record';
import { UptimeWatcher } from '../../actors/ops/uptime-watcher';
import { FIELDS, HOUR, MINUTE } from './stability-gate-fixture';

/** root (1 restart / min) → market (1 restart / min) → feed, ma: two quick crashes halt it all. */
const FRAGILE: SystemConfigInput = {
  instance: 'gate-rt',
  root: {
    type: 'supervisor',
    id: 'root',
    intensity: 1,
    periodMs: MINUTE,
    children: [
      {
        type: 'supervisor',
        id: 'market',
        intensity: 1,
        periodMs: MINUTE,
        children: [
          { type: 'component', id: 'feed', kind: 'market-feed', subscribe: [] },
          { type: 'component', id: 'ma', kind: 'moving-average', subscribe: ['prices'] },
        ],
      },
    ],
  },
};

test('wired as predator start wires it: runtime incidents hold the gate, a GLOBAL HALT revokes the sign-off', async (t) => {
  const store = new MemoryStore({ instance: 'gate-rt' });
  const clock = new VirtualClock();
  const logger = silentLogger();
  const uptime = await UptimeWatcher.boot({ store, clock, logger });
  const runtime = await Runtime.start({ config: FRAGILE, store, clock, logger, placement: 'memory' });
  t.teardown(() => runtime.stop());
  const journal = runtime.kernel.journal;
  const book = await IncidentBook.open({ store, journal, clock, logger });
  book.attach({ incidents: runtime, stateOf: (id) => runtime.component(id)?.behaviourState });
  await uptime.attach(journal);
  const gate = await StabilityGate.open({
    store,
    journal,
    clock,
    logger,
    uptime,
    incidents: book,
    system: runtime,
    config: { minContinuousMs: HOUR },
  });
  t.teardown(() => gate.stop());

  runtime.raiseIncident('recon-eng', 'RECONCILIATION_MISMATCH', 'venue shows an order we do not', {
    engine: 'eng',
  });
  await clock.advance(2 * HOUR);
  let result = await gate.evaluate();
  t.is(result.state, 'collecting');
  t.false(result.criteria.stateIntegrity.met);
  t.deepEqual(result.criteria.stateIntegrity.evidence.stuckActors, []);
  const [incident] = book.list();
  await book.resolve(incident?.id ?? 0, 'alice', 'settled at the venue');
  await book.completePostmortem(incident?.id ?? 0, 'alice', FIELDS);
  await book.signPostmortem(incident?.id ?? 0, 'alice');
  await clock.settle();

  result = await gate.signOff('alice', 'an hour of clean running');
  t.is(result.state, 'passed');
  t.true(result.criteria.continuousOperation.met);

  // Four crashes 100 ms apart: more than market and root may restart in a minute.
  for (let i = 0; i < 4; i++) {
    runtime.send('feed', { type: 'sys.fault.crash' });
    await clock.advance(100);
  }
  t.is(runtime.state, 'halted');
  // The system machine's transition alone judged the gate again: no read, no timer.
  t.is((await store.getValue<StabilityGateRecord>(STABILITY_GATE_KEY))?.state, 'collecting');
  result = await gate.evaluate();
  t.is(result.state, 'collecting');
  t.is(result.revoked, 1);
  t.like(result.criteria.continuousOperation.evidence, { halted: true, unplannedHalts: 1 });
  t.deepEqual(
    result.revocations[0]?.failing.map((f) => f.id),
    ['continuousOperation'],
  );
  const trail = (await journal.query({ actor: 'stability-gate', limit: 10 })).map(
    (e) => `${e.from} -${e.event}-> ${e.to}`,
  );
  t.deepEqual(trail, [
    'collecting -gate.evaluated-> ready_for_signoff',
    'ready_for_signoff -gate.signOff-> passed',
    'passed -gate.evaluated-> collecting',
  ]);
});
