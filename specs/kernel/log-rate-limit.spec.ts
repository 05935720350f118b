import { Writable } from 'node:stream';
import test from 'ava';
import { VirtualClock } from '../../actors/kernel/clock-virtual';
import { ConfigError } from '../../actors/kernel/errors';
import { LogRateLimiter, OTHER_SOURCE, UNATTRIBUTED_SOURCE } from '../../actors/kernel/log-rate-limit';
import type { LogRateLimitConfigInput } from '../../actors/kernel/log-rate-limit.config';
import { parseLogRateLimitConfig } from '../../actors/kernel/log-rate-limit.config';
import { createLogger, rateLimiterOf } from '../../actors/kernel/logger';
import type { Logger } from '../../actors/kernel/logger';

interface Line {
  readonly level: number;
  readonly msg: string;
  readonly actor?: string;
  readonly suppressed?: number;
  readonly suppressedWarnings?: number;
}

/** A limited logger on a virtual clock whose lines are kept, parsed. */
function limited(config: LogRateLimitConfigInput, level = 'info') {
  const clock = new VirtualClock();
  const limiter = new LogRateLimiter({ clock, config });
  const lines: Line[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Line);
      done();
    },
  });
  const logger = createLogger({ level, destination, rateLimit: limiter });
  // A Writable delivers asynchronously: let it run dry before reading `lines`.
  const settled = async (): Promise<Line[]> => {
    await new Promise((resolve) => setImmediate(resolve));
    return lines;
  };
  return { clock, limiter, logger, settled };
}

function flood(logger: Logger, n: number, level: 'info' | 'warn' | 'error' | 'fatal' = 'info'): void {
  for (let i = 0; i < n; i++) logger[level]({ i }, 'line');
}

test('a source gets its burst at once, then lines at its sustained rate on the clock', async (t) => {
  const { clock, limiter, logger, settled } = limited({ ratePerSec: 10, burst: 5 });
  const feed = logger.child({ actor: 'feed' });
  flood(feed, 20);
  t.like(limiter.stats(), { passed: 5, suppressed: 15 });
  await clock.advance(500);
  flood(feed, 20);
  t.like(limiter.stats(), { passed: 10, suppressed: 30 });
  // A quiet spell refills the bucket, but never past the burst.
  await clock.advance(60_000);
  flood(feed, 20);
  t.like(limiter.stats(), { passed: 15, suppressed: 45 });
  const written = (await settled()).filter((l) => l.msg === 'line');
  t.is(written.length, 15);
  t.true(written.every((l) => l.actor === 'feed'));
});

test('each source has its own budget: a flood from one never silences another', (t) => {
  const { limiter, logger } = limited({ ratePerSec: 1, burst: 3 });
  flood(logger.child({ actor: 'chatty' }), 100);
  flood(logger.child({ actor: 'quiet' }), 3);
  // An `actor` field names the source too, whatever the logger is bound to.
  flood(logger, 3);
  logger.info({ actor: 'named' }, 'line');
  logger.child({ component: 'gateway' }).info('line');
  t.deepEqual(limiter.suppressedBySource(), { chatty: 97 });
  t.like(limiter.stats(), { passed: 3 + 3 + 3 + 1 + 1, sources: 5 });
  t.is(UNATTRIBUTED_SOURCE, '(unattributed)');
});

test('warnings and errors spend a bucket of their own and fatal lines always pass', (t) => {
  const { limiter, logger } = limited({ ratePerSec: 1, burst: 2, warnRatePerSec: 1, warnBurst: 4 });
  const venue = logger.child({ actor: 'venue' });
  flood(venue, 10, 'info');
  flood(venue, 3, 'warn');
  flood(venue, 3, 'error');
  flood(venue, 10, 'fatal');
  t.deepEqual(limiter.stats(), {
    passed: 2 + 4 + 10,
    suppressed: 8 + 2,
    suppressedWarnings: 2,
    summaries: 0,
    sources: 1,
  });
});

test("the kernel's warning about an actor is written however much that actor chatters", (t) => {
  const { limiter, logger } = limited({ ratePerSec: 1, burst: 1 });
  flood(logger.child({ actor: 'feed' }), 1_000);
  logger.warn({ actor: 'feed', detail: 'missed 2 heartbeats' }, 'component crashed');
  t.like(limiter.stats(), { passed: 2, suppressed: 999, suppressedWarnings: 0 });
});

test('one summary line per source per window reports exactly what was suppressed', async (t) => {
  const { clock, limiter, logger, settled } = limited({
    ratePerSec: 1,
    burst: 1,
    warnBurst: 2,
    windowMs: 10_000,
  });
  flood(logger.child({ actor: 'a' }), 4);
  flood(logger.child({ actor: 'b' }), 3, 'error');
  await clock.advance(9_999);
  t.is(limiter.stats().summaries, 0);
  await clock.advance(1);
  const summaries = (await settled()).filter((l) => l.suppressed !== undefined);
  t.deepEqual(
    summaries.map((l) => [l.level, l.actor, l.msg, l.suppressed, l.suppressedWarnings]),
    [
      [40, 'a', '3 lines from a suppressed', 3, 0],
      // An error among them: the summary is an error line, so an `error`-level log still shows it.
      [50, 'b', '1 line from b suppressed', 1, 1],
    ],
  );
  // A quiet window writes nothing; flush writes the open window's at once.
  await clock.advance(60_000);
  flood(logger.child({ actor: 'a' }), 2);
  limiter.flush();
  const after = (await settled()).filter((l) => l.suppressed !== undefined);
  t.is(after.length, 3);
  t.like(after[2], { actor: 'a', suppressed: 1 });
  t.like(limiter.stats(), { summaries: 3, suppressed: 5 });
  t.deepEqual(limiter.suppressedBySource(), { a: 4, b: 1 });
});

test('lines the level filters out never reach the limiter', (t) => {
  const { limiter, logger } = limited({ ratePerSec: 1, burst: 1 }, 'warn');
  flood(logger.child({ actor: 'feed' }), 100, 'info');
  t.like(limiter.stats(), { passed: 0, suppressed: 0 });
});

test('sources past maxSources share one bucket, so ever-new actor names cannot grow memory', (t) => {
  const { limiter, logger } = limited({ ratePerSec: 1, burst: 1, maxSources: 2 });
  for (let i = 0; i < 10; i++) logger.info({ actor: `order-${i}` }, 'line');
  t.like(limiter.stats(), { passed: 3, suppressed: 7, sources: 3 });
  t.deepEqual(limiter.suppressedBySource(), { [OTHER_SOURCE]: 7 });
});

test('the limiter is found from the logger and any of its children', (t) => {
  const { limiter, logger } = limited({});
  t.is(rateLimiterOf(logger), limiter);
  t.is(rateLimiterOf(logger.child({ actor: 'x' }).child({ sub: 1 })), limiter);
  t.is(rateLimiterOf(createLogger({ level: 'silent' })), undefined);
});

test('a limiter serves one logger', (t) => {
  const { limiter } = limited({});
  t.throws(() => createLogger({ level: 'silent', rateLimit: limiter }), { message: /one logger/ });
});

test('a bad config names each field and what was expected', (t) => {
  const error = t.throws(() => parseLogRateLimitConfig({ ratePerSec: 0, burst: 1.5, extra: true }), {
    instanceOf: ConfigError,
  });
  t.regex(error.message, /ratePerSec: .*>0/);
  t.regex(error.message, /burst: .*expected int/);
  t.regex(error.message, /extra/);
  t.like(parseLogRateLimitConfig(undefined), { ratePerSec: 100, burst: 1_000, warnBurst: 2_000 });
});
