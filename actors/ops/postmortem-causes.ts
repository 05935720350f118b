import type { JournalEntry } from '../kernel/journal-entry';
import { relative } from './postmortem-format';
import type { RelevanceSubject } from './postmortem-relevance';
import { inScope, isOrderTrouble, isRelatedOrder, orderEngine } from './postmortem-relevance';

/** What kind of anomaly a candidate is. */
export type CauseCategory =
  | 'injected-fault'
  | 'crash'
  | 'escalation'
  | 'venue'
  | 'data'
  | 'breaker'
  | 'incident'
  | 'operator'
  | 'dead-letter';

/** One root-cause candidate: a kind of anomalous transition before the incident, with its evidence. */
export interface RootCauseCandidate {
  /** 1 is the most likely. */
  readonly rank: number;
  readonly score: number;
  readonly category: CauseCategory;
  readonly title: string;
  /** The actor, or `<engine>/*` for the orders of an engine other than the one the incident names. */
  readonly actor: string;
  /** Transitions of this kind found. */
  readonly count: number;
  /** Journal `seq` and time of the first. */
  readonly seq: number;
  readonly t: number;
  /** Why it ranks where it does (`same actor`, `first anomaly in scope`, …). */
  readonly reasons: readonly string[];
  /** Up to three entries, each `seq N at T-…: actor machine from → to on event`. */
  readonly evidence: readonly string[];
}

interface Anomaly {
  readonly category: CauseCategory;
  readonly base: number;
  readonly title: string;
}

const MAX_CANDIDATES = 5;
const MAX_EVIDENCE = 3;

/**
 * The heuristic: how much a transition suggests a cause, before relatedness. Injected faults and
 * crashes first, then venue trouble, data going bad, breakers, earlier incidents, operator
 * commands, dead letters. Reactions (trading states restricted, heals) are actions, not causes.
 */
function anomalyOf(entry: JournalEntry): Anomaly | undefined {
  switch (entry.machine) {
    case 'chaos':
      return entry.from === ''
        ? { category: 'injected-fault', base: 50, title: `chaos injected ${entry.to} (${entry.event})` }
        : undefined;
    case 'system':
      return entry.to === 'halting' ? { category: 'escalation', base: 45, title: 'GLOBAL HALT' } : undefined;
    case 'lifecycle':
      if (entry.to === 'faulted') return { category: 'crash', base: 40, title: `${entry.actor} crashed` };
      return entry.to === 'degraded'
        ? { category: 'crash', base: 20, title: `${entry.actor} degraded` }
        : undefined;
    case 'supervisor':
      if (entry.to === 'failed')
        return { category: 'escalation', base: 40, title: `supervisor ${entry.actor} gave up` };
      return entry.to === 'restarting'
        ? { category: 'crash', base: 30, title: `supervisor ${entry.actor} restarted a child` }
        : undefined;
    case 'order':
      return orderAnomaly(entry);
    case 'market-data':
      return entry.to === 'stale'
        ? { category: 'data', base: 30, title: `market data ${entry.actor} went stale` }
        : undefined;
    case 'reconciliation':
      return entry.to === 'mismatch'
        ? { category: 'data', base: 30, title: `${entry.actor} found a mismatch with the venue` }
        : undefined;
    case 'circuit-breaker':
      if (entry.to === 'RED') return { category: 'breaker', base: 30, title: `${entry.actor} tripped RED` };
      return entry.to === 'YELLOW'
        ? { category: 'breaker', base: 20, title: `${entry.actor} went YELLOW` }
        : undefined;
    case 'incident':
      // The kernel's raise entries only (event = kind); the book's own are `incident.*`.
      return entry.from === '' && !entry.event.startsWith('incident.')
        ? { category: 'incident', base: 30, title: `earlier incident ${entry.event} from ${entry.actor}` }
        : undefined;
    case 'audit':
      return entry.from.endsWith(' confirm') && entry.to.startsWith('done')
        ? { category: 'operator', base: 15, title: `operator ran \`${entry.event}\`` }
        : undefined;
    case 'dead-letter':
      return {
        category: 'dead-letter',
        base: 10,
        title: `${entry.actor} was sent ${entry.event} it does not take`,
      };
    default:
      return undefined;
  }
}

function orderAnomaly(entry: JournalEntry): Anomaly | undefined {
  if (!isOrderTrouble(entry)) return undefined;
  const engine = orderEngine(entry.actor);
  if (entry.event === 'order.submit.failed')
    return { category: 'venue', base: 35, title: `an order submit of ${engine} failed at the venue` };
  if (entry.event === 'order.ack.overdue')
    return { category: 'venue', base: 35, title: `the venue did not answer an order of ${engine} in time` };
  if (entry.to === 'rejected')
    return { category: 'venue', base: 25, title: `the venue rejected an order of ${engine}` };
  return { category: 'venue', base: 35, title: `an order of ${engine} went to an unknown outcome` };
}

interface Group {
  anomaly: Anomaly;
  actor: string;
  machine: string;
  entries: JournalEntry[];
  score: number;
  reasons: string[];
}

/**
 * Root-cause candidates: the anomalous transitions in the window before the incident's raise entry,
 * grouped by kind and actor (the orders of an engine as one group, except the order the incident
 * names), scored and ranked, at most five. A group's score is its kind's weight plus the best
 * relatedness of its entries (the order named +40, the raising actor +25, the incident's scope +15),
 * +10 for the earliest anomaly in the scope (where a chain of failures starts) and up to +10 for
 * closeness in time; ties go to the earlier.
 */
export function rootCauseCandidates(
  entries: readonly JournalEntry[],
  subject: RelevanceSubject & { readonly raisedAt: number; readonly raisedSeq: number },
  beforeMs: number,
): RootCauseCandidate[] {
  const groups = new Map<string, Group>();
  let firstInScope: JournalEntry | undefined;
  for (const entry of entries) {
    if (entry.seq >= subject.raisedSeq) break;
    const anomaly = anomalyOf(entry);
    if (!anomaly) continue;
    const related = relatedness(entry, subject);
    if (related.bonus > 0 && firstInScope === undefined) firstInScope = entry;
    const actor =
      entry.machine === 'order' && !isRelatedOrder(entry, subject)
        ? `${orderEngine(entry.actor)}/*`
        : entry.actor;
    const key = `${actor}|${entry.machine}|${anomaly.title}`;
    const recency = Math.round(10 * Math.max(0, 1 - (subject.raisedAt - entry.t) / Math.max(1, beforeMs)));
    const score = anomaly.base + related.bonus + recency;
    const group = groups.get(key);
    if (!group) {
      groups.set(key, {
        anomaly,
        actor,
        machine: entry.machine,
        entries: [entry],
        score,
        reasons: related.reasons,
      });
      continue;
    }
    group.entries.push(entry);
    if (score > group.score) {
      group.score = score;
      group.reasons = related.reasons;
    }
  }
  for (const group of groups.values()) {
    if (firstInScope !== undefined && group.entries.includes(firstInScope)) {
      group.score += 10;
      group.reasons = [...group.reasons, 'first anomaly in the incident scope'];
    }
  }
  return [...groups.values()]
    .sort(
      (a, b) => b.score - a.score || (a.entries[0] as JournalEntry).seq - (b.entries[0] as JournalEntry).seq,
    )
    .slice(0, MAX_CANDIDATES)
    .map((g, i) => candidate(g, i + 1, subject.raisedAt));
}

function relatedness(entry: JournalEntry, subject: RelevanceSubject): { bonus: number; reasons: string[] } {
  if (isRelatedOrder(entry, subject)) return { bonus: 40, reasons: ['the order the incident names'] };
  if (entry.actor === subject.actor) return { bonus: 25, reasons: ['same actor as the incident'] };
  if (inScope(entry.actor, subject.scope)) return { bonus: 15, reasons: ['in the incident scope'] };
  return { bonus: 0, reasons: [] };
}

function candidate(group: Group, rank: number, origin: number): RootCauseCandidate {
  const first = group.entries[0] as JournalEntry;
  const shown = group.entries
    .slice(0, MAX_EVIDENCE)
    .map(
      (e) =>
        `seq ${e.seq} at ${relative(e.t, origin)}: ${e.actor} ${e.machine} ${e.from || '(start)'} → ${e.to} on ${e.event}`,
    );
  const more = group.entries.length - shown.length;
  return {
    rank,
    score: group.score,
    category: group.anomaly.category,
    title: group.anomaly.title,
    actor: group.actor,
    count: group.entries.length,
    seq: first.seq,
    t: first.t,
    reasons: group.reasons,
    evidence: more > 0 ? [...shown, `and ${more} more`] : shown,
  };
}
