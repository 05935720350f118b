import type { JournalEntry } from '../kernel/journal-entry';
import { breakerComponentId } from '../safety/breaker-defaults';
import { reconciliationId, strategyTradingState } from '../trading/trading-state-ids';
import type { IncidentScope } from './incident-records';

/**
 * How closely a journal entry concerns an incident, for the post-mortem's timeline, impact and
 * root-cause ranking. Order machines are journaled under `<engine>/<clientOrderId>`
 * (`actors/trading/order-slot.ts`), so an order's engine is in its actor id.
 */

/** What the relevance rules read about the incident. */
export interface RelevanceSubject {
  readonly actor: string;
  readonly scope: IncidentScope;
  readonly data: Readonly<Record<string, unknown>>;
}

/** The engine part of an order actor (`eng/pd-…` → `eng`). */
export function orderEngine(actor: string): string {
  const slash = actor.indexOf('/');
  return slash < 0 ? actor : actor.slice(0, slash);
}

/** The order the incident names (`data.clientOrderId`), if any. */
export function relatedOrderId(subject: RelevanceSubject): string | null {
  const cid = subject.data['clientOrderId'];
  return typeof cid === 'string' && cid !== '' ? cid : null;
}

/** Whether the entry is a transition of the order the incident names. */
export function isRelatedOrder(entry: JournalEntry, subject: RelevanceSubject): boolean {
  const cid = relatedOrderId(subject);
  return cid !== null && entry.machine === 'order' && entry.actor.endsWith(`/${cid}`);
}

/**
 * Whether an actor belongs to the incident's scope: its engine (and the engine's orders,
 * reconciliation and breakers), its strategy (and the strategy's trading state).
 */
export function inScope(actor: string, scope: IncidentScope): boolean {
  const { engine, strategy } = scope;
  if (actor === engine || actor.startsWith(`${engine}/`) || actor === reconciliationId(engine)) return true;
  if (strategy !== null && (actor === strategy || actor === strategyTradingState(strategy))) return true;
  // Breakers are named `<metric>-<engine or strategy>` (`safety/breaker-defaults.ts`).
  if (!actor.startsWith(breakerComponentId(''))) return false;
  return actor.endsWith(`-${engine}`) || (strategy !== null && actor.endsWith(`-${strategy}`));
}

/** Whether an order transition shows the venue misbehaving or the outcome in doubt. */
export function isOrderTrouble(entry: JournalEntry): boolean {
  if (entry.machine !== 'order') return false;
  if (entry.event === 'order.submit.failed' || entry.event === 'order.ack.overdue') return true;
  return entry.to === 'rejected' || (entry.to.startsWith('unknown') && !entry.from.startsWith('unknown'));
}
