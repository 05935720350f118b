import test from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../actors/kernel/errors';
import {
  CHAOS_KINDS,
  ChaosConfigError,
  DEFAULT_CHAOS_PROFILE,
  NO_CHAOS_PROFILE,
  chaosDurationMs,
  loadChaosProfile,
  matchesChaosTarget,
  parseChaosProfile,
} from '../../actors/safety/chaos-scenarios';

const once = { once: { atMs: 0 } };

function issuesOf(raw: unknown): readonly string[] {
  try {
    parseChaosProfile(raw);
  } catch (error) {
    if (error instanceof ChaosConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected the profile to be rejected');
}

test('every kind parses with its defaults filled in', (t) => {
  const profile = parseChaosProfile({
    name: 'all',
    scenarios: CHAOS_KINDS.map((kind) => ({ id: kind, kind, schedule: once })),
  });
  t.false(profile.allowLive);
  const params = Object.fromEntries(profile.scenarios.map((s) => [s.kind, s.params]));
  t.deepEqual(params, {
    'kill-actor': {},
    'hang-actor': { durationMs: 120_000 },
    'crash-loop': { crashes: 7, everyMs: 1_000 },
    'venue-latency': { addMs: 800, durationMs: 300_000 },
    'venue-5xx-burst': { count: 5 },
    'venue-ban': { status: 429, retryAfterMs: 60_000 },
    'unknown-outcome': { count: 1 },
    'false-not-found': { count: 1 },
    'feed-drop': { durationMs: 30_000 },
    'stale-book': { durationMs: 20_000 },
    'redis-restart': { downMs: 5_000 },
    'clock-skew': { skewMs: 5_000, durationMs: 600_000 },
    'partial-fill-storm': { durationMs: 600_000, pieces: 10 },
    'log-flood': { linesPerSec: 2_000, durationMs: 60_000 },
  });
  for (const s of profile.scenarios) t.deepEqual(s.target, {}, s.kind);
});

test('a scenario keeps the parameters, target and schedule it was given', (t) => {
  const profile = parseChaosProfile({
    name: 'venue',
    allowLive: true,
    scenarios: [
      {
        id: 'burst',
        kind: 'venue-5xx-burst',
        params: { durationMs: 30_000 },
        target: { engine: 'maker', symbol: 'BTCUSDT' },
        schedule: { window: { fromMs: 1_000, toMs: 5_000, perHour: 2 } },
      },
      {
        id: 'ban',
        kind: 'venue-ban',
        params: { status: 418 },
        schedule: { rate: { perHour: 1, jitter: 0 } },
      },
      {
        id: 'back',
        kind: 'clock-skew',
        params: { skewMs: -3_000 },
        target: { engine: 'maker' },
        schedule: once,
      },
    ],
  });
  t.true(profile.allowLive);
  t.deepEqual(profile.scenarios[0], {
    id: 'burst',
    kind: 'venue-5xx-burst',
    params: { durationMs: 30_000 },
    target: { engine: 'maker', symbol: 'BTCUSDT' },
    schedule: { window: { fromMs: 1_000, toMs: 5_000, perHour: 2, jitter: 1 } },
  });
  t.deepEqual(profile.scenarios[1]?.params, { status: 418, retryAfterMs: 60_000 });
  t.deepEqual(profile.scenarios[1]?.schedule, { rate: { perHour: 1, jitter: 0 } });
  t.deepEqual(profile.scenarios[2]?.params, { skewMs: -3_000, durationMs: 600_000 });
  t.deepEqual(profile.scenarios[2]?.target, { engine: 'maker' });
});

test('bad parameters are rejected with the field path in the message', (t) => {
  const error = t.throws(
    () =>
      parseChaosProfile({
        name: 'bad',
        scenarios: [
          { id: 'a', kind: 'kill-actor', schedule: once },
          { id: 'b', kind: 'feed-drop', schedule: once },
          { id: 'c', kind: 'hang-actor', params: { durationMs: -5 }, schedule: once },
        ],
      }),
    { instanceOf: ChaosConfigError },
  );
  t.true(error instanceof ConfigError);
  t.regex(error.message, /scenarios\[2\]\.params\.durationMs: expected a positive integer/);
  t.deepEqual(error.issues, ['scenarios[2].params.durationMs: expected a positive integer']);
});

test('every kind of mistake names its field', (t) => {
  const issues = issuesOf({
    name: 'bad',
    scenarios: [
      { id: 'a', kind: 'crash-loop', params: { crashes: 1.5, everyMs: 'fast' }, schedule: once },
      { id: 'b', kind: 'venue-ban', params: { status: 500, extra: 1 }, schedule: once },
      { id: 'c', kind: 'venue-5xx-burst', params: { count: 3, durationMs: 1_000 }, schedule: once },
      { id: 'd', kind: 'clock-skew', params: { skewMs: 0 }, schedule: once },
      { id: 'e', kind: 'log-flood', params: { linesPerSec: 1e9 }, schedule: once },
      { id: 'f', kind: 'partial-fill-storm', params: { pieces: 1 }, schedule: once },
      { id: 'g', kind: 'explode', schedule: once },
    ],
  });
  t.deepEqual(issues, [
    'scenarios[0].params.crashes: expected a positive integer',
    'scenarios[0].params.everyMs: expected a positive integer',
    'scenarios[1].params.status: expected 429 or 418',
    'scenarios[1].params.extra: unknown field',
    'scenarios[2].params: expected either count or durationMs, not both',
    'scenarios[3].params.skewMs: expected a non-zero integer',
    'scenarios[4].params.linesPerSec: expected at most 100000',
    'scenarios[5].params.pieces: expected at least 2 pieces',
    `scenarios[6].kind: expected one of ${CHAOS_KINDS.join(', ')}`,
  ]);
});

test('a target field the kind does not understand is rejected', (t) => {
  const issues = issuesOf({
    name: 'bad',
    scenarios: [
      { id: 'a', kind: 'kill-actor', target: { symbol: 'BTCUSDT' }, schedule: once },
      { id: 'b', kind: 'redis-restart', target: { actor: 'store' }, schedule: once },
      { id: 'c', kind: 'stale-book', target: { symbol: 'BTC USDT' }, schedule: once },
      { id: 'd', kind: 'clock-skew', target: { actor: 'engine-*' }, schedule: once },
    ],
  });
  t.deepEqual(issues, [
    'scenarios[0].target.symbol: not a target field of kill-actor (allowed: actor, kind)',
    'scenarios[1].target.actor: not a target field of redis-restart (allowed: none)',
    'scenarios[2].target.symbol: expected a symbol such as BTCUSDT or BTC/USDT',
    'scenarios[3].target.actor: not a target field of clock-skew (allowed: engine)',
  ]);
});

test('a schedule must be exactly one of once, rate and window, with sane bounds', (t) => {
  const issues = issuesOf({
    name: 'bad',
    scenarios: [
      { id: 'a', kind: 'kill-actor', schedule: {} },
      { id: 'b', kind: 'kill-actor', schedule: { once: { atMs: 0 }, rate: { perHour: 1 } } },
      { id: 'c', kind: 'kill-actor', schedule: { window: { fromMs: 10, toMs: 10, perHour: 1 } } },
      { id: 'd', kind: 'kill-actor', schedule: { rate: { perHour: 0, jitter: 2 } } },
      { id: 'e', kind: 'kill-actor' },
    ],
  });
  t.deepEqual(issues, [
    'scenarios[0].schedule: expected exactly one of once, rate, window',
    'scenarios[1].schedule: expected exactly one of once, rate, window',
    'scenarios[2].schedule.window.toMs: expected toMs greater than fromMs',
    'scenarios[3].schedule.rate.perHour: expected a positive number',
    'scenarios[3].schedule.rate.jitter: expected a number in [0, 1]',
    'scenarios[4].schedule: expected { once } | { rate } | { window }',
  ]);
});

test('scenario ids must be unique', (t) => {
  const issues = issuesOf({
    name: 'dup',
    scenarios: [
      { id: 'x', kind: 'kill-actor', schedule: once },
      { id: 'x', kind: 'feed-drop', schedule: once },
    ],
  });
  t.deepEqual(issues, ['scenarios[1].id: duplicate scenario id "x"']);
});

test('the default profile covers every kind at a few firings a day, never live', (t) => {
  t.false(DEFAULT_CHAOS_PROFILE.allowLive);
  const kinds = new Set(DEFAULT_CHAOS_PROFILE.scenarios.map((s) => s.kind));
  t.deepEqual([...kinds].sort(), [...CHAOS_KINDS].sort());
  const perDay = (kind: string): number =>
    DEFAULT_CHAOS_PROFILE.scenarios
      .filter((s) => s.kind === kind)
      .reduce((sum, s) => sum + ('rate' in s.schedule ? s.schedule.rate.perHour * 24 : 0), 0);
  for (const kind of CHAOS_KINDS) {
    t.true(perDay(kind) > 0 && perDay(kind) <= 6, `${kind}: ${perDay(kind)} a day`);
  }
  t.true(perDay('redis-restart') < 1);
  t.true(perDay('log-flood') < 1);
  t.true(Object.isFrozen(DEFAULT_CHAOS_PROFILE.scenarios[0]?.params));
  t.deepEqual(parseChaosProfile(JSON.parse(JSON.stringify(DEFAULT_CHAOS_PROFILE))), DEFAULT_CHAOS_PROFILE);
});

test('the no-chaos profile has no scenarios', (t) => {
  t.deepEqual(NO_CHAOS_PROFILE, { name: 'none', allowLive: false, scenarios: [] });
});

test('a profile loads by name or from a JSON file', async (t) => {
  t.is(await loadChaosProfile('default'), DEFAULT_CHAOS_PROFILE);
  t.is(await loadChaosProfile('none'), NO_CHAOS_PROFILE);
  const dir = await mkdtemp(join(tmpdir(), 'predator-chaos-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'chaos.json');
  await writeFile(
    file,
    JSON.stringify({
      name: 'file',
      scenarios: [{ id: 'k', kind: 'kill-actor', schedule: { once: { atMs: 5 } } }],
    }),
  );
  t.deepEqual(await loadChaosProfile(file), {
    name: 'file',
    allowLive: false,
    scenarios: [{ id: 'k', kind: 'kill-actor', params: {}, target: {}, schedule: { once: { atMs: 5 } } }],
  });
});

test('a missing, non-JSON or invalid file is a clear ChaosConfigError naming the file', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'predator-chaos-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));

  const missing = join(dir, 'missing.json');
  const unreadable = await t.throwsAsync(loadChaosProfile(missing), { instanceOf: ChaosConfigError });
  t.is(unreadable.source, missing);
  t.true(unreadable.message.startsWith(`cannot read chaos profile ${missing}: `));

  const garbled = join(dir, 'garbled.json');
  await writeFile(garbled, '{ "name": ');
  const notJson = await t.throwsAsync(loadChaosProfile(garbled), { instanceOf: ChaosConfigError });
  t.true(notJson.message.startsWith(`chaos profile ${garbled} is not valid JSON: `));
  t.truthy(notJson.cause);

  const invalid = join(dir, 'invalid.json');
  await writeFile(invalid, JSON.stringify({ name: 'x', scenarios: [{ id: 'a', kind: 'feed-drop' }] }));
  const bad = await t.throwsAsync(loadChaosProfile(invalid), { instanceOf: ChaosConfigError });
  t.is(bad.source, invalid);
  t.is(
    bad.message,
    `invalid chaos profile ${invalid}:\n  scenarios[0].schedule: expected { once } | { rate } | { window }`,
  );
});

test('durations come from durationMs, downMs, a ban’s retryAfterMs or a crash loop’s span', (t) => {
  t.is(chaosDurationMs({ kind: 'feed-drop', params: { durationMs: 7 } }), 7);
  t.is(chaosDurationMs({ kind: 'redis-restart', params: { downMs: 9 } }), 9);
  t.is(chaosDurationMs({ kind: 'venue-ban', params: { status: 429, retryAfterMs: 11 } }), 11);
  t.is(chaosDurationMs({ kind: 'crash-loop', params: { crashes: 3, everyMs: 100 } }), 200);
  t.is(chaosDurationMs({ kind: 'venue-5xx-burst', params: { count: 3 } }), 0);
  t.is(chaosDurationMs({ kind: 'kill-actor', params: {} }), 0);
});

test('a target matches actors by glob and the other fields exactly', (t) => {
  t.true(matchesChaosTarget({}, { actor: 'anything' }));
  t.true(matchesChaosTarget({ actor: 'engine-*' }, { actor: 'engine-maker' }));
  t.true(matchesChaosTarget({ actor: '*.feed' }, { actor: 'binance.feed' }));
  t.false(matchesChaosTarget({ actor: 'engine-*' }, { actor: 'risk' }));
  t.false(matchesChaosTarget({ actor: 'engine.maker' }, { actor: 'engineXmaker' }));
  t.true(matchesChaosTarget({ engine: 'maker', symbol: 'BTCUSDT' }, { engine: 'maker', symbol: 'BTCUSDT' }));
  t.false(matchesChaosTarget({ engine: 'maker', symbol: 'BTCUSDT' }, { engine: 'maker', symbol: 'ETHUSDT' }));
  t.false(matchesChaosTarget({ kind: 'engine' }, { actor: 'x' }));
});
