import type { Clock, TimerHandle } from '../kernel/clock';
import type { Rng } from '../kernel/rng';
import { CHAOS_KINDS, chaosDurationMs } from './chaos-scenarios';
import type { ChaosKind, ChaosKindParams, ChaosProfile, ChaosScenario, ChaosTarget } from './chaos-scenarios';

/** One firing of a scenario: what `inject` is asked to break. Narrowing on `kind` narrows `params`. */
export type ChaosFiring = {
  /** Sequential from 1 over the life of the schedule (across restarts). */
  readonly id: number;
  readonly scenarioId: string;
  readonly target: ChaosTarget;
  /** Clock time of the firing. */
  readonly t: number;
  /** How long the fault stays in effect ({@link chaosDurationMs}); 0 for an instant fault. */
  readonly durationMs: number;
} & ChaosKindParams;

/**
 * Where a firing stands: `active` until it ends; then `ok`, `failed` (its inject threw or
 * rejected) or `stopped` (the schedule was stopped while it was in effect).
 */
export type ChaosOutcome = 'active' | 'ok' | 'failed' | 'stopped';

/** A firing with where it stands; plain data, safe to serialize. */
export type ChaosFiringState = ChaosFiring & {
  readonly outcome: ChaosOutcome;
  /** Clock time it ended, or null while active. */
  readonly endedAt: number | null;
  /** The inject's error message when it failed. */
  readonly error: string | null;
};

/**
 * What the owner journals: every firing gives exactly one `started` record (before its inject runs)
 * and one `ended` record, whose `firing.outcome` says how it ended.
 */
export interface ChaosRecord {
  readonly type: 'started' | 'ended';
  readonly firing: ChaosFiringState;
}

/** Firings and failed injects of one kind. */
export interface ChaosKindCount {
  readonly fired: number;
  readonly failed: number;
}

/** Totals since the schedule was built. */
export interface ChaosCounts {
  readonly fired: number;
  /** Firings whose inject threw or rejected. */
  readonly failed: number;
  /** Calls of `onRecord` that threw; the schedule went on regardless. */
  readonly recordErrors: number;
  readonly byKind: Readonly<Record<ChaosKind, ChaosKindCount>>;
}

/** The schedule's state as plain JSON, for the dashboard and the store. */
export interface ChaosScheduleSnapshot {
  readonly profile: string;
  readonly running: boolean;
  /** Clock time of the latest `start()`, or null if never started. */
  readonly startedAt: number | null;
  readonly nextId: number;
  readonly active: readonly ChaosFiringState[];
  readonly history: readonly ChaosFiringState[];
  readonly counts: ChaosCounts;
}

/** What a {@link ChaosSchedule} is built from. */
export interface ChaosScheduleOptions {
  readonly clock: Clock;
  /** The chaos engine's own stream; each scenario draws from a sub-stream named after its id. */
  readonly rng: Rng;
  readonly profile: ChaosProfile;
  /** Breaks what the firing says. May be async; a throw or rejection is recorded, never fatal. */
  readonly inject: (firing: ChaosFiring) => void | Promise<void>;
  /** Receives every started and ended record, in order, for journaling. */
  readonly onRecord?: (record: ChaosRecord) => void;
  /** How many firings {@link ChaosSchedule.history} keeps (default 1000); active ones are kept regardless. */
  readonly historyLimit?: number;
}

interface Entry {
  readonly firing: ChaosFiring;
  outcome: ChaosOutcome;
  endedAt: number | null;
  error: string | null;
  /** The duration has elapsed on the clock. */
  elapsed: boolean;
  /** The inject has returned or resolved. */
  settled: boolean;
}

const HOUR_MS = 3_600_000;

/**
 * Fires a chaos profile's scenarios on the clock and keeps the books: what is in effect now, what
 * fired before, and counts by kind. It decides *when*; `inject` does the breaking.
 *
 * Times are measured from `start()`. Each scenario draws its gaps from its own sub-stream of `rng`,
 * so the same seed gives the same firing times, and adding a scenario does not move another's.
 * A firing ends once its duration has elapsed on the clock *and* its inject has settled (so an
 * inject that awaits the whole fault stays active until it returns); a failed inject ends it at once.
 *
 * @example
 * const chaos = new ChaosSchedule({ clock, rng: rng.stream('chaos'), profile: DEFAULT_CHAOS_PROFILE,
 *   inject: (firing) => injectors.run(firing), onRecord: (record) => journal.append(record) });
 * chaos.start();
 * // ... later
 * chaos.stop();
 */
export class ChaosSchedule {
  private readonly clock: Clock;
  private readonly rng: Rng;
  /** The profile the schedule runs. */
  readonly profile: ChaosProfile;
  private readonly inject: ChaosScheduleOptions['inject'];
  private readonly onRecord: ChaosScheduleOptions['onRecord'];
  private readonly historyLimit: number;

  private running = false;
  /** Bumped on every start, so that a timer of an earlier run can never fire into a later one. */
  private run = 0;
  private startedAt: number | null = null;
  private nextId = 1;
  /** The one pending arrival timer of each scenario. */
  private readonly arrivals = new Map<string, TimerHandle>();
  private readonly endTimers = new Map<number, TimerHandle>();
  private readonly live = new Map<number, Entry>();
  private readonly log: Entry[] = [];
  private fired = 0;
  private failed = 0;
  private recordErrors = 0;
  private readonly byKind: Record<ChaosKind, { fired: number; failed: number }>;

  constructor(options: ChaosScheduleOptions) {
    this.clock = options.clock;
    this.rng = options.rng;
    this.profile = options.profile;
    this.inject = options.inject;
    this.onRecord = options.onRecord;
    this.historyLimit = Math.max(1, Math.floor(options.historyLimit ?? 1_000));
    this.byKind = Object.fromEntries(CHAOS_KINDS.map((kind) => [kind, { fired: 0, failed: 0 }])) as Record<
      ChaosKind,
      { fired: number; failed: number }
    >;
  }

  /** Whether the schedule is started and not stopped. */
  get isRunning(): boolean {
    return this.running;
  }

  /**
   * Arms every scenario, with times measured from now. A no-op while running; after `stop()` it
   * starts afresh (new gaps, ids and history continue).
   */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.run++;
    this.startedAt = this.clock.now();
    for (const scenario of this.profile.scenarios) this.arm(scenario);
  }

  /**
   * Clears every timer: nothing fires after this. Firings still in effect end with outcome
   * `stopped` (the injectors own undoing their faults).
   */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    for (const handle of this.arrivals.values()) this.clock.clearTimeout(handle);
    this.arrivals.clear();
    for (const handle of this.endTimers.values()) this.clock.clearTimeout(handle);
    this.endTimers.clear();
    for (const entry of [...this.live.values()]) this.end(entry, 'stopped');
  }

  /** Firings still in effect, oldest first. */
  active(): ChaosFiringState[] {
    return [...this.live.values()].map(view);
  }

  /** The latest `limit` firings (all kept, by default), oldest first, newest last. */
  history(limit: number = this.historyLimit): ChaosFiringState[] {
    if (limit <= 0) return [];
    return this.log.slice(-Math.floor(limit)).map(view);
  }

  /** Firings and failures so far, in total and per kind. */
  counts(): ChaosCounts {
    const byKind = Object.fromEntries(CHAOS_KINDS.map((kind) => [kind, { ...this.byKind[kind] }]));
    return {
      fired: this.fired,
      failed: this.failed,
      recordErrors: this.recordErrors,
      byKind: byKind as Record<ChaosKind, ChaosKindCount>,
    };
  }

  /** The schedule's state as plain JSON. */
  snapshot(): ChaosScheduleSnapshot {
    return {
      profile: this.profile.name,
      running: this.running,
      startedAt: this.startedAt,
      nextId: this.nextId,
      active: this.active(),
      history: this.history(),
      counts: this.counts(),
    };
  }

  private arm(scenario: ChaosScenario): void {
    const schedule = scenario.schedule;
    if ('once' in schedule) {
      this.at(scenario.id, schedule.once.atMs, () => this.fire(scenario));
      return;
    }
    const { perHour, jitter } = 'rate' in schedule ? schedule.rate : schedule.window;
    const fromMs = 'window' in schedule ? schedule.window.fromMs : 0;
    const toMs = 'window' in schedule ? schedule.window.toMs : Infinity;
    const stream = this.rng.stream(`${this.run}:${scenario.id}`);
    const meanMs = HOUR_MS / perHour;
    const next = (afterMs: number): void => {
      // Why: jitter blends a fixed period into the exponential gap without moving the mean.
      const gap = meanMs * (1 - jitter + (jitter > 0 ? jitter * stream.exponential(1) : 0));
      const atMs = afterMs + Math.max(1, Math.round(gap));
      if (atMs >= toMs) return;
      this.at(scenario.id, atMs, () => {
        next(atMs);
        this.fire(scenario);
      });
    };
    next(fromMs);
  }

  /** Runs `fn` at `offsetMs` after the start of this run, unless the schedule stopped meanwhile. */
  private at(key: string, offsetMs: number, fn: () => void): void {
    const run = this.run;
    const due = (this.startedAt ?? this.clock.now()) + offsetMs;
    const handle = this.clock.setTimeout(() => {
      if (!this.running || run !== this.run) return;
      this.arrivals.delete(key);
      fn();
    }, due - this.clock.now());
    this.arrivals.set(key, handle);
  }

  private fire(scenario: ChaosScenario): void {
    const firing = Object.freeze({
      id: this.nextId++,
      scenarioId: scenario.id,
      kind: scenario.kind,
      params: scenario.params,
      target: scenario.target,
      t: this.clock.now(),
      durationMs: chaosDurationMs(scenario),
    }) as ChaosFiring;
    const entry: Entry = {
      firing,
      outcome: 'active',
      endedAt: null,
      error: null,
      elapsed: false,
      settled: false,
    };
    this.fired++;
    this.byKind[firing.kind].fired++;
    this.live.set(firing.id, entry);
    this.log.push(entry);
    if (this.log.length > this.historyLimit) this.log.splice(0, this.log.length - this.historyLimit);
    if (firing.durationMs > 0) {
      const handle = this.clock.setTimeout(() => {
        this.endTimers.delete(firing.id);
        entry.elapsed = true;
        this.endIfDone(entry);
      }, firing.durationMs);
      this.endTimers.set(firing.id, handle);
    } else {
      entry.elapsed = true;
    }
    this.record('started', entry);
    let result: void | Promise<void>;
    try {
      result = this.inject(firing);
    } catch (error) {
      this.fail(entry, error);
      return;
    }
    if (result !== undefined && typeof (result as PromiseLike<void>).then === 'function') {
      Promise.resolve(result).then(
        () => this.settle(entry),
        (error: unknown) => this.fail(entry, error),
      );
    } else {
      this.settle(entry);
    }
  }

  private settle(entry: Entry): void {
    entry.settled = true;
    this.endIfDone(entry);
  }

  private endIfDone(entry: Entry): void {
    if (entry.outcome === 'active' && entry.elapsed && entry.settled) this.end(entry, 'ok');
  }

  private fail(entry: Entry, error: unknown): void {
    entry.settled = true;
    entry.error = error instanceof Error ? error.message : String(error);
    this.failed++;
    this.byKind[entry.firing.kind].failed++;
    // Why: a late rejection (after stop) is still counted, but its ended record has already gone out.
    if (entry.outcome !== 'active') return;
    const handle = this.endTimers.get(entry.firing.id);
    if (handle !== undefined) this.clock.clearTimeout(handle);
    this.endTimers.delete(entry.firing.id);
    this.end(entry, 'failed');
  }

  private end(entry: Entry, outcome: Exclude<ChaosOutcome, 'active'>): void {
    entry.outcome = outcome;
    entry.endedAt = this.clock.now();
    this.live.delete(entry.firing.id);
    this.record('ended', entry);
  }

  private record(type: ChaosRecord['type'], entry: Entry): void {
    if (this.onRecord === undefined) return;
    try {
      this.onRecord({ type, firing: view(entry) });
    } catch {
      // Why: a journaling bug must not break chaos mid-fault; it is counted and shows in counts().
      this.recordErrors++;
    }
  }
}

function view(entry: Entry): ChaosFiringState {
  return { ...entry.firing, outcome: entry.outcome, endedAt: entry.endedAt, error: entry.error };
}
