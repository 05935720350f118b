import test from 'ava';
import type { JournalEntry } from '../../actors/kernel/journal-entry';
import { deadLetters, fetchJson, startSubject } from './fixture';
import type { ErrorAnswer } from './fixture';

type Page = { entries: JournalEntry[] };

test('GET /api/journal answers what the runtime journal holds, oldest first', async (t) => {
  const { runtime, clock, url } = await startSubject(t);
  runtime.send('feed', { type: 'sys.fault.crash' });
  await clock.advance(1_000);
  const { status, body } = await fetchJson<Page>(`${url}/api/journal?limit=1000`);
  t.is(status, 200);
  t.deepEqual(body.entries, await runtime.journal({ limit: 1000 }));
  t.is(body.entries.at(-1)?.seq, runtime.health().journalSeq);
  t.deepEqual(
    body.entries.map((e) => e.seq),
    body.entries.map((_, i) => i + 1),
  );
});

test('GET /api/journal returns 100 entries unless told otherwise', async (t) => {
  const { runtime, url } = await startSubject(t);
  deadLetters(runtime, 150);
  const { body } = await fetchJson<Page>(`${url}/api/journal`);
  t.is(body.entries.length, 100);
  t.is(body.entries[0]?.seq, 1);
});

test('GET /api/journal filters by actor', async (t) => {
  const { runtime, clock, url } = await startSubject(t);
  deadLetters(runtime, 3, 'probe-a');
  deadLetters(runtime, 2, 'probe-b');
  deadLetters(runtime, 2, 'probe-a');
  await clock.settle();
  const { body } = await fetchJson<Page>(`${url}/api/journal?actor=probe-a`);
  t.is(body.entries.length, 5);
  t.true(body.entries.every((e) => e.actor === 'probe-a'));
  t.deepEqual(body.entries, await runtime.journal({ actor: 'probe-a', limit: 100 }));
  const feed = await fetchJson<Page>(`${url}/api/journal?actor=feed&limit=1000`);
  t.true(feed.body.entries.length > 0);
  t.deepEqual(feed.body.entries, await runtime.journal({ actor: 'feed', limit: 1000 }));
});

test('GET /api/journal pages with since and limit without gap or overlap', async (t) => {
  const { runtime, clock, url } = await startSubject(t);
  deadLetters(runtime, 40);
  // Let the journal reach its store first: read mid-flush, `Runtime.journal` can miss entries.
  await clock.settle();
  const all = await runtime.journal({ limit: 1000 });
  t.is(all.length, runtime.health().journalSeq);
  const paged: JournalEntry[] = [];
  let since = 0;
  for (;;) {
    const { body } = await fetchJson<Page>(`${url}/api/journal?since=${since}&limit=7`);
    t.true(body.entries.length <= 7);
    paged.push(...body.entries);
    const last = body.entries.at(-1);
    if (last === undefined) break;
    since = last.seq;
  }
  t.deepEqual(paged, all);
  const tail = await fetchJson<Page>(`${url}/api/journal?since=${all.length - 3}`);
  t.deepEqual(
    tail.body.entries.map((e) => e.seq),
    [all.length - 2, all.length - 1, all.length],
  );
  const beyond = await fetchJson<Page>(`${url}/api/journal?since=${all.length + 10}`);
  t.deepEqual(beyond.body, { entries: [] });
});

test('GET /api/journal takes up to 1000 entries', async (t) => {
  const { runtime, url } = await startSubject(t);
  deadLetters(runtime, 1_100);
  const { status, body } = await fetchJson<Page>(`${url}/api/journal?limit=1000`);
  t.is(status, 200);
  t.is(body.entries.length, 1000);
});

const badQueries: readonly (readonly [query: string, param: string, message: string])[] = [
  ['limit=0', 'limit', 'limit: expected an integer from 1 to 1000'],
  ['limit=1001', 'limit', 'limit: expected an integer from 1 to 1000'],
  ['limit=ten', 'limit', 'limit: expected an integer from 1 to 1000'],
  ['limit=2.5', 'limit', 'limit: expected an integer from 1 to 1000'],
  ['limit=', 'limit', 'limit: expected an integer from 1 to 1000'],
  ['limit=1&limit=2', 'limit', 'limit: expected a single value, got 2'],
  ['since=-1', 'since', 'since: expected an integer of 0 or more'],
  ['since=1e3', 'since', 'since: expected an integer of 0 or more'],
  ['since=99999999999999999', 'since', 'since: expected an integer of 0 or more'],
  [
    'actor=',
    'actor',
    'actor: expected a non-empty actor id of letters, digits and _ . : - (at most 128 characters)',
  ],
  [
    'actor=feed%2F..',
    'actor',
    'actor: expected a non-empty actor id of letters, digits and _ . : - (at most 128 characters)',
  ],
  [
    'actor=a%20b',
    'actor',
    'actor: expected a non-empty actor id of letters, digits and _ . : - (at most 128 characters)',
  ],
  ['order=desc', 'order', 'order: unknown query parameter order; this route takes actor, since, limit'],
  ['x=1&y=2', 'x', 'x: unknown query parameters x, y; this route takes actor, since, limit'],
];

for (const [query, param, message] of badQueries) {
  test(`GET /api/journal?${query} is a 400 naming ${param}`, async (t) => {
    const { runtime, url } = await startSubject(t);
    const before = runtime.health().journalSeq;
    const { status, body } = await fetchJson<ErrorAnswer>(`${url}/api/journal?${query}`);
    t.is(status, 400);
    t.deepEqual(body, { error: { status: 400, message, param } });
    t.is(runtime.health().journalSeq, before, 'a refused request changes nothing');
  });
}

test('routes without parameters refuse unknown ones, naming them', async (t) => {
  const { url } = await startSubject(t);
  for (const path of ['/api/health', '/api/system']) {
    const { status, body } = await fetchJson<ErrorAnswer>(`${url}${path}?verbose=1`);
    t.is(status, 400, path);
    t.deepEqual(body.error, {
      status: 400,
      message: 'verbose: unknown query parameter verbose; this route takes none',
      param: 'verbose',
    });
  }
});
