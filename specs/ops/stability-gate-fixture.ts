import type { ExecutionContext } from 'ava';
import { VirtualClock } from '../../actors/kernel/clock-virtual';
import { IncidentLog } from '../../actors/kernel/incidents';
import { Journal } from '../../actors/kernel/journal';
import { silentLogger } from '../../actors/kernel/logger';
import type { Store } from '../../actors/kernel/store';
import { MemoryStore } from '../../actors/kernel/store-memory';
import type { SystemView } from '../../actors/kernel/system-view';
import { IncidentBook } from '../../actors/ops/incident-book';
import { StabilityGate } from '../../actors/ops/stability-gate';
import type { StabilityGateConfigInput } from '../../actors/ops/stability-gate.config';
import { UptimeWatcher } from '../../actors/ops/uptime-watcher';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** A complete post-mortem, ready to sign. */
export const FIELDS = {
  rootCause: 'the venue dropped a request',
  actions: 'engine REDUCING; resolved by hand',
  followUps: ['alert on ack timeouts'],
};

/** Options of {@link gateProcess}. */
export interface GateProcessOptions {
  /** The store of an earlier process, to see what survives a restart. */
  readonly store?: Store;
  /** Start this process `gapMs` after that clock's time (a restart). */
  readonly after?: { readonly clock: VirtualClock; readonly gapMs: number };
  readonly config?: StabilityGateConfigInput;
  readonly system?: Pick<SystemView, 'tree'>;
}

/**
 * One simulated process around a stability gate, wired as `predator start` wires it: an uptime
 * watcher booted first, a journal on the store, the kernel's IncidentLog feeding a durable incident
 * book, and the gate over all three. No component tree runs, so 61 simulated days take a moment;
 * the system machine's transitions are journaled by hand. Heartbeats and judgements run hourly.
 */
export async function gateProcess(t: ExecutionContext, options: GateProcessOptions = {}) {
  const clock = new VirtualClock(options.after ? options.after.clock.now() + options.after.gapMs : undefined);
  const store = options.store ?? new MemoryStore({ instance: 'gate' });
  const logger = silentLogger();
  const uptime = await UptimeWatcher.boot({ store, clock, logger, config: { heartbeatMs: HOUR } });
  const journal = new Journal({ store, clock, logger });
  await journal.init();
  const incidents = new IncidentLog(journal, clock, logger);
  const book = await IncidentBook.open({ store, journal, clock, logger });
  book.attach({ incidents });
  const system = (from: string, event: string, to: string) =>
    journal.record({ t: clock.now(), actor: 'system', machine: 'system', from, event, to });
  system('', 'sys.start', 'booting');
  system('booting', 'sys.booted', 'running');
  await uptime.attach(journal);
  const gate = await StabilityGate.open({
    store,
    journal,
    clock,
    logger,
    uptime,
    incidents: book,
    ...(options.system ? { system: options.system } : {}),
    config: { evaluateEveryMs: HOUR, ...options.config },
  });
  t.teardown(() => gate.stop());
  const settle = async () => {
    await book.idle();
    await clock.settle();
    await journal.drained();
  };
  return {
    clock,
    store,
    journal,
    incidents,
    book,
    uptime,
    gate,
    settle,
    /** An unplanned GLOBAL HALT, as the kernel journals it. */
    async halt(): Promise<void> {
      system('running', 'sys.halt.requested', 'halting');
      system('halting', 'sys.halted', 'halted');
      await settle();
    },
    /** The operator's resume. */
    async resume(): Promise<void> {
      system('halted', 'sys.resume', 'booting');
      system('booting', 'sys.booted', 'running');
      await settle();
    },
    /** Raises an incident as a component would; resolves with the book's id for it. */
    async raise(kind: string, actor = 'eng'): Promise<number> {
      incidents.raise(actor, kind, `${kind} in a spec`, { engine: actor });
      await settle();
      return (book.list().at(-1) as { id: number }).id;
    },
    /** Resolves the incident (unless it is) and signs its complete post-mortem. */
    async close(id: number): Promise<void> {
      if (book.get(id).state !== 'resolved') await book.resolve(id, 'alice', 'settled');
      await book.completePostmortem(id, 'alice', FIELDS);
      await book.signPostmortem(id, 'alice');
      await settle();
    },
    /** A graceful stop: the clean-shutdown marker is written. */
    async stop(): Promise<void> {
      await gate.stop();
      await uptime.stop();
      await journal.drained();
    },
    /** A crash: nothing more is written; this process's clock is abandoned. */
    async crash(): Promise<void> {
      await gate.stop();
      await journal.drained();
    },
  };
}

/** What a gate process is. */
export type GateProcess = Awaited<ReturnType<typeof gateProcess>>;
