import test from 'ava';
import { ExecutionStats } from '../../actors/trading/execution-stats';

test('figures count the newest 2 048 submissions of the window, however many were recorded', (t) => {
  const stats = new ExecutionStats();
  // 5 000 submissions one ms apart: the first 2 952 are errors, the newest 2 048 acks of 7 ms.
  for (let i = 0; i < 5_000; i++) stats.record('e', i, i < 2_952 ? 'error' : 'ack', 7);
  t.deepEqual(stats.figures('e', 4_999, 10_000), {
    submits: 2_048,
    errorRate: 0,
    rejectRate: 0,
    ackP99Ms: 7,
  });
  t.is(stats.figures('e', 4_999, 100).submits, 101, 'the window bounds it too (both ends count)');
  t.is(stats.figures('other', 4_999, 10_000).submits, 0);
});

test('rates and the latency p99 over a mixed window', (t) => {
  const stats = new ExecutionStats();
  for (let i = 0; i < 100; i++)
    stats.record('e', 1_000 + i, i % 10 === 0 ? 'reject' : i % 25 === 1 ? 'unknown' : 'ack', i + 1);
  const f = stats.figures('e', 1_099, 1_000);
  t.is(f.submits, 100);
  t.is(f.rejectRate, 0.1);
  t.is(f.errorRate, 0.04);
  // Latencies of acks and rejects only (the four unknowns are not answers): the 99th percentile of
  // 96 values is the 96th, the last ack's 100 ms.
  t.is(f.ackP99Ms, 100);
});
