import type { Clock } from '../kernel/clock';
import type { Incident } from '../kernel/incidents';
import type { Logger } from '../kernel/logger';
import type { Store } from '../kernel/store';
import type { BootLoopConfig } from './boot-loop.config';
import { parseBootLoopConfig } from './boot-loop.config';
import type { BootHistory, BootRecord } from './uptime-boots';
import { SYSTEM_KEY } from '../kernel/system-record';
import type { SystemRecord } from '../kernel/system-record';

/** Store key (`predator:{inst}:kv:boot-loop`): the last start at which a loop was declared. */
export const BOOT_LOOP_KEY = 'boot-loop';
/** Incident kind raised when a start is part of a boot loop. */
export const BOOT_LOOP_INCIDENT = 'BOOT_LOOP';
/** The actor incidents and log lines of the boot-loop guard are attributed to. */
export const BOOT_LOOP_ACTOR = 'auto-restart-supervisor';

/** One start counted towards a loop. */
export interface CountedStart {
  readonly boot: string;
  readonly at: number;
}

/** Whether this start is part of a boot loop, and the starts that say so. */
export interface BootLoopVerdict {
  readonly loop: boolean;
  /** `boot-<seq>` of the start judged. */
  readonly boot: string;
  /** The chain of crash-restarts inside the window, oldest first, this start last. */
  readonly starts: readonly CountedStart[];
  readonly config: BootLoopConfig;
  /** One line for the log, the incident and the halt reason. */
  readonly reason: string;
}

/** What `kv:boot-loop` holds. */
interface BootLoopMarker {
  readonly boot: number;
  readonly at: number;
}

/** Where the incident goes: a `Runtime`. */
export interface IncidentSink {
  raiseIncident(
    actor: string,
    kind: string,
    detail: string,
    data?: Readonly<Record<string, unknown>>,
  ): Incident;
}

/**
 * Judges the newest boot record. The chain is this start and, walking back, every start whose run
 * crashed, while its start lies strictly within `withinMs` of this one. It ends at a run that
 * stopped cleanly: a graceful stop and start is an operator's restart (a deploy, a fix), which
 * starts the count afresh, and a start after a clean stop is never a loop. It also ends at
 * `afterSeq`, the start at which a loop was last declared, so that after an operator resumes it
 * takes `maxStarts` new crash-restarts to halt again. A chain of `maxStarts` or more is a loop.
 *
 * @example
 * judgeBootLoop(history.boots, parseBootLoopConfig({}));
 * // { loop: true, starts: [{ boot: 'boot-3', at: … }, … 5 in all], reason: 'boot loop: 5 starts within 600000 ms …' }
 */
export function judgeBootLoop(
  boots: readonly BootRecord[],
  config: BootLoopConfig,
  afterSeq = 0,
): BootLoopVerdict {
  const current = boots.at(-1);
  if (current === undefined) throw new Error('no boot recorded: record the start before judging it');
  const chain: BootRecord[] = [current];
  if (current.previous === 'crash') {
    for (let i = boots.length - 2; i >= 0; i--) {
      const boot = boots[i] as BootRecord;
      if (boot.ended !== 'crash' || boot.seq <= afterSeq || boot.at <= current.at - config.withinMs) break;
      chain.push(boot);
    }
  }
  chain.reverse();
  const starts = chain.map((b) => ({ boot: b.id, at: b.at }));
  const loop = chain.length >= config.maxStarts;
  const span = `${starts.length} start(s) within ${config.withinMs} ms (limit ${config.maxStarts})`;
  const reason = loop
    ? `boot loop: ${span}, ${starts[0]?.boot} to ${current.id}, each after a crash`
    : current.previous === 'crash'
      ? `no boot loop: ${span}`
      : `no boot loop: the previous run ${current.previous === 'first' ? 'does not exist' : 'stopped cleanly'}`;
  return { loop, boot: current.id, starts, config, reason };
}

/** Options of {@link guardBootLoop}. */
export interface BootLoopGuardOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The boot history with this start recorded: `UptimeWatcher.history()`. */
  readonly history: BootHistory;
  /** {@link BootLoopConfigInput}; validated here (a `ConfigError` names the bad field). */
  readonly config?: unknown;
}

/**
 * The startup check: judges this start and, on a loop, persists a GLOBAL HALT (the kernel's
 * `kv:system` record, unless a halt is already persisted) so that the `Runtime.start` that follows
 * comes up HALTED without starting the tree, exactly as after any halt; an operator resumes it.
 * Call it after `UptimeWatcher.boot` and before `Runtime.start`; then {@link reportBootLoop}.
 *
 * @example
 * const uptime = await UptimeWatcher.boot({ store, clock, logger });
 * const verdict = await guardBootLoop({ store, clock, logger, history: uptime.history() });
 * const runtime = await Runtime.start({ config, store, clock, logger }); // halted if verdict.loop
 * reportBootLoop(runtime, verdict);
 */
export async function guardBootLoop(options: BootLoopGuardOptions): Promise<BootLoopVerdict> {
  const config = parseBootLoopConfig(options.config);
  const { store, clock, logger, history } = options;
  const last = await store.getValue<BootLoopMarker>(BOOT_LOOP_KEY);
  const verdict = judgeBootLoop(history.boots, config, last?.boot ?? 0);
  if (!verdict.loop) return verdict;
  const current = history.boots.at(-1) as BootRecord;
  await store.setValue(BOOT_LOOP_KEY, { boot: current.seq, at: current.at } satisfies BootLoopMarker);
  const system = await store.getValue<SystemRecord>(SYSTEM_KEY);
  if (system?.state !== 'halted') {
    const record: SystemRecord = { state: 'halted', reason: verdict.reason, t: clock.now() };
    await store.setValue(SYSTEM_KEY, record);
  }
  logger.fatal({ actor: BOOT_LOOP_ACTOR, starts: verdict.starts }, `${verdict.reason}: coming up HALTED`);
  return verdict;
}

/**
 * Raises the `BOOT_LOOP` incident on the runtime that came up halted (nothing for a start that is
 * not a loop). Its data: the starts of the chain with their times, and the policy.
 */
export function reportBootLoop(runtime: IncidentSink, verdict: BootLoopVerdict): Incident | undefined {
  if (!verdict.loop) return undefined;
  return runtime.raiseIncident(BOOT_LOOP_ACTOR, BOOT_LOOP_INCIDENT, verdict.reason, {
    boot: verdict.boot,
    starts: verdict.starts,
    maxStarts: verdict.config.maxStarts,
    withinMs: verdict.config.withinMs,
  });
}
