import type {
  StabilityGateContext,
  StabilityGateEvent,
  StabilityGateState,
} from '../../machines/stability-gate.machine';
import type { Clock, TimerHandle } from '../kernel/clock';
import type { Journal } from '../kernel/journal';
import type { Logger } from '../kernel/logger';
import type { Store } from '../kernel/store';
import { detailsOf, failingOf } from './gate-criteria';
import { StuckTracker } from './gate-integrity';
import type { StabilityRecords } from './gate-judge';
import { judgeRecords } from './gate-judge';
import type { IncidentBook } from './incident-book';
import { SignOffRefusedError } from './stability-gate-errors';
import { parseSignOff } from './stability-gate-inputs';
import type { GateStep, StabilityGateRecord } from './stability-gate-record';
import {
  STABILITY_GATE_KEY,
  contextOfRecord,
  freshRecord,
  loadRecord,
  stepGate,
  withRegression,
} from './stability-gate-record';
import type { StabilityGateResult, StabilityRecordCriteria } from './stability-gate-result';
import { stabilityResult } from './stability-gate-result';
import type { StabilityGateConfig } from './stability-gate.config';
import { parseStabilityGateConfig } from './stability-gate.config';

/** Journal actor and machine of the gate's transitions. */
export const STABILITY_GATE_ACTOR = 'stability-gate';

/** What {@link StabilityGate.open} needs: the records to judge, and where to keep and journal. */
export interface StabilityGateOptions extends StabilityRecords {
  readonly store: Pick<Store, 'getValue' | 'setValue' | 'instance'>;
  /** The runtime's journal: transitions are recorded there; a system transition triggers a judgement. */
  readonly journal: Pick<Journal, 'record' | 'onTransition' | 'lastSeq' | 'recorded' | 'unacknowledged'>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The incident book; every change of an incident triggers a judgement. */
  readonly incidents: Pick<IncidentBook, 'list' | 'withoutPostmortem' | 'onChange'>;
  /** {@link StabilityGateConfigInput}; defaults for every field left out. */
  readonly config?: unknown;
}

/**
 * The phase-6 exit gate. Judges four criteria from the records — continuous operation (the uptime
 * watcher), no unrecovered state corruption (the incident book, the tree, the journal), no
 * unexplained balance events and a signed post-mortem for every incident (the book) — each with its
 * evidence, and runs `machines/stability-gate.machine.ts` on the verdict: `collecting` →
 * `ready_for_signoff` → `passed` once an operator signs off, revoked if a criterion stops holding.
 *
 * It judges on open, every `evaluateEveryMs`, on every incident change, on every system
 * transition (a GLOBAL HALT) and on every read. State, sign-off and revocations are kept in the
 * store (`kv:gate:stability`, `docs/redis-keys.md`); transitions are journaled (actor and machine
 * `stability-gate`). Definitions: `docs/operations.md`, "Stability gate".
 *
 * @example
 * const gate = await StabilityGate.open({ store, journal: runtime.kernel.journal, clock, logger,
 *   uptime, incidents: book, system: runtime });
 * await gate.evaluate();                                // GET /api/gates/stability
 * await gate.signOff('alice', 'phase 6 exit reviewed');
 * await gate.stop();                                    // before runtime.stop() closes the store
 */
export class StabilityGate {
  private readonly stuck = new StuckTracker();
  private chain: Promise<unknown> = Promise.resolve();
  private queued: Promise<StabilityGateResult> | undefined;
  private timer: TimerHandle | undefined;
  private offs: (() => void)[] = [];
  private written: string;
  private stopped = false;

  private constructor(
    private readonly options: StabilityGateOptions,
    readonly config: StabilityGateConfig,
    private record: StabilityGateRecord,
  ) {
    this.written = fingerprint(record);
  }

  /**
   * Validates the config (throws `ConfigError`), reads the gate's record, checks that the journal
   * did not go back since the last process, subscribes and judges once.
   */
  static async open(options: StabilityGateOptions): Promise<StabilityGate> {
    const config = parseStabilityGateConfig(options.config);
    const { store, journal, clock, logger } = options;
    const now = clock.now();
    const loaded = await loadRecord(store, logger);
    let record = loaded ?? freshRecord(config.keepRevocations, now);
    const found = journal.lastSeq - journal.recorded;
    if (loaded !== undefined && found < loaded.journalAcknowledged) {
      const regression = { at: now, acknowledged: loaded.journalAcknowledged, found };
      logger.error(regression, 'journal went back: entries the store had acknowledged are gone');
      record = { ...record, regressions: withRegression(record.regressions, regression) };
    }
    const gate = new StabilityGate(options, config, record);
    gate.subscribe();
    try {
      await gate.evaluate();
    } catch (error) {
      await gate.stop();
      throw error;
    }
    return gate;
  }

  /** Judges the criteria now, steps the machine, stores and journals what changed; the answer. */
  evaluate(): Promise<StabilityGateResult> {
    // Coalesced: a burst of incident changes costs one judgement after the one in flight.
    if (this.queued !== undefined) return this.queued;
    const release = this.options.clock.hold();
    const queued = this.run(async () => {
      this.queued = undefined;
      return (await this.judgeAndStep()).result;
    });
    this.queued = queued;
    void queued.then(release, release);
    return queued;
  }

  /**
   * An operator signs off: recorded (who, note, time and the evidence signed) and journaled. Judges
   * first; refused with {@link SignOffRefusedError} naming what fails unless every criterion holds,
   * with `SignOffInputError` unless `by` names someone. A refusal records no sign-off.
   */
  async signOff(by: string, note = ''): Promise<StabilityGateResult> {
    const input = parseSignOff({ by, note });
    return this.run(async () => {
      const { criteria, result } = await this.judgeAndStep();
      if (result.state !== 'ready_for_signoff')
        throw SignOffRefusedError.of(result.state, failingOf(criteria), result.signOff?.by);
      const t = this.options.clock.now();
      const event: StabilityGateEvent = { type: 'gate.signOff', ...input, evidence: detailsOf(criteria), t };
      const step = stepGate(this.record, event);
      await this.commit(
        { ...this.record, state: step.to, snapshot: step.snapshot, updatedAt: t },
        step,
        event,
      );
      this.options.logger.info({ by: input.by, note: input.note }, 'stability gate signed off: passed');
      return this.resultOf(criteria, step.to, step.context, t);
    });
  }

  /**
   * Unsubscribes, stops judging on a timer, and resolves once the judgement in flight is stored:
   * call it before the runtime closes the store.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.options.clock.clearTimeout(this.timer);
    for (const off of this.offs) off();
    this.offs = [];
    await this.chain;
  }

  private subscribe(): void {
    const { journal, incidents } = this.options;
    const judge = () => {
      if (!this.stopped) void this.evaluate().catch(this.failed);
    };
    this.offs.push(
      incidents.onChange(judge),
      journal.onTransition((entry) => {
        if (entry.machine === 'system') judge();
      }),
    );
    this.arm();
  }

  private arm(): void {
    this.timer = this.options.clock.setTimeout(() => {
      if (this.stopped) return;
      void this.evaluate().catch(this.failed);
      this.arm();
    }, this.config.evaluateEveryMs);
  }

  private async judgeAndStep(): Promise<{ criteria: StabilityRecordCriteria; result: StabilityGateResult }> {
    const now = this.options.clock.now();
    const memory = { ...this.record, stuck: this.stuck };
    const { criteria, anchor } = judgeRecords(this.options, memory, this.config, now);
    const event: StabilityGateEvent = { type: 'gate.evaluated', failing: failingOf(criteria), t: now };
    const step = stepGate(this.record, event);
    const next: StabilityGateRecord = {
      ...this.record,
      state: step.to,
      snapshot: step.snapshot,
      continuity: anchor,
      updatedAt: now,
    };
    try {
      await this.commit(next, step, event);
    } catch (error) {
      // Judged but not kept: answer with the stored state; the next judgement writes again.
      this.options.logger.warn(
        { err: error },
        'stability gate record not written; retried at the next judgement',
      );
      const stored = this.record;
      return { criteria, result: this.resultOf(criteria, stored.state, contextOfRecord(stored), now) };
    }
    if (step.revoked)
      this.options.logger.warn(
        { revocation: step.revoked.revocation },
        'stability gate sign-off revoked: a criterion stopped holding',
      );
    return { criteria, result: this.resultOf(criteria, step.to, step.context, now) };
  }

  /** Stores the record if it changed, then journals the transition: the store first, so a failed write journals nothing. */
  private async commit(next: StabilityGateRecord, step: GateStep, event: StabilityGateEvent): Promise<void> {
    const { journal, clock, store } = this.options;
    const value = { ...next, journalAcknowledged: journal.lastSeq - journal.unacknowledged };
    const print = fingerprint(value);
    if (print !== this.written) {
      await store.setValue(STABILITY_GATE_KEY, value);
      this.written = print;
    }
    this.record = value;
    if (step.from !== step.to)
      journal.record({
        t: clock.now(),
        actor: STABILITY_GATE_ACTOR,
        machine: STABILITY_GATE_ACTOR,
        from: step.from,
        event: event.type,
        to: step.to,
      });
  }

  private resultOf(
    criteria: StabilityRecordCriteria,
    state: StabilityGateState,
    context: StabilityGateContext,
    now: number,
  ): StabilityGateResult {
    return stabilityResult({
      instance: this.options.store.instance,
      now,
      state,
      context,
      criteria,
      settings: { minContinuousMs: this.config.minContinuousMs, periodStart: this.config.periodStart },
    });
  }

  /** One judgement or sign-off at a time: one writer, so a step never starts from a stale record. */
  private run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.chain.then(task);
    this.chain = result.catch(() => undefined);
    return result;
  }

  private readonly failed = (error: unknown): void => {
    this.options.logger.error({ err: error }, 'stability gate: judging the records failed');
  };
}

/** The record without its write time: only a change of substance is written. */
function fingerprint(record: StabilityGateRecord): string {
  return JSON.stringify({ ...record, updatedAt: 0 });
}
