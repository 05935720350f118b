/**
 * The one source of time for the runtime. Everything that waits or reads the time goes through a
 * `Clock`, so a simulation can swap in {@link VirtualClock} and run months in minutes.
 *
 * The shape is a superset of XState's `Clock`, so a kernel clock can be passed straight to
 * `createActor(machine, { clock })` and machine `after` timers run on the same time.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch, on this clock's time line. */
  now(): number;
  /** Calls `fn` once after `ms` milliseconds of this clock's time. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer; cancelling a fired or unknown timer is a no-op. */
  clearTimeout(handle: TimerHandle | undefined): void;
  /**
   * Marks kernel work in progress that spans event-loop turns (a supervisor restarting children).
   * A virtual clock does not move time on until it is released; the real clock ignores it.
   */
  hold(): () => void;
}

/** An opaque timer handle returned by {@link Clock.setTimeout}. */
export type TimerHandle = { readonly __timer: true } | number | object;

/** Wall-clock time: `Date.now` and the host's timers. The only place the runtime touches them. */
export class RealClock implements Clock {
  now(): number {
    return Date.now();
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const handle = setTimeout(fn, Math.max(0, ms));
    // A pending runtime timer must never keep a stopping process alive; shutdown is explicit.
    handle.unref?.();
    return handle;
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle !== undefined) clearTimeout(handle as NodeJS.Timeout);
  }

  hold(): () => void {
    return release;
  }
}

function release(): void {}

/** Waits `ms` on `clock`; resolves with the clock's time when it fires. */
export function sleep(clock: Clock, ms: number): Promise<number> {
  return new Promise((resolve) => clock.setTimeout(() => resolve(clock.now()), ms));
}
