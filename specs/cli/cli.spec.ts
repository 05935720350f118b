import test from 'ava';
import type { ExecutionContext } from 'ava';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runPredator } from '../helpers/predator-process';
import type { PredatorExit } from '../helpers/predator-process';
import { plainClient } from '../helpers/redis-inspect';
import { freePort, startRedisServer } from '../helpers/redis-server';
import { sampleTree } from '../helpers/sample-tree';

/**
 * The `predator` command as a user runs it: `node bin/predator.js …` in a child process, judged by
 * exit code, stdout and stderr. Exit codes: 0 ok, 1 runtime failure, 2 bad command line or config.
 */

/** A temp dir of this test's own, removed at teardown. */
function tempDir(t: ExecutionContext): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'predator-cli-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes `content` (JSON unless a string) to a file in a temp dir and returns its path. */
function configFile(t: ExecutionContext, content: unknown): string {
  const file = path.join(tempDir(t), 'system.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

/** Info-level logs, so a gateway that started would say so on stdout. */
const LOGS = { LOG_LEVEL: 'info' };

/** Asserts that the process never came up: no gateway, no `Predator running:` line. */
function assertNothingStarted(t: ExecutionContext, exit: PredatorExit): void {
  t.notRegex(exit.stdout, /Predator running/);
  t.notRegex(exit.stdout, /gateway listening/);
  t.notRegex(exit.stdout, /runtime starting/);
}

type Mutation = (config: ReturnType<typeof sampleTree>) => void;
type Node = Record<string, unknown> & { children: Node[] };
/** The market supervisor's children: [feed, ma]. */
const market = (config: ReturnType<typeof sampleTree>): Node[] =>
  (config.root as Node).children[0]?.children ?? [];

const invalidConfigs: ReadonlyArray<readonly [string, Mutation, RegExp]> = [
  [
    'a bad component id',
    (config) => void ((market(config)[0] as Node).id = 'Feed!'),
    /root\.children\[0\]\.children\[0\]\.id: expected a lower-case id/,
  ],
  [
    'an unknown component kind',
    (config) => void ((market(config)[0] as Node).kind = 'no-such-kind'),
    /root\.children\[0\]\.children\[0\]\.kind: unknown component kind "no-such-kind"/,
  ],
  [
    'a bad config.window',
    (config) => void ((market(config)[1] as Node).config = { window: 1 }),
    /root\.children\[0\]\.children\[1\]\.config\.window: .*(>=|at least|2)/,
  ],
  [
    'a duplicate id',
    (config) => void ((market(config)[1] as Node).id = 'feed'),
    /root\.children\[0\]\.children\[1\]\.id: duplicate id "feed"/,
  ],
];

for (const [what, mutate, message] of invalidConfigs) {
  test(`predator start with ${what} in its config exits 2 naming the field and starts nothing`, async (t) => {
    const redis = await startRedisServer();
    t.teardown(() => redis.dispose());
    const config = sampleTree({ instance: 'cli-invalid', tickMs: 200 });
    mutate(config);
    const file = configFile(t, config);
    const port = await freePort();
    const exit = await runPredator(
      ['start', '--config', file, '--redis', redis.url, '--port', String(port)],
      { t, env: LOGS },
    );
    t.is(exit.code, 2, `stderr:\n${exit.stderr}`);
    t.regex(exit.stderr, /invalid system config/);
    t.regex(exit.stderr, message);
    assertNothingStarted(t, exit);
    t.is(await plainClient(t, redis.url).dbsize(), 0, 'nothing was written to Redis');
  });
}

test('predator start with a config file that does not exist exits 2 naming the file', async (t) => {
  const missing = path.join(tempDir(t), 'nope.json');
  const exit = await runPredator(['start', '--config', missing, '--port', '0'], { t, env: LOGS });
  t.is(exit.code, 2);
  t.true(exit.stderr.includes(`--config: cannot read ${missing}: ENOENT`), exit.stderr);
  assertNothingStarted(t, exit);
});

test('predator start with a directory as its config file exits 2', async (t) => {
  const dir = tempDir(t);
  const exit = await runPredator(['start', '--config', dir, '--port', '0'], { t, env: LOGS });
  t.is(exit.code, 2);
  t.true(exit.stderr.includes(`--config: cannot read ${dir}: EISDIR`), exit.stderr);
  assertNothingStarted(t, exit);
});

test('predator start with a config file that is not JSON exits 2', async (t) => {
  const file = configFile(t, '{ "instance": "x", root: ');
  const exit = await runPredator(['start', '--config', file, '--port', '0'], { t, env: LOGS });
  t.is(exit.code, 2);
  t.true(exit.stderr.includes(`--config: ${file} is not valid JSON`), exit.stderr);
  assertNothingStarted(t, exit);
});

test('predator start with --redis at a closed port exits non-zero, says so, and starts nothing', async (t) => {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const started = Date.now();
  const exit = await runPredator(['start', '--redis', url, '--port', '0'], {
    t,
    env: LOGS,
    timeoutMs: 20_000,
  });
  t.not(exit.code, 0);
  t.not(exit.code, null, 'it exits by itself, not by a signal');
  t.true(exit.stderr.includes(`cannot reach Redis at ${url}`), exit.stderr);
  t.regex(exit.stderr, /Nothing was started/);
  t.notRegex(exit.stderr, /\n\s+at /, 'a message, not a stack trace');
  assertNothingStarted(t, exit);
  t.log(`exited with ${exit.code} after ${Date.now() - started} ms`);
});

test('predator start with --redis at a frozen Redis gives up within its connect deadline', async (t) => {
  // The port accepts connections but nothing answers: only a deadline can end the wait.
  const redis = await startRedisServer();
  t.teardown(() => redis.dispose());
  redis.freeze();
  t.teardown(() => redis.thaw());
  // No tighter wall budget than the harness default: under a loaded CI the tsx start-up alone
  // took most of the 20 s this test once allowed, and it failed for that, not for the deadline.
  const exit = await runPredator(['start', '--redis', redis.url, '--port', '0'], { t, env: LOGS });
  t.is(exit.code, 1);
  t.true(exit.stderr.includes(`cannot reach Redis at ${redis.url}`), exit.stderr);
  // The reason names the connect deadline: that, not the harness's wall budget, is what ended it.
  t.regex(exit.stderr, /no answer within \d+ ms/);
  assertNothingStarted(t, exit);
});

const usageErrors: ReadonlyArray<readonly [string[], RegExp]> = [
  [['start', '--bogus'], /Unknown option '--bogus'/],
  [['start', '--port', 'eighty'], /--port: expected an integer from 0 to 65535, got "eighty"/],
  [['start', '--config'], /--config/],
  [['soak', '--days', '1', '--seed', '3', '--bogus'], /Unknown option '--bogus'/],
  [['soak', '--seed', '3'], /--days is required/],
  [['soak', '--days', '-1', '--seed', '3'], /--days/],
  [['frobnicate'], /unknown command "frobnicate"/],
];

for (const [args, message] of usageErrors) {
  test(`predator ${args.join(' ')} is a usage error: exit code 2 with the reason and the help`, async (t) => {
    const exit = await runPredator(args, { t, env: LOGS });
    t.is(exit.code, 2, `stderr:\n${exit.stderr}`);
    t.regex(exit.stderr, message);
    t.regex(exit.stderr, /Usage:/);
    assertNothingStarted(t, exit);
  });
}

const SOAK_KEYS = [
  'seed',
  'simulatedDays',
  'wallSeconds',
  'transitions',
  'restarts',
  'escalations',
  'halts',
  'journalHash',
  'heapUsedStartMB',
  'heapUsedEndMB',
] as const;

/** Runs `predator soak … --json` and parses its one line of output. */
async function soak(t: ExecutionContext, days: string, seed: string): Promise<Record<string, unknown>> {
  const exit = await runPredator(['soak', '--days', days, '--seed', seed, '--json'], {
    t,
    timeoutMs: 60_000,
  });
  t.is(exit.code, 0, `stderr:\n${exit.stderr}`);
  const lines = exit.stdout.trim().split('\n');
  t.is(lines.length, 1, `stdout is one line:\n${exit.stdout}`);
  const report = JSON.parse(lines[0] as string) as unknown;
  t.true(typeof report === 'object' && report !== null && !Array.isArray(report), 'one JSON object');
  return report as Record<string, unknown>;
}

test('predator soak --json prints one JSON report whose journal hash depends only on the seed', async (t) => {
  const [a, b, other] = await Promise.all([soak(t, '1', '3'), soak(t, '1', '3'), soak(t, '1', '4')]);
  if (a === undefined || b === undefined || other === undefined) return;
  for (const key of SOAK_KEYS) t.true(key in a, `the report has ${key}`);
  t.like(a, { seed: 3, simulatedDays: 1, halts: 0 });
  t.regex(String(a.journalHash), /^[0-9a-f]{64}$/);
  for (const key of [
    'wallSeconds',
    'transitions',
    'restarts',
    'escalations',
    'heapUsedStartMB',
    'heapUsedEndMB',
  ]) {
    t.is(typeof a[key], 'number', `${key} is a number`);
  }
  t.true(Number(a.transitions) > 0);
  t.is(b.journalHash, a.journalHash, 'the same seed gives the same journal hash');
  t.is(b.transitions, a.transitions);
  t.is(b.restarts, a.restarts);
  t.not(other.journalHash, a.journalHash, 'another seed gives another history');
  t.log(
    `seed 3: ${String(a.journalHash).slice(0, 12)}… in ${String(a.wallSeconds)} s; seed 4: ${String(other.journalHash).slice(0, 12)}…`,
  );
});
