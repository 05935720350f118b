import test from 'ava';
import { ConfigError } from '../../actors/kernel/errors';
import {
  IncidentInputError,
  IncidentNotFoundError,
  IncidentTransitionError,
  PostmortemError,
} from '../../actors/ops/incident-errors';
import { bookProcess, storedBook } from './incident-fixture';

const MINUTE = 60_000;
const COMPLETE = { rootCause: 'venue dropped a submit', actions: 'engine REDUCING', followUps: ['alert'] };

test('a raise opens an incident: stored, journaled as incident/<id> opened, with its scope from the data', async (t) => {
  const p = await bookProcess();
  p.incidents.raise('eng', 'ORDER_OUTCOME_UNKNOWN', 'lost submit', {
    engine: 'eng',
    strategy: 'strat',
    clientOrderId: 'c1',
  });
  await p.settle();
  const [incident] = p.book.list();
  t.like(incident, {
    id: 1,
    kind: 'ORDER_OUTCOME_UNKNOWN',
    actor: 'eng',
    detail: 'lost submit',
    scope: { engine: 'eng', strategy: 'strat' },
    raisedSeq: 1,
    state: 'open',
    occurrences: 1,
    mitigation: null,
  });
  t.deepEqual(await p.bookTrail(), ['incident/1 (new) -incident.opened-> open']);
});

test('incident ids stay unique across a restart: a new book on the same store continues the count', async (t) => {
  const first = await bookProcess();
  first.incidents.raise('feed', 'BAD_THING', 'one');
  first.incidents.raise('worker', 'BAD_THING', 'two');
  await first.settle();
  first.detach();
  // A new process: new IncidentLog (its own ids start at 1 again), new journal, new book, same store.
  const second = await bookProcess({ store: first.store, clock: first.clock });
  t.is(second.incidents.raise('monitor', 'OTHER', 'three').id, 1, 'the kernel id restarts');
  await second.settle();
  t.deepEqual(
    second.book.list().map((i) => [i.id, i.actor]),
    [
      [1, 'feed'],
      [2, 'worker'],
      [3, 'monitor'],
    ],
  );
  t.is(second.book.get(3).raisedSeq, 5, 'journal numbering continued too (a raise and its opening each)');
});

test('lifecycle state survives a restart: who mitigated and resolved, and when', async (t) => {
  const first = await bookProcess();
  first.incidents.raise('feed', 'BAD_THING', 'one');
  await first.clock.advance(MINUTE);
  await first.book.mitigate(1, 'alice', 'restarted the feed by hand');
  await first.clock.advance(MINUTE);
  await first.book.resolve(1, 'bob', 'upstream fixed');
  const second = await bookProcess({ store: first.store, clock: first.clock });
  t.like(second.book.get(1), {
    state: 'resolved',
    mitigation: {
      by: 'alice',
      auto: false,
      evidence: 'restarted the feed by hand',
      t: first.clock.now() - MINUTE,
    },
    resolution: { by: 'bob', note: 'upstream fixed', t: first.clock.now() },
  });
  t.deepEqual(await first.bookTrail(), [
    'incident/1 (new) -incident.opened-> open',
    'incident/1 open -incident.mitigate-> mitigated',
    'incident/1 mitigated -incident.resolve-> resolved',
  ]);
});

test('a raise of the same actor and kind while open is a recurrence: counted, no new incident, no entry', async (t) => {
  const p = await bookProcess();
  p.incidents.raise('md-btcusdt', 'BAD_MARKET_DATA', 'crossed book');
  await p.clock.advance(MINUTE);
  p.incidents.raise('md-btcusdt', 'BAD_MARKET_DATA', 'crossed book again');
  p.incidents.raise('md-ethusdt', 'BAD_MARKET_DATA', 'another actor');
  await p.settle();
  t.deepEqual(
    p.book.list().map((i) => [i.id, i.actor, i.occurrences]),
    [
      [1, 'md-btcusdt', 2],
      [2, 'md-ethusdt', 1],
    ],
  );
  t.is(p.book.get(1).lastSeenAt, p.clock.now());
  t.deepEqual(await p.bookTrail(), [
    'incident/1 (new) -incident.opened-> open',
    'incident/2 (new) -incident.opened-> open',
  ]);
});

test('a resolved incident that recurs within the window reopens; after it, a new incident points back to it', async (t) => {
  const p = await bookProcess({ config: { recurrenceWindowMs: 10 * MINUTE } });
  p.incidents.raise('feed', 'BAD_THING', 'one');
  await p.book.resolve(1, 'alice');
  await p.clock.advance(10 * MINUTE);
  p.incidents.raise('feed', 'BAD_THING', 'again, inside the window');
  await p.settle();
  t.like(p.book.get(1), { state: 'open', occurrences: 2, reopened: 1, resolution: null });
  await p.book.resolve(1, 'alice');
  await p.clock.advance(10 * MINUTE + 1);
  p.incidents.raise('feed', 'BAD_THING', 'again, past the window');
  await p.settle();
  t.like(p.book.get(2), { state: 'open', relatedTo: 1, occurrences: 1 });
  t.deepEqual(await p.bookTrail(), [
    'incident/1 (new) -incident.opened-> open',
    'incident/1 open -incident.resolve-> resolved',
    'incident/1 resolved -incident.recurred-> open',
    'incident/1 open -incident.resolve-> resolved',
    'incident/2 (new) -incident.opened-> open',
  ]);
});

test('an incident is mitigated automatically when its engine goes REDUCING after the raise, with that entry as evidence', async (t) => {
  const p = await bookProcess();
  p.incidents.raise('eng', 'BAD_VENUE_DATA', 'fill past quantity', { engine: 'eng' });
  p.incidents.raise('other', 'BAD_VENUE_DATA', 'fill past quantity', { engine: 'other' });
  await p.clock.advance(1_000);
  const entry = p.transition('eng', 'trading-state', 'ACTIVE', 'trading.reduce', 'REDUCING');
  await p.settle();
  t.like(p.book.get(1), {
    state: 'mitigated',
    mitigation: {
      by: 'eng',
      auto: true,
      t: p.clock.now(),
      evidence: `engine eng ACTIVE → REDUCING on trading.reduce (journal seq ${entry.seq})`,
    },
  });
  t.is(p.book.get(2).state, 'open', 'another engine going REDUCING does not contain it');
});

test('a global restriction mitigates every open incident; an earlier one mitigates none', async (t) => {
  const p = await bookProcess();
  p.transition('trading', 'trading-state', 'ACTIVE', 'trading.halt', 'HALTED');
  p.incidents.raise('feed', 'BAD_THING', 'raised after the halt was journaled');
  await p.settle();
  t.is(p.book.get(1).state, 'open', 'a transition before the raise is no evidence (no probe said HALTED)');
  p.transition('trading', 'trading-state', 'HALTED', 'trading.resume', 'ACTIVE');
  p.transition('trading', 'trading-state', 'ACTIVE', 'trading.reduce', 'REDUCING');
  await p.settle();
  t.like(p.book.get(1), { state: 'mitigated', mitigation: { by: 'trading', auto: true } });
});

test('a kill switch engaged over the scope mitigates, and so does a GLOBAL HALT', async (t) => {
  const p = await bookProcess();
  p.incidents.raise('maker', 'BAD_VENUE_DATA', 'a', { engine: 'maker', strategy: 'mm-btc' });
  p.incidents.raise('trend', 'BAD_VENUE_DATA', 'b', { engine: 'trend' });
  p.incidents.raise('feed', 'BAD_THING', 'c');
  await p.settle();
  await p.kills.engage(
    { level: 'strategy', id: 'mm-btc' },
    'reduce',
    'breaker dd-mm-btc RED',
    'breaker:dd-mm-btc',
  );
  await p.settle();
  t.like(p.book.get(1).mitigation, {
    by: 'breaker:dd-mm-btc',
    auto: true,
    evidence: 'kill switch strategy mm-btc at reduce (REDUCING) by breaker:dd-mm-btc: breaker dd-mm-btc RED',
  });
  t.is(p.book.get(2).state, 'open');
  p.transition('system', 'system', 'running', 'sys.halt.requested', 'halting');
  await p.settle();
  t.deepEqual(
    p.book.list().map((i) => i.state),
    ['mitigated', 'mitigated', 'mitigated'],
  );
  t.regex(p.book.get(3).mitigation?.evidence ?? '', /^GLOBAL HALT \(journal seq \d+\)$/);
});

test('an incident raised while its scope is already restricted is mitigated at once, saying so', async (t) => {
  const p = await bookProcess();
  p.states.set('eng', 'REDUCING');
  p.incidents.raise('eng', 'ORDER_OUTCOME_UNKNOWN', 'x', { engine: 'eng' });
  await p.kills.engage({ level: 'global', id: 'global' }, 'cancel', 'operator halt', 'alice');
  p.incidents.raise('feed', 'BAD_THING', 'y');
  await p.settle();
  t.like(p.book.get(1).mitigation, { auto: true, evidence: 'eng was already REDUCING when it was raised' });
  t.like(p.book.get(2).mitigation, {
    auto: true,
    by: 'alice',
    evidence: 'already restricted when raised: kill switch global at cancel (HALTED) by alice: operator halt',
  });
});

test('a raise taken in twice (same journal seq) lands once', async (t) => {
  const p = await bookProcess();
  const entries: Parameters<typeof p.book.ingest>[1][] = [];
  p.journal.onTransition((e) => entries.push(e));
  const incident = p.incidents.raise('feed', 'BAD_THING', 'once');
  await p.settle();
  const raise = entries.find((e) => e.event === 'BAD_THING');
  if (!raise) throw new Error('no raise entry');
  t.is(await p.book.ingest(incident, raise), undefined);
  t.is(p.book.get(1).occurrences, 1);
});

test('raises before the book attached (the tree booting) are taken in at attach, once, and never again after a restart', async (t) => {
  const p = await bookProcess();
  p.detach();
  const bootedAt = p.clock.now();
  p.incidents.raise('feed', 'BOOT_THING', 'raised while the tree booted');
  p.incidents.raise('venue', 'OTHER_THING', 'also during boot');
  p.clock.advance(MINUTE);
  p.book.attach({ incidents: p.incidents, kills: p.kills });
  p.book.attach({ incidents: p.incidents, kills: p.kills });
  await p.settle();
  t.deepEqual(
    p.book.list().map((v) => [v.id, v.actor, v.kind, v.occurrences]),
    [
      [1, 'feed', 'BOOT_THING', 1],
      [2, 'venue', 'OTHER_THING', 1],
    ],
  );
  t.is(p.book.get(1).raisedAt, bootedAt);

  // A raise taken in by an earlier process is not taken again by a book that attaches later.
  const again = await bookProcess({ store: p.store, clock: p.clock });
  again.detach();
  again.book.attach({ incidents: p.incidents, kills: again.kills });
  await again.settle();
  t.is(again.book.list().length, 2);
  t.is(again.book.get(1).occurrences, 1);
});

test('unknown ids and blank identities are refused with a clear error, and nothing changes', async (t) => {
  const p = await bookProcess();
  p.incidents.raise('feed', 'BAD_THING', 'one');
  await p.settle();
  const before = await storedBook(p.store, 1_000);
  const trail = await p.bookTrail();

  const unknown = await t.throwsAsync(p.book.resolve(42, 'alice'), { instanceOf: IncidentNotFoundError });
  t.is(unknown?.message, 'no incident #42 (never opened, or older than the book keeps)');
  t.throws(() => p.book.get(42), { instanceOf: IncidentNotFoundError });
  const blank = await t.throwsAsync(p.book.resolve(1, '   '), { instanceOf: IncidentInputError });
  t.is(blank?.message, 'invalid resolve: by: expected a non-blank name (who is acting)');
  const badId = await t.throwsAsync(p.book.mitigate(0.5, 'alice', ''), { instanceOf: IncidentInputError });
  t.deepEqual((badId as IncidentInputError).issues, [
    'id: expected a positive integer',
    'note: expected a non-blank note (what contained it)',
  ]);
  await t.throwsAsync(p.book.reopen(1, 'alice', 'back'), {
    instanceOf: IncidentTransitionError,
    message: 'cannot reopen incident #1: it is open; `incident.reopen` is not allowed there',
  });
  await t.throwsAsync(p.book.completePostmortem(1, 'alice', {}), {
    instanceOf: IncidentInputError,
    message: 'invalid complete: fields: expected at least one of rootCause, actions, followUps',
  });
  await t.throwsAsync(
    p.book.completePostmortem(1, 'alice', { followUps: 'alert' } as unknown as { followUps: string[] }),
    {
      instanceOf: IncidentInputError,
      message: 'invalid complete: fields.followUps: expected a list of follow-ups',
    },
  );
  await p.settle();
  t.deepEqual(await storedBook(p.store, 1_000), before);
  t.deepEqual(await p.bookTrail(), trail);
});

test('signing is refused without a draft, with missing fields, or before resolution, and changes nothing', async (t) => {
  const p = await bookProcess();
  p.incidents.raise('feed', 'BAD_THING', 'one');
  await p.settle();
  await t.throwsAsync(p.book.signPostmortem(1, 'alice'), {
    instanceOf: PostmortemError,
    message: 'incident #1 has no post-mortem yet; draft and complete it first',
  });
  await p.book.completePostmortem(1, 'alice', { rootCause: 'venue dropped a submit' });
  const before = await storedBook(p.store, 1_000);
  const incomplete = await t.throwsAsync(p.book.signPostmortem(1, 'alice'), { instanceOf: PostmortemError });
  t.like(incomplete, { problem: 'incomplete', missing: ['actions', 'followUps'] });
  t.is(
    incomplete?.message,
    'the post-mortem of incident #1 is incomplete: fill in actions, followUps before signing',
  );
  t.deepEqual(await storedBook(p.store, 1_000), before);
  await p.book.completePostmortem(1, 'alice', COMPLETE);
  const complete = await storedBook(p.store, 1_000);
  const trail = await p.bookTrail();
  await t.throwsAsync(p.book.signPostmortem(1, 'alice'), {
    instanceOf: IncidentTransitionError,
    message: 'cannot sign incident #1: it is open; resolve it before signing its post-mortem',
  });
  await t.throwsAsync(p.book.signPostmortem(1, ''), { instanceOf: IncidentInputError });
  t.is(p.book.get(1).state, 'open');
  t.deepEqual(await storedBook(p.store, 1_000), complete);
  t.deepEqual(await p.bookTrail(), trail);
});

test('signing a complete post-mortem of a resolved incident makes both final and immutable', async (t) => {
  const p = await bookProcess();
  p.incidents.raise('feed', 'BAD_THING', 'one');
  await p.settle();
  await p.book.resolve(1, 'alice', 'fixed');
  await p.book.draftPostmortem(1);
  await p.book.completePostmortem(1, 'alice', COMPLETE);
  await p.clock.advance(MINUTE);
  const signed = await p.book.signPostmortem(1, 'carol');
  t.deepEqual(signed.signature, { by: 'carol', t: p.clock.now() });
  t.like(p.book.get(1), { state: 'postmortem_written', signature: { by: 'carol', t: p.clock.now() } });
  t.deepEqual(p.book.withoutPostmortem(), []);
  const markdown = await p.book.postmortemMarkdown(1);
  const stored = await storedBook(p.store, 1_000);

  for (const attempt of [
    () => p.book.draftPostmortem(1),
    () => p.book.completePostmortem(1, 'mallory', { rootCause: 'rewritten' }),
    () => p.book.signPostmortem(1, 'mallory'),
  ])
    await t.throwsAsync(attempt(), {
      instanceOf: PostmortemError,
      message: 'the post-mortem of incident #1 was signed by carol; it can no longer change',
    });
  await t.throwsAsync(p.book.reopen(1, 'alice', 'again'), { instanceOf: IncidentTransitionError });
  t.deepEqual(await storedBook(p.store, 1_000), stored);
  t.is(await p.book.postmortemMarkdown(1), markdown);
  t.deepEqual((await p.bookTrail()).slice(-1), ['incident/1 resolved -incident.sign-> postmortem_written']);
});

test('a raise after the post-mortem is signed opens a new incident', async (t) => {
  const p = await bookProcess();
  p.incidents.raise('feed', 'BAD_THING', 'one');
  await p.settle();
  await p.book.resolve(1, 'alice');
  await p.book.completePostmortem(1, 'alice', COMPLETE);
  await p.book.signPostmortem(1, 'alice');
  p.incidents.raise('feed', 'BAD_THING', 'two');
  await p.settle();
  t.like(p.book.get(2), { state: 'open', relatedTo: 1 });
  t.deepEqual(
    p.book.withoutPostmortem().map((i) => i.id),
    [2],
  );
});

test('retention: the book keeps the newest `capacity` incidents, older ones answer not found', async (t) => {
  const p = await bookProcess({ config: { capacity: 2 } });
  for (const actor of ['a', 'b', 'c']) p.incidents.raise(actor, 'K', actor);
  await p.settle();
  t.deepEqual(
    p.book.list().map((i) => i.id),
    [2, 3],
  );
  t.throws(() => p.book.get(1), { instanceOf: IncidentNotFoundError });
  const reloaded = await bookProcess({ store: p.store, clock: p.clock, config: { capacity: 50 } });
  t.deepEqual(
    reloaded.book.list().map((i) => i.id),
    [2, 3],
    'a later book keeps the stored capacity',
  );
});

test('listeners hear every stored change', async (t) => {
  const p = await bookProcess();
  const heard: string[] = [];
  p.book.onChange((i) => heard.push(`${i.id} ${i.state} ${i.occurrences}`));
  p.incidents.raise('feed', 'BAD_THING', 'one');
  p.incidents.raise('feed', 'BAD_THING', 'two');
  await p.settle();
  await p.book.resolve(1, 'alice');
  t.deepEqual(heard, ['1 open 1', '1 open 2', '1 resolved 2']);
});

test('a draft may ask for another window; the book keeps its own, and a bad window is refused naming the field', async (t) => {
  const p = await bookProcess({ config: { postmortem: { beforeMs: 5 * MINUTE } } });
  p.incidents.raise('feed', 'BAD_THING', 'one');
  await p.settle();
  t.like((await p.book.draftPostmortem(1, { afterMs: MINUTE })).draft.window, {
    beforeMs: 5 * MINUTE,
    afterMs: MINUTE,
  });
  t.like((await p.book.draftPostmortem(1)).draft.window, { beforeMs: 5 * MINUTE, afterMs: 15 * MINUTE });
  await t.throwsAsync(p.book.draftPostmortem(1, { maxTimelineRows: 5 }), {
    instanceOf: IncidentInputError,
    message: 'invalid draft: window.maxTimelineRows: expected an integer from 10 to 5000',
  });
});

test('a bad book config is refused naming the field', async (t) => {
  await t.throwsAsync(bookProcess({ config: { capacity: 0 } }), {
    instanceOf: ConfigError,
    message: 'invalid incident book config:\n  capacity: expected an integer from 1 to 100000',
  });
});
