import test from 'ava';
import type { ExecutionContext } from 'ava';
import type { JournalEntry } from '../../actors/kernel/journal-entry';
import type { Runtime } from '../../actors/kernel/runtime';
import { LogCapture, deadLetters, fetchJson, startSubject } from './fixture';
import type { ErrorAnswer } from './fixture';
import { SseClient } from './sse-client';

const seqsOf = (entries: readonly { seq: number }[]) => entries.map((e) => e.seq);

/** Everything the runtime journaled after `since`, once the journal has reached its store. */
async function journalAfter(runtime: Runtime, since: number): Promise<JournalEntry[]> {
  const out: JournalEntry[] = [];
  for (;;) {
    const page = await runtime.journal({ since, limit: 1000 });
    out.push(...page);
    const last = page.at(-1);
    if (last === undefined) return out;
    since = last.seq;
  }
}

/** Waits until `client` has received every entry journaled so far. */
function caughtUp(client: SseClient, runtime: Runtime): Promise<void> {
  const target = runtime.health().journalSeq;
  return client.waitFor((c) => c.lastSeq() >= target, `seq ${target}`);
}

/** The stream carried exactly `from`..`to`, each once, in order, with ids equal to seqs. */
function assertContiguous(t: ExecutionContext, client: SseClient, from: number, to: number): void {
  const seqs = seqsOf(client.transitions());
  const ids = client.events.map((e) => e.id);
  t.is(seqs.length, to - from + 1, `expected seqs ${from}..${to}`);
  const wrong = seqs.findIndex((seq, i) => seq !== from + i || ids[i] !== String(seq));
  t.is(wrong, -1, `first out-of-place event at index ${wrong}: seq ${seqs[wrong]}, id ${ids[wrong]}`);
}

test('GET /api/stream sends each live transition as a server-sent event', async (t) => {
  const { runtime, clock, url } = await startSubject(t);
  const start = runtime.health().journalSeq;
  const client = await SseClient.open(`${url}/api/stream`);
  t.teardown(() => client.close());
  t.is(client.status, 200);
  t.regex(client.headers['content-type'] ?? '', /^text\/event-stream/);
  t.is(client.headers['cache-control'], 'no-cache');

  runtime.send('feed', { type: 'sys.fault.crash' });
  await clock.advance(1_000);
  await caughtUp(client, runtime);

  t.true(runtime.health().journalSeq > start);
  t.true(client.events.every((e) => e.event === 'transition'));
  t.deepEqual(client.transitions<JournalEntry>(), await journalAfter(runtime, start));
  assertContiguous(t, client, start + 1, runtime.health().journalSeq);
});

test('a client reconnecting with Last-Event-ID gets exactly what it missed, then live', async (t) => {
  const { runtime, clock, url } = await startSubject(t);
  const first = await SseClient.open(`${url}/api/stream`);
  runtime.send('feed', { type: 'sys.fault.crash' });
  await clock.advance(1_000);
  await caughtUp(first, runtime);
  const lastSeen = first.events.at(-1)?.id;
  t.truthy(lastSeen);
  first.close();

  // Missed while away: a restart, and a burst of dead letters.
  runtime.send('ma', { type: 'sys.fault.crash' });
  await clock.advance(1_000);
  deadLetters(runtime, 25);
  await clock.settle();
  const missedUpTo = runtime.health().journalSeq;

  const second = await SseClient.open(`${url}/api/stream`, { 'Last-Event-ID': lastSeen ?? '' });
  t.teardown(() => second.close());
  await second.waitFor((c) => c.lastSeq() >= missedUpTo, 'the backlog');

  runtime.send('feed', { type: 'sys.fault.crash' });
  await clock.advance(1_000);
  await caughtUp(second, runtime);

  const from = Number(lastSeen) + 1;
  assertContiguous(t, second, from, runtime.health().journalSeq);
  t.deepEqual(second.transitions<JournalEntry>(), await journalAfter(runtime, from - 1));
});

test('?lastEventId= replays like the header, and the header wins over it', async (t) => {
  const { runtime, clock, url } = await startSubject(t);
  deadLetters(runtime, 10);
  await clock.settle();
  const head = runtime.health().journalSeq;

  const byQuery = await SseClient.open(`${url}/api/stream?lastEventId=${head - 4}`);
  t.teardown(() => byQuery.close());
  await caughtUp(byQuery, runtime);
  assertContiguous(t, byQuery, head - 3, head);

  const both = await SseClient.open(`${url}/api/stream?lastEventId=0`, { 'Last-Event-ID': String(head - 2) });
  t.teardown(() => both.close());
  await caughtUp(both, runtime);
  assertContiguous(t, both, head - 1, head);
});

test('live transitions that arrive while the backlog replays are neither lost nor repeated', async (t) => {
  const log = new LogCapture();
  const { runtime, clock, url } = await startSubject(t, { logger: log.logger, sse: { replayPageSize: 500 } });
  // A backlog larger than the socket buffers (a few MB on loopback) holds the replay up while the
  // client is stalled, so the live entries below certainly arrive mid-replay.
  deadLetters(runtime, 60_000);
  await clock.settle();

  const client = await SseClient.open(`${url}/api/stream`, { 'Last-Event-ID': '0' });
  t.teardown(() => client.close());
  client.stall();
  for (let round = 0; round < 20; round++) {
    deadLetters(runtime, 10, `live-${round}`);
    if (round % 10 === 0) runtime.send('feed', { type: 'sys.fault.crash' });
    await clock.advance(100);
  }
  client.resume();
  await caughtUp(client, runtime);

  const head = runtime.health().journalSeq;
  assertContiguous(t, client, 1, head);
  t.is(JSON.stringify(client.transitions()), JSON.stringify(await journalAfter(runtime, 0)));
  const replayed = await log.waitFor('stream replayed');
  t.true((replayed.queued as number) > 0, 'live entries were queued during the replay');
});

test('a Last-Event-ID ahead of the journal (from an earlier life) replays from the start', async (t) => {
  const { runtime, url } = await startSubject(t);
  const head = runtime.health().journalSeq;
  const client = await SseClient.open(`${url}/api/stream`, { 'Last-Event-ID': String(head + 1_000) });
  t.teardown(() => client.close());
  await caughtUp(client, runtime);
  assertContiguous(t, client, 1, head);
});

test('the stream sends a keep-alive comment every 15 s of clock time', async (t) => {
  const { runtime, clock, url } = await startSubject(t);
  const client = await SseClient.open(`${url}/api/stream`);
  t.teardown(() => client.close());

  await clock.advance(14_999);
  // A marker sent after 14.999 s: anything written before it has arrived once it has.
  deadLetters(runtime, 1, 'marker');
  await caughtUp(client, runtime);
  t.deepEqual(client.comments, []);

  await clock.advance(1);
  await client.waitFor((c) => c.comments.length === 1, 'a keep-alive');
  t.deepEqual(client.comments, ['keep-alive']);

  await clock.advance(15_000);
  await client.waitFor((c) => c.comments.length === 2, 'a second keep-alive');
  t.deepEqual(client.comments, ['keep-alive', 'keep-alive']);
});

test('a client that stops reading is cut off once too far behind, and resumes without a gap', async (t) => {
  const log = new LogCapture();
  const maxBufferedBytes = 64 * 1024;
  const { runtime, clock, url } = await startSubject(t, { logger: log.logger, sse: { maxBufferedBytes } });
  const slow = await SseClient.open(`${url}/api/stream`);
  t.teardown(() => slow.close());
  slow.stall();

  let cutOff = false;
  void log.waitFor('too far behind').then(() => (cutOff = true));
  // Fill the socket buffers (a few MB on loopback), then the bounded queue behind them.
  let sent = 0;
  while (!cutOff) {
    if (sent > 500_000) return t.fail('the stalled client was never cut off');
    // Small batches: each fits the write buffer, so only the stall can trip the limit.
    deadLetters(runtime, 100);
    sent += 100;
    await clock.settle();
  }
  const warning = await log.waitFor('too far behind');
  t.true((warning.bufferedBytes as number) > maxBufferedBytes);
  t.log(`cut off after ${sent} dead letters`);

  // What was already on the wire still arrives, then the stream ends; no event is cut in half.
  slow.resume();
  await slow.closed();
  const received = slow.transitions();
  t.true(received.length > 0);
  const firstSeq = received[0]?.seq ?? 0;
  const lastSeq = received.at(-1)?.seq ?? 0;
  assertContiguous(t, slow, firstSeq, lastSeq);
  t.true(lastSeq < runtime.health().journalSeq);
  t.deepEqual(slow.comments, ['end: too far behind; reconnect with Last-Event-ID']);

  await clock.settle();
  const resumed = await SseClient.open(`${url}/api/stream`, { 'Last-Event-ID': String(lastSeq) });
  t.teardown(() => resumed.close());
  await caughtUp(resumed, runtime);
  assertContiguous(t, resumed, lastSeq + 1, runtime.health().journalSeq);
});

test('a burst of thousands of transitions in one tick does not cut off a client that reads', async (t) => {
  const log = new LogCapture();
  const { runtime, url } = await startSubject(t, { logger: log.logger });
  const client = await SseClient.open(`${url}/api/stream`);
  t.teardown(() => client.close());
  const start = runtime.health().journalSeq;
  deadLetters(runtime, 5_000);
  await caughtUp(client, runtime);
  assertContiguous(t, client, start + 1, start + 5_000);
  t.false(client.ended);
  t.false(log.lines.some((line) => String(line.msg).includes('too far behind')));
});

test('closing the gateway ends open streams promptly', async (t) => {
  const { gateway, url } = await startSubject(t);
  const clients = await Promise.all([
    SseClient.open(`${url}/api/stream`),
    SseClient.open(`${url}/api/stream`),
  ]);
  await gateway.close();
  await Promise.all(clients.map((c) => c.closed()));
  for (const client of clients) t.deepEqual(client.comments, ['end: gateway closing']);
});

const badStreams: readonly (readonly [
  path: string,
  headers: Record<string, string>,
  param: string,
  message: string,
])[] = [
  [
    '/api/stream',
    { 'Last-Event-ID': 'abc' },
    'Last-Event-ID',
    'Last-Event-ID: expected an integer of 0 or more',
  ],
  [
    '/api/stream',
    { 'Last-Event-ID': '-1' },
    'Last-Event-ID',
    'Last-Event-ID: expected an integer of 0 or more',
  ],
  ['/api/stream?lastEventId=x', {}, 'lastEventId', 'lastEventId: expected an integer of 0 or more'],
  ['/api/stream?since=3', {}, 'since', 'since: unknown query parameter since; this route takes lastEventId'],
];

for (const [path, headers, param, message] of badStreams) {
  test(`GET ${path} ${JSON.stringify(headers)} is a 400 naming ${param}`, async (t) => {
    const { url } = await startSubject(t);
    const {
      status,
      headers: answerHeaders,
      body,
    } = await fetchJson<ErrorAnswer>(`${url}${path}`, { headers });
    t.is(status, 400);
    t.regex(answerHeaders.get('content-type') ?? '', /^application\/json/);
    t.deepEqual(body, { error: { status: 400, message, param } });
  });
}
