import type { Clock, TimerHandle } from './clock';

/** Heartbeat settings. */
export interface HeartbeatConfig {
  /** A probe goes to every watched component this often. */
  readonly intervalMs: number;
  /** A probe not answered within this is a missed heartbeat. */
  readonly timeoutMs: number;
  /** This many consecutive misses and the component is reported failed. */
  readonly maxMissed: number;
}

/** Something the watchdog can probe: answering means its mailbox is draining. */
export interface HeartbeatTarget {
  readonly id: string;
  /** Queue a heartbeat probe behind the target's other messages; call `answer` when it is handled. */
  probe(answer: () => void): void;
  /** Reported once when `maxMissed` heartbeats in a row were missed. */
  failed(missed: number): void;
}

/** What the watchdog knows of one watched component, at one moment. */
export interface HeartbeatState {
  readonly id: string;
  /** Clock time of the registration: a restarted component is watched afresh. */
  readonly watchedAt: number;
  /** Consecutive misses now (0 once a probe is answered again). */
  readonly missed: number;
  /** Misses since `watchedAt`, answered or not: a miss that recovered between two looks shows here. */
  readonly missedTotal: number;
  /** Clock time of the last probe answered; null before the first. */
  readonly answeredAt: number | null;
  /**
   * Clock time the oldest probe still unanswered was sent; null when none is out. After a late
   * answer to an older probe it is the newest probe's time (a lower bound of how long it has been out).
   */
  readonly outstandingSince: number | null;
}

/** The watchdog as a whole: {@link Watchdog.view}. */
export interface HeartbeatView {
  /** Whether it is probing (it stops at shutdown and during a GLOBAL HALT). */
  readonly running: boolean;
  readonly config: HeartbeatConfig;
  /** Components reported failed so far. */
  readonly failures: number;
  /** Every watched component, in registration order. */
  readonly watched: readonly HeartbeatState[];
}

/** Hears of a component the watchdog is about to report failed, with what it knew of it. */
export type HeartbeatFailedListener = (state: HeartbeatState) => void;

interface Watched {
  readonly target: HeartbeatTarget;
  readonly watchedAt: number;
  missed: number;
  missedTotal: number;
  /** Round of the last probe answered. */
  answered: number;
  answeredAt: number | null;
  outstandingSince: number | null;
}

/**
 * Heartbeats from outside the watched thread: a busy loop cannot interrupt itself, so liveness is a
 * probe that must travel through the component's own mailbox (and, when forked, its process) and
 * come back within `timeoutMs`. Worst-case detection of a hang is
 * `maxMissed * intervalMs + timeoutMs` after it starts. What it knows is readable ({@link view}) and
 * its failures can be heard of ({@link onFailed}) — for the ops watchdog view; neither changes when
 * it probes or fails.
 */
export class Watchdog {
  private readonly watched = new Map<string, Watched>();
  private readonly listeners = new Set<HeartbeatFailedListener>();
  private round = 0;
  /** Clock time of the current round's probes. */
  private roundAt = 0;
  private timer: TimerHandle | undefined;
  private checkTimer: TimerHandle | undefined;
  private running = false;
  /** Failures reported so far. */
  failures = 0;

  constructor(
    private readonly clock: Clock,
    readonly config: HeartbeatConfig,
  ) {}

  /** Starts probing every `intervalMs`. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.timer = this.clock.setTimeout(() => this.tick(), this.config.intervalMs);
  }

  /** Stops probing. */
  stop(): void {
    this.running = false;
    this.clock.clearTimeout(this.timer);
    this.clock.clearTimeout(this.checkTimer);
    this.timer = this.checkTimer = undefined;
  }

  /** Watches a target (replacing an earlier registration with the same id); returns the unwatch function. */
  watch(target: HeartbeatTarget): () => void {
    const entry: Watched = {
      target,
      watchedAt: this.clock.now(),
      missed: 0,
      missedTotal: 0,
      answered: this.round,
      answeredAt: null,
      outstandingSince: null,
    };
    this.watched.set(target.id, entry);
    return () => {
      if (this.watched.get(target.id) === entry) this.watched.delete(target.id);
    };
  }

  /** Consecutive misses of a target right now. */
  missed(id: string): number {
    return this.watched.get(id)?.missed ?? 0;
  }

  /** What it knows of one watched target; undefined when it is not watched. */
  state(id: string): HeartbeatState | undefined {
    const entry = this.watched.get(id);
    return entry && stateOf(entry);
  }

  /** Settings, whether it probes, and every watched target's state. */
  view(): HeartbeatView {
    return {
      running: this.running,
      config: this.config,
      failures: this.failures,
      watched: [...this.watched.values()].map(stateOf),
    };
  }

  /**
   * Calls `listener` when a target is about to be reported failed (before its `failed`, so a report
   * can name the hang before the crash it causes); returns the unsubscribe function. A throwing
   * listener is ignored: it must not stop the failure.
   */
  onFailed(listener: HeartbeatFailedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private tick(): void {
    if (!this.running) return;
    const round = ++this.round;
    const now = this.clock.now();
    this.roundAt = now;
    let outstanding = false;
    for (const entry of this.watched.values()) {
      entry.outstandingSince ??= now;
      entry.target.probe(() => this.answer(entry, round));
      if (entry.answered < round) outstanding = true;
    }
    // Most probes are answered on the spot; only arm the check when one is still out.
    if (outstanding) this.checkTimer = this.clock.setTimeout(() => this.check(round), this.config.timeoutMs);
    this.timer = this.clock.setTimeout(() => this.tick(), this.config.intervalMs);
  }

  private answer(entry: Watched, round: number): void {
    if (entry.answered < round) entry.answered = round;
    entry.missed = 0;
    entry.answeredAt = this.clock.now();
    entry.outstandingSince = entry.answered >= this.round ? null : this.roundAt;
  }

  private check(round: number): void {
    for (const [id, entry] of [...this.watched]) {
      if (entry.answered >= round) continue;
      entry.missed++;
      entry.missedTotal++;
      if (entry.missed >= this.config.maxMissed) {
        this.watched.delete(id);
        this.failures++;
        this.notify(entry);
        entry.target.failed(entry.missed);
      }
    }
  }

  private notify(entry: Watched): void {
    if (this.listeners.size === 0) return;
    const state = stateOf(entry);
    for (const listener of this.listeners) {
      try {
        listener(state);
      } catch {
        // The listener (the ops view) logs its own failures; the kill must go on regardless.
      }
    }
  }
}

function stateOf(entry: Watched): HeartbeatState {
  return {
    id: entry.target.id,
    watchedAt: entry.watchedAt,
    missed: entry.missed,
    missedTotal: entry.missedTotal,
    answeredAt: entry.answeredAt,
    outstandingSince: entry.outstandingSince,
  };
}
