import type { JournalEntry } from '../kernel/journal-entry';
import type { RelevanceSubject } from './postmortem-relevance';
import { isOrderTrouble, isRelatedOrder } from './postmortem-relevance';

/**
 * What a timeline row is about. `routine` rows gather consecutive start-ups and shutdowns: first
 * states, lifecycles that neither fault nor degrade, supervisors starting and stopping.
 */
export type TimelineCategory =
  'incident' | 'safety' | 'supervision' | 'order' | 'market' | 'behaviour' | 'routine';

/** One row: one transition, or a run of transitions merged. */
export interface TimelineRow {
  /** First and last journal `seq` and clock time merged into the row. */
  readonly seq: number;
  readonly lastSeq: number;
  readonly t: number;
  readonly lastT: number;
  /** The actor; for a routine row, the first three actors (`actors` says how many in all). */
  readonly actor: string;
  readonly actors: number;
  /** The machine; for a routine row, the distinct machines, comma-separated. */
  readonly machine: string;
  /**
   * States passed through, the first one's `from` included when there was one: all of them, or the
   * first 3 and the last 5 when `skipped` more lie between. Empty for a routine row.
   */
  readonly path: readonly string[];
  readonly skipped: number;
  /** Distinct events, in order, at most 3 (`…` marks more). */
  readonly events: readonly string[];
  /** Transitions merged. */
  readonly count: number;
  readonly category: TimelineCategory;
  /** Whether the row is the order the incident names. */
  readonly related: boolean;
}

/** The timeline of a post-mortem, and what was left out to keep it readable. */
export interface Timeline {
  readonly rows: readonly TimelineRow[];
  /** Rows dropped to stay within the limit, per category. */
  readonly omitted: Readonly<Partial<Record<TimelineCategory, number>>>;
}

const SAFETY = new Set([
  'trading-state',
  'circuit-breaker',
  'system',
  'audit',
  'reconciliation',
  'reconciliation-heal',
  'chaos',
]);
const TROUBLE = new Set(['faulted', 'degraded', 'failed', 'restarting']);
const CALM_SUPERVISOR = new Set(['starting', 'running', 'stopping', 'stopped']);
const MAX_EVENTS = 3;
const MAX_NAMES = 3;
const PATH_HEAD = 3;
const PATH_KEPT = 8;

function isRoutine(entry: JournalEntry): boolean {
  if (entry.machine === 'incident' || entry.machine === 'system') return false;
  // A machine's first state at start (the host journals it as `sys.init`).
  if (entry.from === '') return entry.event === 'sys.init';
  if (entry.machine === 'lifecycle') return !TROUBLE.has(entry.from) && !TROUBLE.has(entry.to);
  return entry.machine === 'supervisor' && CALM_SUPERVISOR.has(entry.from) && CALM_SUPERVISOR.has(entry.to);
}

function categoryOf(entry: JournalEntry): TimelineCategory {
  if (entry.machine === 'incident') return 'incident';
  if (entry.machine === 'order') return 'order';
  if (isRoutine(entry)) return 'routine';
  if (SAFETY.has(entry.machine)) return 'safety';
  if (entry.machine === 'supervisor' || entry.machine === 'lifecycle' || entry.machine === 'dead-letter')
    return 'supervision';
  return entry.machine === 'market-data' ? 'market' : 'behaviour';
}

/** 0 is never dropped; 3 is dropped first. */
function priorityOf(entry: JournalEntry, category: TimelineCategory, subject: RelevanceSubject): number {
  switch (category) {
    case 'incident':
      return 0;
    case 'order':
      if (isRelatedOrder(entry, subject)) return 0;
      return isOrderTrouble(entry) ? 1 : 3;
    case 'safety':
      return 1;
    case 'supervision':
      return entry.machine === 'dead-letter' ? 2 : 1;
    case 'market':
      return 2;
    case 'behaviour':
    case 'routine':
      return 3;
  }
}

interface Row {
  seq: number;
  lastSeq: number;
  t: number;
  lastT: number;
  names: string[];
  actors: Set<string>;
  machines: string[];
  path: string[];
  skipped: number;
  events: string[];
  count: number;
  category: TimelineCategory;
  related: boolean;
  priority: number;
}

function open(entry: JournalEntry, category: TimelineCategory, subject: RelevanceSubject): Row {
  return {
    seq: entry.seq,
    lastSeq: entry.seq,
    t: entry.t,
    lastT: entry.t,
    names: [entry.actor],
    actors: new Set([entry.actor]),
    machines: [entry.machine],
    path: category === 'routine' ? [] : entry.from === '' ? [entry.to] : [entry.from, entry.to],
    skipped: 0,
    events: [entry.event],
    count: 1,
    category,
    related: isRelatedOrder(entry, subject),
    priority: priorityOf(entry, category, subject),
  };
}

function extend(row: Row, entry: JournalEntry, category: TimelineCategory, subject: RelevanceSubject): void {
  row.lastSeq = entry.seq;
  row.lastT = entry.t;
  row.count++;
  if (!row.events.includes(entry.event) && row.events.length <= MAX_EVENTS) row.events.push(entry.event);
  row.priority = Math.min(row.priority, priorityOf(entry, category, subject));
  if (row.category === 'routine') {
    if (!row.actors.has(entry.actor) && row.names.length < MAX_NAMES) row.names.push(entry.actor);
    row.actors.add(entry.actor);
    if (!row.machines.includes(entry.machine)) row.machines.push(entry.machine);
    return;
  }
  if (row.path[row.path.length - 1] !== entry.from && entry.from !== '') row.path.push(entry.from);
  row.path.push(entry.to);
  // Why a bound: a machine flapping all window long would otherwise store every state it passed.
  if (row.path.length > PATH_KEPT) {
    row.path.splice(PATH_HEAD, 1);
    row.skipped++;
  }
}

/** Whether an entry carries on the last row: the same machine picking up where it left off, or more routine. */
function continues(last: Row | undefined, entry: JournalEntry, category: TimelineCategory): last is Row {
  if (last === undefined || last.category === 'order' || last.category !== category) return false;
  if (category === 'routine') return true;
  return (
    last.names[0] === entry.actor &&
    last.machines[0] === entry.machine &&
    last.path[last.path.length - 1] === entry.from
  );
}

/**
 * The timeline of a window: every transition, but grouped so a busy window stays readable. Each
 * order is one row (at its first transition) with its whole path; consecutive transitions of one
 * machine that continue each other merge into one row; consecutive routine transitions (start-ups,
 * shutdowns) merge into one row whatever their actors. Past `maxRows`, rows are dropped least
 * telling first (routine, quiet orders and behaviours, then market data and dead letters, then
 * supervision, safety and troubled orders; never the incident's own rows, the order it names, or a
 * row holding a transition in `evidence` — the root-cause candidates'), farthest from the incident
 * first; the count dropped per category is kept.
 */
export function buildTimeline(
  entries: readonly JournalEntry[],
  subject: RelevanceSubject & { readonly raisedAt: number },
  maxRows: number,
  evidence: ReadonlySet<number> = new Set(),
): Timeline {
  const rows: Row[] = [];
  const orders = new Map<string, Row>();
  const place = (entry: JournalEntry, category: TimelineCategory): Row => {
    const keyed = category === 'order' ? orders.get(entry.actor) : rows[rows.length - 1];
    if (keyed && (category === 'order' || continues(keyed, entry, category))) {
      extend(keyed, entry, category, subject);
      return keyed;
    }
    const created = open(entry, category, subject);
    if (category === 'order') orders.set(entry.actor, created);
    rows.push(created);
    return created;
  };
  for (const entry of entries) {
    const row = place(entry, categoryOf(entry));
    if (evidence.has(entry.seq)) row.priority = 0;
  }
  return limit(rows, subject.raisedAt, maxRows);
}

function limit(rows: readonly Row[], origin: number, maxRows: number): Timeline {
  const omitted: Partial<Record<TimelineCategory, number>> = {};
  let kept: readonly Row[] = rows;
  if (rows.length > maxRows) {
    const distance = (r: Row) => Math.min(Math.abs(r.t - origin), Math.abs(r.lastT - origin));
    const droppable = rows
      .filter((r) => r.priority > 0)
      .sort((a, b) => b.priority - a.priority || distance(b) - distance(a) || b.seq - a.seq);
    const drop = new Set(droppable.slice(0, rows.length - maxRows));
    for (const row of drop) omitted[row.category] = (omitted[row.category] ?? 0) + 1;
    kept = rows.filter((r) => !drop.has(r));
  }
  return {
    rows: kept.map((r) => ({
      seq: r.seq,
      lastSeq: r.lastSeq,
      t: r.t,
      lastT: r.lastT,
      actor: r.names.join(', '),
      actors: r.actors.size,
      machine: r.machines.join(', '),
      path: r.path,
      skipped: r.skipped,
      events: r.events.length > MAX_EVENTS ? [...r.events.slice(0, MAX_EVENTS), '…'] : r.events,
      count: r.count,
      category: r.category,
      related: r.related,
    })),
    omitted,
  };
}
