import test from 'ava';
import { postmortemMarkdown } from '../../actors/ops/postmortem-markdown';
import { bookProcess } from './incident-fixture';
import type { BookProcess } from './incident-fixture';
import { runScenario } from './postmortem-scenario';
import type { Scenario } from './postmortem-scenario';

const MINUTE = 60_000;

/** The scenario run, then the book re-attached with the execution store's fills. */
async function drafted(): Promise<{ p: BookProcess; s: Scenario }> {
  const p = await bookProcess();
  const s = await runScenario(p);
  p.detach();
  p.book.attach({ incidents: p.incidents, kills: p.kills, fills: { fills: async () => s.fills } });
  return { p, s };
}

async function stored(p: BookProcess) {
  const postmortem = await p.book.postmortem(1);
  if (!postmortem) throw new Error('the draft was stored');
  return postmortem;
}

function rowText(
  r: { t: number; seq: number; lastSeq: number; actor: string; path: readonly string[]; count: number },
  origin: number,
): string {
  const seq = r.seq === r.lastSeq ? `${r.seq}` : `${r.seq}-${r.lastSeq}`;
  return `${(r.t - origin) / 1000}s ${seq} ${r.actor} ${r.path.join('>')} x${r.count}`;
}

test('the draft reads the window around the incident and nothing outside it', async (t) => {
  const { p, s } = await drafted();
  const { draft } = await p.book.draftPostmortem(1);
  t.like(draft.window, {
    from: s.raisedAt - 15 * MINUTE,
    to: s.raisedAt + 15 * MINUTE,
    firstSeq: s.seq['trading-start'],
    lastSeq: s.seq['resume'],
    truncated: false,
  });
  t.like(draft.incident, { id: 1, raisedSeq: s.raisedSeq, state: 'mitigated' });
});

test('the timeline groups start-ups, each order and each run of one machine, in journal order', async (t) => {
  const { p, s } = await drafted();
  const { draft } = await p.book.draftPostmortem(1);
  const rows = draft.timeline.rows.map((r) => rowText(r, s.raisedAt));
  t.deepEqual(rows, [
    '-900s 2-11 trading, eng, feed  x10',
    '-600s 12 feed calm>volatile x1',
    '-300s 13 chaos-engine component-crash x1',
    '-300s 14 eng running>faulted x1',
    '-300s 15 engine-eng running>restarting x1',
    '-300s 16 eng faulted>ready x1',
    '-300s 17-18 eng  x2',
    '-300s 19 engine-eng restarting>running x1',
    '-180s 20-25 eng/c-ok pending>submitted>open>filled x4',
    '-180s 21-33 eng/c-bad pending>submitted>unknown.checking>unknown.exhausted x4',
    '-120s 27-29 other/c-x pending>submitted>rejected x3',
    '-60s 30-31 breaker-errors-eng GREEN>YELLOW>RED x2',
    '-10s 32 ghost  x1',
    '0s 34 eng open x1',
    '0s 35 eng ACTIVE>REDUCING x1',
    '0s 36-37 incident/1 open>mitigated x2',
    '120s 38 recon-eng order>healed x1',
    '180s 39 control-plane alice (admin, cli) confirm>done x1',
    '240s 40 eng REDUCING>ACTIVE x1',
  ]);
  t.deepEqual(
    draft.timeline.rows.filter((r) => r.related).map((r) => r.actor),
    ['eng/c-bad'],
  );
  t.deepEqual(draft.timeline.omitted, {});
});

test('past the row limit the timeline drops quiet rows farthest from the incident first, never the evidence', async (t) => {
  const { p, s } = await drafted();
  const { draft } = await p.book.draftPostmortem(1, { maxTimelineRows: 10 });
  t.deepEqual(
    draft.timeline.rows.map((r) => rowText(r, s.raisedAt)),
    [
      '-300s 13 chaos-engine component-crash x1',
      '-300s 14 eng running>faulted x1',
      '-180s 21-33 eng/c-bad pending>submitted>unknown.checking>unknown.exhausted x4',
      '-120s 27-29 other/c-x pending>submitted>rejected x3',
      '-60s 30-31 breaker-errors-eng GREEN>YELLOW>RED x2',
      '0s 34 eng open x1',
      '0s 35 eng ACTIVE>REDUCING x1',
      '0s 36-37 incident/1 open>mitigated x2',
      '120s 38 recon-eng order>healed x1',
      '180s 39 control-plane alice (admin, cli) confirm>done x1',
    ],
  );
  t.deepEqual(draft.timeline.omitted, { routine: 2, behaviour: 1, order: 1, supervision: 4, safety: 1 });
  t.regex(
    postmortemMarkdown({ ...(await stored(p)), draft }),
    /_Left out to stay readable: 1 behaviour row, 1 order row, 2 routine rows, 1 safety row, 4 supervision rows\._/,
  );
});

test('automatic actions and operator actions are told apart, kills included', async (t) => {
  const { p, s } = await drafted();
  const { draft } = await p.book.draftPostmortem(1);
  const text = (items: readonly { seq: number | null; text: string }[]) =>
    items.map((a) => `${a.seq ?? '-'} ${a.text}`);
  t.deepEqual(text(draft.actions.automatic.items), [
    `${s.seq['restarting']} engine-eng restarted a child after it exited`,
    `${s.seq['yellow']} breaker-errors-eng GREEN → YELLOW (breaker.reading)`,
    `${s.seq['red']} breaker-errors-eng YELLOW → RED (breaker.reading)`,
    `${s.seq['reducing']} eng trading ACTIVE → REDUCING (trading.reduce)`,
    '- kill switch engine eng engaged at reduce by breaker:errors-eng: breaker errors-eng RED',
    `${s.seq['heal']} recon-eng healed order orphan|c-x`,
  ]);
  t.deepEqual(text(draft.actions.operator.items), [
    `${s.seq['audit']} alice (admin, cli) ran \`kill_engine eng cancel\`: done`,
    `${s.seq['resume']} eng trading REDUCING → ACTIVE (trading.resume)`,
  ]);
});

test('impact: the orders touched per engine, the ones worth naming, and the positions the fills moved', async (t) => {
  const { p } = await drafted();
  const { impact } = (await p.book.draftPostmortem(1)).draft;
  t.deepEqual(impact.orders, {
    total: 3,
    byEngine: [
      {
        engine: 'eng',
        touched: 2,
        reachedFill: 1,
        filled: 1,
        cancelled: 0,
        rejected: 0,
        resolved: 0,
        unknown: 1,
        live: 0,
      },
      {
        engine: 'other',
        touched: 1,
        reachedFill: 0,
        filled: 0,
        cancelled: 0,
        rejected: 1,
        resolved: 0,
        unknown: 0,
        live: 0,
      },
    ],
  });
  t.deepEqual(
    impact.notableOrders.map((o) => [o.actor, o.related, o.trouble]),
    [
      ['eng/c-bad', true, true],
      ['other/c-x', false, true],
      ['eng/c-ok', false, false],
    ],
  );
  t.deepEqual(impact.positions, [
    {
      engine: 'eng',
      strategy: 'strat',
      symbol: 'BTCUSDT',
      fills: 2,
      netQty: 0.006,
      notional: 700,
      fees: { USDT: 1 },
    },
  ]);
  t.true(impact.notes.some((n) => n.startsWith('PnL: not derived.')));
});

test('without fills the impact says positions are not derivable from the journal', async (t) => {
  const p = await bookProcess();
  await runScenario(p);
  const { impact } = (await p.book.draftPostmortem(1)).draft;
  t.is(impact.positions, null);
  t.true(
    impact.notes.includes(
      'Positions touched: not derivable from the journal (it holds order states, not quantities or prices); no fills were given.',
    ),
  );
});

test('root-cause candidates are ranked with their evidence: the order named, then the first anomaly in scope', async (t) => {
  const { p, s } = await drafted();
  const { rootCauseCandidates } = (await p.book.draftPostmortem(1)).draft;
  t.deepEqual(
    rootCauseCandidates.map((c) => [c.rank, c.title, c.actor, c.seq, c.score]),
    [
      [1, 'the venue did not answer an order of eng in time', 'eng/c-bad', s.seq['bad-overdue'], 83],
      [2, 'eng crashed', 'eng', s.seq['eng-faulted'], 82],
      [3, 'chaos injected component-crash (crash-eng#1)', 'chaos-engine', s.seq['chaos'], 57],
      [4, 'breaker-errors-eng tripped RED', 'breaker-errors-eng', s.seq['red'], 55],
      [5, 'breaker-errors-eng went YELLOW', 'breaker-errors-eng', s.seq['yellow'], 44],
    ],
  );
  t.deepEqual(rootCauseCandidates[1]?.reasons, [
    'same actor as the incident',
    'first anomaly in the incident scope',
  ]);
  t.deepEqual(rootCauseCandidates[0]?.evidence, [
    `seq ${s.seq['bad-overdue']} at T-00:02:50.000: eng/c-bad order submitted → unknown.checking on order.ack.overdue`,
  ]);
  t.false(
    rootCauseCandidates.some((c) => c.seq >= s.raisedSeq),
    'nothing after the raise is a cause',
  );
});

test('the Markdown says what happened, line by line', async (t) => {
  const { p, s } = await drafted();
  await p.book.resolve(1, 'alice', 'venue answered again');
  await p.book.completePostmortem(1, 'alice', {
    rootCause: 'The venue stopped answering submits | for 3 minutes.',
    actions: 'Engine REDUCING (automatic), kill at reduce (breaker).',
    followUps: ['Alert on ack timeouts', ' '],
  });
  await p.book.signPostmortem(1, 'carol');
  const lines = (await p.book.postmortemMarkdown(1)).split('\n');
  const has = (line: string) => t.true(lines.includes(line), `missing line: ${line}`);
  t.is(lines[0], '# Post-mortem: incident #1 ORDER_OUTCOME_UNKNOWN');
  has('- **Status:** signed by carol at 2026-01-01T00:40:00.000Z');
  has(
    `- **Incident:** #1 \`ORDER_OUTCOME_UNKNOWN\` raised by \`eng\` at 2026-01-01T00:20:00.000Z (journal seq ${s.raisedSeq})`,
  );
  has('- **Scope:** engine `eng`, strategy `strat`');
  has('- **State:** postmortem_written (as of the draft)');
  has(
    `- **Mitigated:** automatically at 2026-01-01T00:20:00.000Z (T+00:00:00.000): engine eng ACTIVE → REDUCING on trading.reduce (journal seq ${s.seq['reducing']})`,
  );
  has('- **Resolved:** by alice at 2026-01-01T00:40:00.000Z (T+00:20:00.000): venue answered again');
  has(
    `- **Window:** 2026-01-01T00:05:00.000Z to 2026-01-01T00:35:00.000Z (15 minutes before, 15 minutes after), 39 journal entries, seq ${s.seq['trading-start']}–${s.seq['resume']}`,
  );
  has(
    '| T-00:15:00.000 | 2–11 | trading, eng, feed and 1 more | lifecycle, trading-state, market-feed, supervisor | routine start/stop (10) | sys.start, sys.init, sys.started, … |',
  );
  has(
    '| T-00:03:00.000 | 21–33 | `eng/c-bad` (named by the incident) | order | pending → submitted → unknown.checking → unknown.exhausted (4) | order.created, order.sent, order.ack.overdue, … |',
  );
  has('| T+00:02:00.000 | 38 | `recon-eng` | reconciliation-heal | order → healed | orphan\\|c-x |');
  has(
    '- T+00:00:01.000: kill switch engine eng engaged at reduce by breaker:errors-eng: breaker errors-eng RED',
  );
  has('- T+00:03:00.000 (seq 39): alice (admin, cli) ran `kill_engine eng cancel`: done');
  has('| eng | 2 | 1 | 1 | 0 | 0 | 0 | 1 | 0 |');
  has('| eng | strat | BTCUSDT | 2 | 0.006 | 700 | 1 USDT |');
  has(
    '1. **the venue did not answer an order of eng in time** (score 83, venue, 1 transition; the order the incident names)',
  );
  has('The venue stopped answering submits | for 3 minutes.');
  has('- Alert on ack timeouts');
  t.false(lines.includes('-  '), 'a blank follow-up is left out');
  has('Signed by carol at 2026-01-01T00:40:00.000Z. This post-mortem is final.');
  t.is(lines[lines.length - 1], '', 'ends with a newline');
});

test('the same post-mortem gives the same bytes, and so does the same story told twice', async (t) => {
  const one = await drafted();
  const two = await drafted();
  const a = await one.p.book.draftPostmortem(1);
  const b = await two.p.book.draftPostmortem(1);
  t.is(postmortemMarkdown(a), postmortemMarkdown(structuredClone(a)));
  t.is(postmortemMarkdown(a), postmortemMarkdown(b));
  t.is(await one.p.book.postmortemMarkdown(1), postmortemMarkdown(a));
});

test('a redraft keeps what the operator wrote and follows the incident', async (t) => {
  const { p } = await drafted();
  await p.book.completePostmortem(1, 'alice', { rootCause: 'venue' });
  await p.book.resolve(1, 'alice');
  const redrafted = await p.book.draftPostmortem(1);
  t.is(redrafted.fields.rootCause, 'venue');
  t.is(redrafted.editedBy, 'alice');
  t.is(redrafted.draft.incident.state, 'resolved');
  t.regex(redrafted.draft.summary, / It was resolved by alice at /);
});

test('a window wider than maxEntries is read up to the cap and says it is truncated', async (t) => {
  const { p, s } = await drafted();
  const { draft } = await p.book.draftPostmortem(1, { maxEntries: 20 });
  t.like(draft.window, { entries: 20, truncated: true, firstSeq: s.seq['trading-start'], lastSeq: 21 });
  t.regex(postmortemMarkdown(await stored(p)), /20 journal entries, seq 2–21, truncated/);
});

test('a machine flapping all window long is one row, its path cut in the middle', async (t) => {
  const p = await bookProcess();
  for (let i = 0; i < 20; i++) {
    p.transition(
      'feed',
      'market-feed',
      i % 2 ? 'volatile' : 'calm',
      'feed.tick',
      i % 2 ? 'calm' : 'volatile',
    );
    await p.clock.advance(1_000);
  }
  p.incidents.raise('feed', 'FLAPPING', 'the feed cannot make up its mind');
  await p.settle();
  const { draft } = await p.book.draftPostmortem(1);
  const [row] = draft.timeline.rows;
  t.like(row, { actor: 'feed', count: 20, skipped: 13 });
  t.true(
    (await p.book.postmortemMarkdown(1)).includes(
      '| T-00:00:20.000 | 1–20 | `feed` | market-feed | calm → volatile → calm → … (13 more) … → calm → volatile → calm → volatile → calm (20) | feed.tick |',
    ),
  );
});
