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

interface Watched {
  readonly target: HeartbeatTarget;
  missed: number;
  /** Round of the last probe answered. */
  answered: number;
}

/**
 * Heartbeats from outside the watched thread: a busy loop cannot interrupt itself, so liveness is a
 * probe that must travel through the component's own mailbox (and, when forked, its process) and
 * come back within `timeoutMs`. Worst-case detection of a hang is
 * `maxMissed * intervalMs + timeoutMs` after it starts.
 */
export class Watchdog {
  private readonly watched = new Map<string, Watched>();
  private round = 0;
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
    const entry: Watched = { target, missed: 0, answered: this.round };
    this.watched.set(target.id, entry);
    return () => {
      if (this.watched.get(target.id) === entry) this.watched.delete(target.id);
    };
  }

  /** Consecutive misses of a target right now. */
  missed(id: string): number {
    return this.watched.get(id)?.missed ?? 0;
  }

  private tick(): void {
    if (!this.running) return;
    const round = ++this.round;
    let outstanding = false;
    for (const entry of this.watched.values()) {
      entry.target.probe(() => {
        if (entry.answered < round) entry.answered = round;
        entry.missed = 0;
      });
      if (entry.answered < round) outstanding = true;
    }
    // Most probes are answered on the spot; only arm the check when one is still out.
    if (outstanding) this.checkTimer = this.clock.setTimeout(() => this.check(round), this.config.timeoutMs);
    this.timer = this.clock.setTimeout(() => this.tick(), this.config.intervalMs);
  }

  private check(round: number): void {
    for (const [id, entry] of [...this.watched]) {
      if (entry.answered >= round) continue;
      entry.missed++;
      if (entry.missed >= this.config.maxMissed) {
        this.watched.delete(id);
        this.failures++;
        entry.target.failed(entry.missed);
      }
    }
  }
}
