import type { AnyEventObject } from 'xstate';
import type { Clock, TimerHandle } from '../kernel/clock';
import type { Rng } from '../kernel/rng';

/** Seeded fault rates for a soak. */
export interface FaultProfile {
  /** Mean time between crashes of one component. */
  readonly crashMeanMs: number;
  /** Mean time between hangs of one component. */
  readonly hangMeanMs: number;
  /** Mean time between crash loops (a burst of crashes of one component, to force escalation). */
  readonly crashLoopMeanMs: number;
  /** Crashes in one loop and the gap between them. */
  readonly crashLoopLength: number;
  readonly crashLoopGapMs: number;
}

/** The default soak profile: frequent single faults, a crash loop every few days. */
export const DEFAULT_FAULTS: FaultProfile = {
  crashMeanMs: 6 * 3_600_000,
  hangMeanMs: 24 * 3_600_000,
  crashLoopMeanMs: 4 * 86_400_000,
  crashLoopLength: 7,
  crashLoopGapMs: 1_000,
};

/** Counts of what was injected. */
export interface FaultCounts {
  crashes: number;
  hangs: number;
  crashLoops: number;
}

/**
 * Injects crash and hang faults into components on the clock, each component on its own rng
 * stream, so the same seed gives the same faults at the same simulated times.
 */
export class FaultInjector {
  readonly counts: FaultCounts = { crashes: 0, hangs: 0, crashLoops: 0 };
  /** The one pending timer of each fault chain, and of each crash in a running loop. */
  private readonly pending = new Map<string, TimerHandle>();
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly rng: Rng,
    private readonly profile: FaultProfile,
    private readonly components: readonly string[],
    private readonly send: (actor: string, event: AnyEventObject) => void,
  ) {}

  /** Schedules the first fault of every kind for every component. */
  start(): void {
    for (const id of this.components) {
      this.every(`crash:${id}`, this.profile.crashMeanMs, () => {
        this.counts.crashes++;
        this.send(id, { type: 'sys.fault.crash' });
      });
      this.every(`hang:${id}`, this.profile.hangMeanMs, () => {
        this.counts.hangs++;
        this.send(id, { type: 'sys.fault.hang' });
      });
    }
    const victims = this.rng.stream('crash-loop:victim');
    this.every('crash-loop', this.profile.crashLoopMeanMs, () => {
      const victim = victims.pick(this.components);
      const loop = ++this.counts.crashLoops;
      for (let i = 0; i < this.profile.crashLoopLength; i++) {
        const key = `crash-loop:${loop}:${i}`;
        const handle = this.clock.setTimeout(() => {
          this.pending.delete(key);
          this.counts.crashes++;
          this.send(victim, { type: 'sys.fault.crash' });
        }, i * this.profile.crashLoopGapMs);
        this.pending.set(key, handle);
      }
    });
  }

  /** Cancels every pending fault. */
  stop(): void {
    this.stopped = true;
    for (const timer of this.pending.values()) this.clock.clearTimeout(timer);
    this.pending.clear();
  }

  /** A chain of faults with exponential gaps, on the chain's own rng stream. */
  private every(key: string, meanMs: number, fire: () => void): void {
    const stream = this.rng.stream(key);
    const schedule = (): void => {
      const handle = this.clock.setTimeout(
        () => {
          if (this.stopped) return;
          fire();
          schedule();
        },
        Math.max(1, Math.round(stream.exponential(meanMs))),
      );
      this.pending.set(key, handle);
    };
    schedule();
  }
}
