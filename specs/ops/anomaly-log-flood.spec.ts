import { Writable } from 'node:stream';
import test from 'ava';
import { VirtualClock } from '../../actors/kernel/clock-virtual';
import { LogRateLimiter } from '../../actors/kernel/log-rate-limit';
import { createLogger } from '../../actors/kernel/logger';
import { LogFloodDetector } from '../../actors/ops/anomaly-log-flood';
import { parseAnomalyTrackerConfig } from '../../actors/ops/anomaly-tracker.config';

const MINUTE = 60_000;

test('a source whose lines the rate limit dropped is a log-flood anomaly per interval; a quiet one is not', async (t) => {
  const clock = new VirtualClock();
  const limiter = new LogRateLimiter({ clock, config: { ratePerSec: 10, burst: 10 } });
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  const logger = createLogger({ destination: sink, rateLimit: limiter });
  const detector = new LogFloodDetector(
    limiter,
    parseAnomalyTrackerConfig({ logs: { criticalLines: 1_000 } }).logs,
  );
  const chatty = logger.child({ actor: 'feed' });
  const quiet = logger.child({ actor: 'risk' });

  for (let i = 0; i < 110; i++) chatty.info({ i }, 'tick');
  for (let i = 0; i < 5; i++) quiet.info({ i }, 'fine');
  await clock.advance(MINUTE);
  const first = detector.sample(clock.now());
  t.deepEqual(
    first.map((o) => [o.kind, o.subject.id, o.severity, o.value]),
    [['log-flood', 'feed', 'warning', 100]],
  );

  // Nothing new dropped: nothing to say.
  await clock.advance(MINUTE);
  t.deepEqual(detector.sample(clock.now()), []);

  // A flood past `criticalLines` in one interval is critical; the value is this interval's drops only.
  for (let i = 0; i < 1_500; i++) chatty.info({ i }, 'tick');
  await clock.advance(MINUTE);
  const second = detector.sample(clock.now());
  t.is(second.length, 1);
  t.is(second[0]?.severity, 'critical');
  t.is(second[0]?.value, 1_490);
  t.like(second[0]?.evidence, { dropped: 1_490, droppedSinceStart: 1_590 });
  limiter.close();
});

test('a bad log-flood config is refused naming the field', (t) => {
  t.throws(() => parseAnomalyTrackerConfig({ logs: { criticalLines: 0 } }), {
    message: /logs\.criticalLines/,
  });
  t.throws(() => parseAnomalyTrackerConfig({ logs: { everyMs: 90_000 } }), { message: /logs\.everyMs/ });
});
