import type { Clock, TimerHandle } from './clock';

interface VirtualTimer {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/** Default start of simulated time: 2026-01-01T00:00:00Z, fixed so runs are reproducible. */
export const SIMULATION_EPOCH = 1_767_225_600_000;

/**
 * Simulated time. Timers live in a binary heap; {@link VirtualClock.advance} fires one timestamp at
 * a time (all timers due at it, in the order they were set) and lets the system settle — every
 * promise chain and mailbox run dry — before moving to the next.
 *
 * Why not XState's `SimulatedClock`: it sorts every timer on each step and re-arms from the end on a
 * large `increment`, far too slow for a months-long soak.
 *
 * @example
 * const clock = new VirtualClock();
 * clock.setTimeout(() => console.log('fired at', clock.now()), 5_000);
 * await clock.advance(10_000); // prints once; clock.now() is start + 10 s
 */
export class VirtualClock implements Clock {
  private t: number;
  private heap: VirtualTimer[] = [];
  private nextSeq = 0;
  private busy = 0;
  /** Timers fired so far: a cheap progress figure for soaks and benchmarks. */
  fired = 0;

  constructor(start: number = SIMULATION_EPOCH) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: VirtualTimer = {
      at: this.t + Math.max(0, Number.isFinite(ms) ? ms : 0),
      seq: this.nextSeq++,
      fn,
      cancelled: false,
    };
    this.push(timer);
    return timer;
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle && typeof handle === 'object' && 'fn' in handle) (handle as VirtualTimer).cancelled = true;
  }

  /** Number of live (not cancelled) timers; dropped cancelled ones are compacted lazily. */
  pending(): number {
    let live = 0;
    for (const timer of this.heap) if (!timer.cancelled) live++;
    return live;
  }

  /** Time of the next live timer, if any. */
  nextAt(): number | undefined {
    this.dropCancelled();
    return this.heap[0]?.at;
  }

  /** Moves time forward by `ms`, firing every timer due on the way, one timestamp at a time. */
  advance(ms: number): Promise<void> {
    return this.runUntil(this.t + ms);
  }

  /** Moves time forward to `target` (never backwards). */
  async runUntil(target: number): Promise<void> {
    await this.settle();
    for (;;) {
      this.dropCancelled();
      const top = this.heap[0];
      if (top === undefined || top.at > target) break;
      this.t = top.at;
      while (this.heap[0] !== undefined && this.heap[0].at === this.t) {
        const timer = this.pop() as VirtualTimer;
        if (timer.cancelled) continue;
        this.fired++;
        timer.fn();
      }
      await this.settle();
    }
    if (target > this.t) this.t = target;
  }

  /**
   * Marks asynchronous work in progress (I/O that takes more than one turn of the event loop);
   * {@link VirtualClock.settle} waits for it before time moves on. Returns the release function.
   */
  hold(): () => void {
    this.busy++;
    let released = false;
    return () => {
      if (!released) {
        released = true;
        this.busy--;
      }
    };
  }

  /** Lets every promise chain run dry at the current instant (and any held work finish). */
  async settle(): Promise<void> {
    await turn();
    for (let rounds = 0; this.busy > 0 && rounds < 10_000; rounds++) await turn();
  }

  private push(timer: VirtualTimer): void {
    const heap = this.heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(timer, heap[parent] as VirtualTimer)) break;
      heap[i] = heap[parent] as VirtualTimer;
      i = parent;
    }
    heap[i] = timer;
  }

  private pop(): VirtualTimer | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last !== undefined) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= heap.length) break;
        const right = left + 1;
        const child =
          right < heap.length && before(heap[right] as VirtualTimer, heap[left] as VirtualTimer)
            ? right
            : left;
        if (!before(heap[child] as VirtualTimer, last)) break;
        heap[i] = heap[child] as VirtualTimer;
        i = child;
      }
      heap[i] = last;
    }
    return top;
  }

  private dropCancelled(): void {
    while (this.heap[0]?.cancelled) this.pop();
  }
}

function before(a: VirtualTimer, b: VirtualTimer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
