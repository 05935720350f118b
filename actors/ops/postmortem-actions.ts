import type { JournalEntry } from '../kernel/journal-entry';
import type { KillRecord } from '../safety/kill-switches';

/** What kind of thing was done. */
export type ActionKind =
  | 'trading-state'
  | 'kill-switch'
  | 'circuit-breaker'
  | 'supervisor-restart'
  | 'supervisor-escalation'
  | 'system-halt'
  | 'reconciliation-heal'
  | 'operator-command';

/** One thing done during the window, by the runtime on its own or by an operator. */
export interface ActionItem {
  readonly t: number;
  /** The journal entry it comes from; null for a kill switch (kills are a stored value, not journaled). */
  readonly seq: number | null;
  readonly kind: ActionKind;
  readonly actor: string;
  readonly text: string;
}

/** Actions of one kind of actor, oldest first, with what the cap left out. */
export interface ActionList {
  readonly items: readonly ActionItem[];
  readonly omitted: number;
}

/** The window's actions, split by who acted. */
export interface WindowActions {
  readonly automatic: ActionList;
  readonly operator: ActionList;
}

const MAX_ACTIONS = 50;

function item(entry: JournalEntry, kind: ActionKind, text: string): ActionItem {
  return { t: entry.t, seq: entry.seq, kind, actor: entry.actor, text };
}

function move(entry: JournalEntry): string {
  return `${entry.from || '(start)'} → ${entry.to}`;
}

/** A journal entry as an action, and whether an operator did it; undefined when it is no action. */
function actionOf(entry: JournalEntry): { item: ActionItem; operator: boolean } | undefined {
  const at = (kind: ActionKind, text: string, operator = false) => ({
    item: item(entry, kind, text),
    operator,
  });
  switch (entry.machine) {
    case 'trading-state':
      if (entry.from === entry.to || entry.from === '') return undefined;
      // Only an operator resumes; reduce, halt and a withdrawn reason come from components.
      return at(
        'trading-state',
        `${entry.actor} trading ${move(entry)} (${entry.event})`,
        entry.event === 'trading.resume',
      );
    case 'circuit-breaker':
      if (entry.from === entry.to || entry.from === '') return undefined;
      return at(
        'circuit-breaker',
        `${entry.actor} ${move(entry)} (${entry.event})`,
        entry.event === 'breaker.reset',
      );
    case 'supervisor':
      if (entry.to === 'restarting')
        return at('supervisor-restart', `${entry.actor} restarted a child after it exited`);
      if (entry.to === 'failed')
        return at(
          'supervisor-escalation',
          `${entry.actor} gave up (restart intensity exceeded) and escalated`,
        );
      return undefined;
    case 'system':
      if (entry.to === 'halting') return at('system-halt', `GLOBAL HALT (${entry.event})`);
      if (entry.event === 'sys.resume') return at('system-halt', `system resumed from the GLOBAL HALT`, true);
      return undefined;
    case 'reconciliation-heal':
      return at('reconciliation-heal', `${entry.actor} healed ${entry.from} ${entry.event}`);
    case 'audit':
      // Only what ran: a confirmed command (phase `confirm`) that was carried out or failed.
      if (!entry.from.endsWith(' confirm') || !/^(done|failed)\b/.test(entry.to)) return undefined;
      return at(
        'operator-command',
        `${entry.from.replace(/ confirm$/, '')} ran \`${entry.event}\`: ${entry.to}`,
        true,
      );
    default:
      return undefined;
  }
}

/** A kill switch engaged in the window; `breaker:<name>` engaged it on its own, anyone else is an operator. */
function killAction(record: KillRecord): { item: ActionItem; operator: boolean } {
  const where = record.scope.level === 'global' ? 'global' : `${record.scope.level} ${record.scope.id}`;
  return {
    item: {
      t: record.t,
      seq: null,
      kind: 'kill-switch',
      actor: record.by,
      text: `kill switch ${where} engaged at ${record.step} by ${record.by}: ${record.reason}`,
    },
    operator: !record.by.startsWith('breaker:'),
  };
}

function capped(items: ActionItem[]): ActionList {
  // Kills carry no seq: they sort by time, after journal entries of the same instant.
  items.sort((a, b) => a.t - b.t || (a.seq ?? Infinity) - (b.seq ?? Infinity) || (a.text < b.text ? -1 : 1));
  return { items: items.slice(0, MAX_ACTIONS), omitted: Math.max(0, items.length - MAX_ACTIONS) };
}

/**
 * What was done in the window: trading states restricted or lifted, breakers moving, supervisors
 * restarting or giving up, a GLOBAL HALT, reconciliation heals, operator commands (the control
 * plane's audit entries), and the kill switches engaged in the window (`kills`: the engaged ladder,
 * since kills are a stored value, not journal entries — a kill released since is not there).
 */
export function windowActions(
  entries: readonly JournalEntry[],
  window: { readonly from: number; readonly to: number },
  kills: readonly KillRecord[] = [],
): WindowActions {
  const automatic: ActionItem[] = [];
  const operator: ActionItem[] = [];
  const found = [
    ...entries.map(actionOf),
    ...kills.filter((k) => k.t >= window.from && k.t <= window.to).map(killAction),
  ];
  for (const action of found) {
    if (action) (action.operator ? operator : automatic).push(action.item);
  }
  return { automatic: capped(automatic), operator: capped(operator) };
}
