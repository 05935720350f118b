import test from 'ava';
import { AskTimeoutError } from '../../actors/kernel/errors';
import { componentView, simulated } from '../helpers/runtime';

test('an unknown message to a component is journaled as a dead letter and the component is unaffected', async (t) => {
  const { runtime, clock } = await simulated();
  t.teardown(() => runtime.stop());
  await clock.advance(10_000);
  const before = componentView(runtime, 'ma');
  const reply = await runtime.ask('ma', { type: 'no.such.event' });
  t.true(reply.deadLetter);
  runtime.send('nobody', { type: 'hello' });
  const letters = (await runtime.journal({ limit: 1000 })).filter((e) => e.machine === 'dead-letter');
  t.deepEqual(
    letters.map((e) => [e.actor, e.event]),
    [
      ['ma', 'no.such.event'],
      ['nobody', 'hello'],
    ],
  );
  const after = componentView(runtime, 'ma');
  t.is(after.lifecycle, 'running');
  t.is(after.restarts, before.restarts);
  await clock.advance(10_000);
  t.true(Number(componentView(runtime, 'ma').summary.samples) > Number(before.summary.samples));
});

test('a crashed component restarts from its last snapshot, not from scratch', async (t) => {
  const { runtime, clock, store } = await simulated({ snapshotIntervalMs: 0 });
  t.teardown(() => runtime.stop());
  await clock.advance(60_000);
  const ticks = Number(componentView(runtime, 'feed').summary.ticks);
  t.true(ticks >= 29);
  const saved = await store.loadActor('feed');
  t.truthy(saved);
  runtime.send('feed', { type: 'sys.fault.crash' });
  await clock.advance(1);
  const view = componentView(runtime, 'feed');
  t.is(view.lifecycle, 'running');
  t.is(view.restarts, 1);
  t.is(Number(view.summary.ticks), ticks);
  const journal = await runtime.journal({ actor: 'feed', limit: 1000 });
  t.deepEqual(
    journal.filter((e) => e.machine === 'lifecycle').map((e) => `${e.from}>${e.to}`),
    [
      'ready>starting',
      'starting>running',
      'running>faulted',
      'faulted>ready',
      'ready>starting',
      'starting>running',
    ],
  );
});

test('a deadline kept in context is re-armed after a restart and fires on time', async (t) => {
  const { runtime, clock } = await simulated({ snapshotIntervalMs: 0 });
  t.teardown(() => runtime.stop());
  await clock.advance(10_500);
  const ticks = Number(componentView(runtime, 'feed').summary.ticks);
  runtime.send('feed', { type: 'sys.fault.crash' });
  // The feed ticks every 2 s from the start (10 s was the last); the restored deadline is 12 s.
  await clock.advance(1_400);
  t.is(Number(componentView(runtime, 'feed').summary.ticks), ticks);
  await clock.advance(200);
  t.is(Number(componentView(runtime, 'feed').summary.ticks), ticks + 1);
  await clock.advance(4_000);
  t.is(Number(componentView(runtime, 'feed').summary.ticks), ticks + 3);
});

test('a hung in-memory component misses heartbeats and is restarted by its supervisor', async (t) => {
  const { runtime, clock } = await simulated();
  t.teardown(() => runtime.stop());
  await clock.advance(5_000);
  runtime.send('monitor', { type: 'sys.fault.hang' });
  const hungAt = clock.now();
  const unanswered = t.throwsAsync(
    runtime.ask('monitor', { type: 'ma.crossed', direction: 'up', t: 0 }, 500),
    {
      instanceOf: AskTimeoutError,
    },
  );
  // Worst case: maxMissed (2) intervals plus the probe timeout after the hang starts.
  await clock.advance(2 * 1_000 + 250);
  await unanswered;
  const view = componentView(runtime, 'monitor');
  t.is(view.lifecycle, 'running');
  t.is(view.restarts, 1);
  t.true(clock.now() - hungAt <= 3 * 1_000);
  const lifecycle = (await runtime.journal({ actor: 'monitor', limit: 100 })).filter(
    (e) => e.machine === 'lifecycle',
  );
  t.true(lifecycle.some((e) => e.to === 'faulted'));
});

test('a forced rest_for_one restart takes the later sibling down and up with the failed child', async (t) => {
  const { runtime, clock } = await simulated();
  t.teardown(() => runtime.stop());
  await clock.advance(5_000);
  runtime.send('feed', { type: 'sys.fault.crash' });
  await clock.advance(1);
  t.is(componentView(runtime, 'feed').restarts, 1);
  t.is(componentView(runtime, 'ma').restarts, 1);
  t.is(componentView(runtime, 'worker').restarts, 0);
  t.is(runtime.tree().root.children[0]?.restarts, 1);
});
