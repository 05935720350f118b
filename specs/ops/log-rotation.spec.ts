import test from 'ava';
import type { ExecutionContext } from 'ava';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { VirtualClock } from '../../actors/kernel/clock-virtual';
import { ConfigError } from '../../actors/kernel/errors';
import { RotatingLog } from '../../actors/ops/log-rotation';
import type { LogRotationConfigInput } from '../../actors/ops/log-rotation.config';
import { listRotated } from '../../actors/ops/log-rotation-files';

const MINUTE = 60_000;

function tempDir(t: ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'predator-logs-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function open(
  t: ExecutionContext,
  config: Omit<LogRotationConfigInput, 'dir'>,
  dir = tempDir(t),
): { log: RotatingLog; clock: VirtualClock; dir: string } {
  const clock = new VirtualClock();
  const log = new RotatingLog({ config: { dir, ...config }, clock, onError: (e) => t.fail(e.message) });
  t.teardown(() => log.close());
  return { log, clock, dir };
}

/** Every file's text, rotated ones by number, the live file last. */
function filesInOrder(dir: string, name = 'predator'): { file: string; text: string }[] {
  const rotated = listRotated(dir, name).map((f) => f.file);
  return [...rotated, `${name}.log`].map((file) => ({ file, text: readFileSync(join(dir, file), 'utf8') }));
}

function line(i: number): string {
  return `line ${String(i).padStart(8, '0')} ${'x'.repeat(i % 37)}\n`;
}

test('the live file is rotated before a write would take it past maxBytes', (t) => {
  const { log, dir } = open(t, { maxBytes: 1_024, maxFiles: 100, bufferBytes: 1 });
  for (let i = 0; i < 200; i++) log.write(line(i));
  log.close();
  const files = filesInOrder(dir);
  t.true(files.length > 5, `${files.length} files`);
  for (const { file } of files) t.true(statSync(join(dir, file)).size <= 1_024, `${file} within maxBytes`);
  t.is(log.stats().rotations, files.length - 1);
  t.is(files.map((f) => f.text).join(''), Array.from({ length: 200 }, (_, i) => line(i)).join(''));
});

test('a line longer than maxBytes goes whole into a file of its own', (t) => {
  const { log, dir } = open(t, { maxBytes: 1_024, bufferBytes: 1 });
  const long = `${'y'.repeat(3_000)}\n`;
  log.write('before\n');
  log.write(long);
  log.write('after\n');
  log.close();
  t.deepEqual(
    filesInOrder(dir).map((f) => f.text),
    ['before\n', long, 'after\n'],
  );
});

test('the live file is rotated once per maxAgeMs on the clock, even when idle', async (t) => {
  const { log, clock, dir } = open(t, { maxAgeMs: 10 * MINUTE, maxFiles: 100 });
  // One line a minute for an hour: six periods of ten minutes, so six files.
  for (let m = 0; m < 60; m++) {
    log.write(`minute ${m}\n`);
    await clock.advance(MINUTE);
  }
  t.is(log.stats().rotations, 6);
  t.is(listRotated(dir, 'predator').length, 6);
  t.is(readFileSync(log.file, 'utf8'), '');
  const first = filesInOrder(dir)[0] as { text: string };
  t.is(first.text.split('\n').filter(Boolean).length, 10);
  // Idle for a day: an empty live file is never rotated into an empty file.
  await clock.advance(24 * 60 * MINUTE);
  t.is(log.stats().rotations, 6);
});

test('buffered lines reach the file within flushIntervalMs, and at close', async (t) => {
  const { log, clock } = open(t, { flushIntervalMs: 200 });
  log.write('a\n');
  t.is(readFileSync(log.file, 'utf8'), '');
  await clock.advance(200);
  t.is(readFileSync(log.file, 'utf8'), 'a\n');
  log.write('b\n');
  log.close();
  t.is(readFileSync(log.file, 'utf8'), 'a\nb\n');
  t.false(log.write('c\n'), 'a closed destination refuses');
  t.is(log.stats().dropped, 1);
});

test('at most maxFiles rotated files are kept, the newest', (t) => {
  const { log, dir } = open(t, { maxBytes: 1_024, maxFiles: 3, bufferBytes: 1 });
  for (let i = 0; i < 500; i++) log.write(line(i));
  log.close();
  const rotated = listRotated(dir, 'predator');
  t.is(rotated.length, 3);
  const rotations = log.stats().rotations;
  t.deepEqual(
    rotated.map((f) => f.seq),
    [rotations - 2, rotations - 1, rotations],
  );
  t.is(log.stats().deleted, rotations - 3);
  // What is left is the tail of the stream, whole.
  const text = filesInOrder(dir)
    .map((f) => f.text)
    .join('');
  t.true(text.endsWith(line(499)));
  t.true(
    Array.from({ length: 500 }, (_, i) => line(i))
      .join('')
      .endsWith(text),
  );
});

test('rotated files older than retainMs are deleted, even while the log is idle', async (t) => {
  const { log, clock, dir } = open(t, { maxAgeMs: MINUTE, retainMs: 5 * MINUTE, maxFiles: 100 });
  for (let m = 0; m < 10; m++) {
    log.write(`minute ${m}\n`);
    await clock.advance(MINUTE);
  }
  const now = clock.now();
  const kept = listRotated(dir, 'predator');
  // Rotated at minutes 1…10; at minute 10 those of minutes 5…10 are within five minutes.
  t.is(kept.length, 6);
  for (const f of kept) t.true(f.t >= now - 5 * MINUTE, `${f.file} is within retainMs`);
  await clock.advance(10 * MINUTE);
  t.deepEqual(listRotated(dir, 'predator'), []);
});

test('100 000 numbered lines across many rotations: every line once, whole, in order', (t) => {
  const { log, dir } = open(t, { maxBytes: 64 * 1_024, maxFiles: 10_000, bufferBytes: 16 * 1_024 });
  const total = 100_000;
  for (let i = 0; i < total; i++) log.write(`{"n":${i},"msg":"${'m'.repeat(i % 23)}"}\n`);
  log.close();
  const files = filesInOrder(dir);
  t.true(files.length > 40, `${files.length} files`);
  let expected = 0;
  for (const { file, text } of files) {
    t.true(statSync(join(dir, file)).size <= 64 * 1_024, `${file} within maxBytes`);
    if (text === '') continue;
    t.true(text.endsWith('\n'), `${file} ends with a whole line`);
    for (const raw of text.slice(0, -1).split('\n')) {
      const parsed = JSON.parse(raw) as { n: number };
      if (parsed.n !== expected) return t.fail(`${file}: line ${parsed.n} where ${expected} was expected`);
      expected++;
    }
  }
  t.is(expected, total);
  t.is(log.stats().lines, total);
  t.is(log.stats().dropped, 0);
});

test('a new destination on the same directory appends and numbers rotations on', (t) => {
  const dir = tempDir(t);
  const first = open(t, { maxBytes: 1_024, bufferBytes: 1 }, dir).log;
  for (let i = 0; i < 60; i++) first.write(line(i));
  first.close();
  const before = listRotated(dir, 'predator').at(-1)?.seq ?? 0;
  t.true(before > 0);
  const second = open(t, { maxBytes: 1_024, bufferBytes: 1 }, dir).log;
  for (let i = 60; i < 120; i++) second.write(line(i));
  second.close();
  t.true((listRotated(dir, 'predator')[0]?.seq ?? 0) === 1);
  t.true((listRotated(dir, 'predator').at(-1)?.seq ?? 0) > before);
  t.is(
    filesInOrder(dir)
      .map((f) => f.text)
      .join(''),
    Array.from({ length: 120 }, (_, i) => line(i)).join(''),
  );
});

test('works as a pino destination', (t) => {
  const { log, dir } = open(t, { maxBytes: 4_096, maxFiles: 100 });
  const logger = pino({ level: 'info', base: { app: 'predator' } }, log);
  for (let i = 0; i < 500; i++) logger.info({ i }, 'tick');
  logger.debug('not at this level');
  logger.flush();
  log.close();
  const lines = filesInOrder(dir)
    .flatMap((f) => f.text.split('\n'))
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { i: number; msg: string; app: string; level: number });
  t.is(lines.length, 500);
  t.deepEqual(
    lines.map((l) => l.i),
    Array.from({ length: 500 }, (_, i) => i),
  );
  t.true(lines.every((l) => l.msg === 'tick' && l.app === 'predator' && l.level === 30));
  t.true(listRotated(dir, 'predator').length > 1);
});

test('a bad config is refused naming the field, and creates nothing', (t) => {
  const dir = join(tempDir(t), 'never');
  const error = t.throws(
    () => new RotatingLog({ config: { dir, maxBytes: 10, maxFiles: 0 }, clock: new VirtualClock() }),
    { instanceOf: ConfigError },
  );
  t.regex(error?.message ?? '', /maxBytes: .*1024/);
  t.regex(error?.message ?? '', /maxFiles: /);
  t.throws(() => readdirSync(dir));
});
