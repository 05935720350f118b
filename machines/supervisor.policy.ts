import { draw } from '../actors/kernel/rng';
import type { RestartType, SupervisorStrategy } from '../actors/kernel/system-view';

/** Why a child ended: OTP's `normal`, `shutdown`, or anything else (a crash). */
export type ExitReason = 'normal' | 'shutdown' | 'crash';

/** A child as its supervisor's policy knows it: an id and a restart type, in start order. */
export interface ChildEntry {
  readonly id: string;
  readonly restart: RestartType;
}

/** Optional restart backoff (Akka style): `min * 2^(n-1)` capped at `max`, plus up to `jitter` of it. */
export interface BackoffConfig {
  readonly minMs: number;
  readonly maxMs: number;
  /** Fraction of the delay added at random, from the seeded stream: 0.2 = up to +20 %. */
  readonly jitter: number;
}

/** The policy inputs that do not change while the supervisor lives. */
export interface SupervisorPolicy {
  readonly strategy: SupervisorStrategy;
  readonly intensity: number;
  readonly periodMs: number;
  readonly backoff: BackoffConfig | null;
}

/** What the supervisor must do about one child exit. */
export type ExitDecision =
  | { readonly kind: 'ignore' }
  | { readonly kind: 'remove'; readonly child: string }
  | { readonly kind: 'keep'; readonly child: string }
  | { readonly kind: 'giveUp'; readonly child: string; readonly restartTimes: number[] }
  | {
      readonly kind: 'restart';
      readonly child: string;
      /** Siblings to stop first, in stop (reverse start) order; the failed child is already down. */
      readonly stop: readonly string[];
      /** Children to start, in start order. */
      readonly start: readonly string[];
      /** Temporary siblings taken down by the restart: they are removed, never restarted. */
      readonly remove: readonly string[];
      readonly delayMs: number;
      readonly restartTimes: number[];
      readonly rngState: number;
    };

/**
 * OTP's restart decision as a pure function: restart type first (temporary never, transient only
 * after a crash), then intensity (more than `intensity` restarts within `periodMs` and the
 * supervisor gives up), then the strategy picks who is stopped and started.
 */
export function decideExit(
  policy: SupervisorPolicy,
  children: readonly ChildEntry[],
  restartTimes: readonly number[],
  rngState: number,
  exit: { child: string; reason: ExitReason; t: number },
): ExitDecision {
  const index = children.findIndex((c) => c.id === exit.child);
  const entry = children[index];
  if (entry === undefined) return { kind: 'ignore' };
  if (entry.restart === 'temporary') return { kind: 'remove', child: entry.id };
  if (entry.restart === 'transient' && exit.reason !== 'crash') return { kind: 'keep', child: entry.id };

  // OTP counts a restart exactly `period` ago as still inside the window (R >= Now - Period).
  const windowStart = exit.t - policy.periodMs;
  const recent = [...restartTimes.filter((t) => t >= windowStart), exit.t];
  if (recent.length > policy.intensity) return { kind: 'giveUp', child: entry.id, restartTimes: recent };

  const affected =
    policy.strategy === 'one_for_one'
      ? [entry]
      : policy.strategy === 'one_for_all'
        ? children.slice()
        : children.slice(index);
  const siblings = affected.filter((c) => c.id !== entry.id);
  const stop = siblings.map((c) => c.id).reverse();
  const remove = siblings.filter((c) => c.restart === 'temporary').map((c) => c.id);
  const start = affected.filter((c) => c.restart !== 'temporary').map((c) => c.id);

  let delayMs = 0;
  let nextRng = rngState;
  if (policy.backoff) {
    const { minMs, maxMs, jitter } = policy.backoff;
    const base = Math.min(maxMs, minMs * 2 ** (recent.length - 1));
    const u = draw(rngState);
    nextRng = u.state;
    delayMs = Math.round(base * (1 + jitter * u.value));
  }
  return {
    kind: 'restart',
    child: entry.id,
    stop,
    start,
    remove,
    delayMs,
    restartTimes: recent,
    rngState: nextRng,
  };
}

/**
 * Restarts a chain of supervisors (root first) carries out in a burst before the top gives up.
 * The leaf supervisor restarts its child `i` times and gives up on the next crash; its parent
 * restarts it (one restart of its own) with a fresh window, and so on: a level with intensity `i`
 * above a chain absorbing `a` gives `(i + 1) * a + i`. Roughly the product of the intensities.
 */
export function restartsBeforeHalt(intensities: readonly number[]): number {
  let absorbed = 0;
  for (let level = intensities.length - 1; level >= 0; level--) {
    const i = intensities[level] as number;
    absorbed = level === intensities.length - 1 ? i : (i + 1) * absorbed + i;
  }
  return absorbed;
}
