import type { ImpactFill } from '../../actors/ops/postmortem-impact';
import type { BookProcess } from './incident-fixture';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;

/** What the scenario did, for the spec to check the draft against. */
export interface Scenario {
  readonly raisedAt: number;
  readonly raisedSeq: number;
  /** Seq of notable entries by name. */
  readonly seq: Readonly<Record<string, number>>;
  readonly fills: readonly ImpactFill[];
}

const fill = (t: number, clientOrderId: string, qty: number, side: 'buy' | 'sell'): ImpactFill => ({
  clientOrderId,
  engine: 'eng',
  strategy: 'strat',
  symbol: 'BTCUSDT',
  side,
  qty,
  price: 50_000,
  fee: 0.5,
  feeAsset: 'USDT',
  t,
});

/**
 * A known story, journaled as the runtime would journal it (machine names and events from the
 * machines and components), around an ORDER_OUTCOME_UNKNOWN incident of engine `eng`:
 *
 * - T-20m  (outside the 15-minute window) a feed flips;
 * - T-15m  start-up: lifecycles, first states, supervisors (routine);
 * - T-10m  the feed goes volatile;
 * - T-5m   chaos injects a crash; `eng` faults, its supervisor restarts it;
 * - T-3m   order c-ok fills; order c-bad gets no answer (unknown, checks exhausted);
 * - T-2m   engine `other`'s order c-x is rejected;
 * - T-1m   breaker errors-eng YELLOW, T-30s RED; T-10s a dead letter;
 * - T      the incident; `eng` goes REDUCING (its own reaction);
 * - T+1s   the breaker's kill engages on engine eng (reduce);
 * - T+2m   reconciliation heals an orphan; T+3m alice runs kill_engine; T+4m alice resumes eng;
 * - T+20m  (outside the window) the feed flips again.
 */
export async function runScenario(p: BookProcess): Promise<Scenario> {
  const seq: Record<string, number> = {};
  const start = p.clock.now();
  const at = async (t: number) => p.clock.runUntil(start + t);
  const T = 20 * MINUTE;
  const x = (name: string, actor: string, machine: string, from: string, event: string, to: string) => {
    seq[name] = p.transition(actor, machine, from, event, to).seq;
  };

  x('before-window', 'feed', 'market-feed', 'calm', 'feed.tick', 'volatile');
  await at(T - 15 * MINUTE);
  for (const actor of ['trading', 'eng', 'feed']) {
    x(`${actor}-start`, actor, 'lifecycle', 'ready', 'sys.start', 'starting');
    x(
      `${actor}-init`,
      actor,
      actor === 'feed' ? 'market-feed' : 'trading-state',
      '',
      'sys.init',
      actor === 'feed' ? 'calm' : 'ACTIVE',
    );
    x(`${actor}-running`, actor, 'lifecycle', 'starting', 'sys.started', 'running');
  }
  x('root-running', 'root', 'supervisor', 'starting', 'sys.children.started', 'running');
  await at(T - 10 * MINUTE);
  x('feed-volatile', 'feed', 'market-feed', 'calm', 'feed.tick', 'volatile');
  await at(T - 5 * MINUTE);
  x('chaos', 'chaos-engine', 'chaos', '', 'crash-eng#1', 'component-crash');
  x('eng-faulted', 'eng', 'lifecycle', 'running', 'sys.fault', 'faulted');
  x('restarting', 'engine-eng', 'supervisor', 'running', 'sys.child.exited', 'restarting');
  x('eng-ready', 'eng', 'lifecycle', 'faulted', 'sys.reset', 'ready');
  x('eng-restart', 'eng', 'lifecycle', 'ready', 'sys.start', 'starting');
  x('eng-rerunning', 'eng', 'lifecycle', 'starting', 'sys.started', 'running');
  x('restarted', 'engine-eng', 'supervisor', 'restarting', 'sys.restart.done', 'running');
  await at(T - 3 * MINUTE);
  x('ok-created', 'eng/c-ok', 'order', '', 'order.created', 'pending');
  x('bad-created', 'eng/c-bad', 'order', '', 'order.created', 'pending');
  x('ok-sent', 'eng/c-ok', 'order', 'pending', 'order.sent', 'submitted');
  x('bad-sent', 'eng/c-bad', 'order', 'pending', 'order.sent', 'submitted');
  x('ok-open', 'eng/c-ok', 'order', 'submitted', 'order.accepted', 'open');
  x('ok-filled', 'eng/c-ok', 'order', 'open', 'order.filled', 'filled');
  await at(T - 3 * MINUTE + 10 * SECOND);
  x('bad-overdue', 'eng/c-bad', 'order', 'submitted', 'order.ack.overdue', 'unknown.checking');
  await at(T - 2 * MINUTE);
  x('x-created', 'other/c-x', 'order', '', 'order.created', 'pending');
  x('x-sent', 'other/c-x', 'order', 'pending', 'order.sent', 'submitted');
  x('x-rejected', 'other/c-x', 'order', 'submitted', 'order.rejected', 'rejected');
  await at(T - MINUTE);
  x('yellow', 'breaker-errors-eng', 'circuit-breaker', 'GREEN', 'breaker.reading', 'YELLOW');
  await at(T - 30 * SECOND);
  x('red', 'breaker-errors-eng', 'circuit-breaker', 'YELLOW', 'breaker.reading', 'RED');
  await at(T - 10 * SECOND);
  x('dead-letter', 'ghost', 'dead-letter', '', 'sys.ping', '');
  await at(T);
  x('bad-exhausted', 'eng/c-bad', 'order', 'unknown.checking', 'order.check.notFound', 'unknown.exhausted');
  const raisedAt = p.clock.now();
  p.incidents.raise('eng', 'ORDER_OUTCOME_UNKNOWN', 'outcome of c-bad still unknown after 5 checks', {
    engine: 'eng',
    strategy: 'strat',
    symbol: 'BTCUSDT',
    clientOrderId: 'c-bad',
  });
  const raisedSeq = p.journal.lastSeq;
  x('reducing', 'eng', 'trading-state', 'ACTIVE', 'trading.reduce', 'REDUCING');
  await at(T + SECOND);
  await p.kills.engage(
    { level: 'engine', id: 'eng' },
    'reduce',
    'breaker errors-eng RED',
    'breaker:errors-eng',
  );
  await at(T + 2 * MINUTE);
  x('heal', 'recon-eng', 'reconciliation-heal', 'order', 'orphan|c-x', 'healed');
  await at(T + 3 * MINUTE);
  x('audit', 'control-plane', 'audit', 'alice (admin, cli) confirm', 'kill_engine eng cancel', 'done');
  await at(T + 4 * MINUTE);
  x('resume', 'eng', 'trading-state', 'REDUCING', 'trading.resume', 'ACTIVE');
  await at(T + 20 * MINUTE);
  x('after-window', 'feed', 'market-feed', 'volatile', 'feed.tick', 'calm');
  await p.settle();
  return {
    raisedAt,
    raisedSeq,
    seq,
    fills: [
      fill(raisedAt - 3 * MINUTE, 'c-ok', 0.01, 'buy'),
      fill(raisedAt - 2 * MINUTE, 'c-ok2', 0.004, 'sell'),
      fill(raisedAt - 30 * MINUTE, 'c-old', 1, 'buy'),
    ],
  };
}
