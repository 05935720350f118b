import { VirtualClock } from '../../actors/kernel/clock-virtual';
import { IncidentLog } from '../../actors/kernel/incidents';
import { Journal } from '../../actors/kernel/journal';
import type { JournalEntry } from '../../actors/kernel/journal-entry';
import { silentLogger } from '../../actors/kernel/logger';
import type { Runtime } from '../../actors/kernel/runtime';
import type { Store } from '../../actors/kernel/store';
import { MemoryStore } from '../../actors/kernel/store-memory';
import { IncidentBook } from '../../actors/ops/incident-book';
import type { IncidentBookConfigInput } from '../../actors/ops/incident-book.config';
import { INCIDENTS_META_KEY, incidentSlotKey, postmortemSlotKey } from '../../actors/ops/incident-records';
import { KillSwitches } from '../../actors/safety/kill-switches';

/**
 * One "process" around an incident book: a journal, the kernel's IncidentLog, kill switches and a
 * table of component states, on a store that may outlive it (pass the same store to a second
 * process to see what survives a restart).
 */
export async function bookProcess(
  options: { store?: Store; clock?: VirtualClock; config?: IncidentBookConfigInput } = {},
) {
  const clock = options.clock ?? new VirtualClock();
  const store = options.store ?? new MemoryStore({ instance: 'spec' });
  const logger = silentLogger();
  const journal = new Journal({ store, clock, logger });
  await journal.init();
  const incidents = new IncidentLog(journal, clock, logger);
  const kills = await KillSwitches.load(store, clock);
  const states = new Map<string, string>();
  const book = await IncidentBook.open({
    store,
    journal,
    clock,
    logger,
    ...(options.config ? { config: options.config } : {}),
  });
  const detach = book.attach({ incidents, kills, stateOf: (actor) => states.get(actor) });
  return {
    clock,
    store,
    journal,
    incidents,
    kills,
    states,
    book,
    detach,
    /** Journals one transition, as a component would. */
    transition(actor: string, machine: string, from: string, event: string, to: string): JournalEntry {
      return journal.record({ t: clock.now(), actor, machine, from, event, to });
    },
    /** Lets the book take in everything raised so far and the journal reach the store. */
    async settle(): Promise<void> {
      await book.idle();
      await journal.drained();
    },
    /** Every entry journaled so far. */
    async entries(): Promise<JournalEntry[]> {
      return journal.query({ limit: 1_000_000 });
    },
    /** The book's own entries (`incident/<id>`), as `actor from -event-> to`. */
    async bookTrail(): Promise<string[]> {
      return (await journal.query({ limit: 1_000_000 }))
        .filter((e) => e.actor.startsWith('incident/'))
        .map((e) => `${e.actor} ${e.from || '(new)'} -${e.event}-> ${e.to}`);
    },
  };
}

/** What a book process is. */
export type BookProcess = Awaited<ReturnType<typeof bookProcess>>;

/** Everything the book keeps in the store for slots `0..slots-1`, to prove a refusal changed nothing. */
export async function storedBook(store: Store, slots: number): Promise<unknown> {
  const values: Record<string, unknown> = { meta: await store.getValue(INCIDENTS_META_KEY) };
  for (let slot = 0; slot < slots; slot++) {
    values[incidentSlotKey(slot)] = await store.getValue(incidentSlotKey(slot));
    values[postmortemSlotKey(slot)] = await store.getValue(postmortemSlotKey(slot));
  }
  return values;
}

/**
 * The runtime's IncidentLog. `Runtime` keeps it private until the lead wires the book in; the
 * specs reach it the only way there is today.
 */
export function incidentLogOf(runtime: Runtime): IncidentLog {
  return (runtime as unknown as { incidentLog: IncidentLog }).incidentLog;
}
