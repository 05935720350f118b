/** What the dedup window says about an id. */
export type DedupVerdict = 'new' | 'duplicate' | 'before-horizon';

/**
 * Remembers the most recent `capacity` ids (fills and transfers) so that recording one twice changes
 * nothing. Memory is bounded: the oldest ids are forgotten, and the latest time among them becomes
 * the *horizon*. An unknown id at or before the horizon cannot be proven new, so it is refused
 * rather than risk counting a fill twice; a genuinely late fill then surfaces as a rejection the
 * caller must look at, never as a silent double count.
 */
export class DedupWindow {
  private readonly seen = new Map<string, number>();
  private horizon: number | null = null;

  constructor(private readonly capacity: number) {}

  /** Whether `key` at time `t` would be new. */
  check(key: string, t: number): DedupVerdict {
    if (this.seen.has(key)) return 'duplicate';
    if (this.horizon !== null && t <= this.horizon) return 'before-horizon';
    return 'new';
  }

  /** The time at or before which unknown ids are refused; `null` while nothing was forgotten. */
  get horizonT(): number | null {
    return this.horizon;
  }

  /** Remembers `key` (call after {@link check} said `new`). */
  remember(key: string, t: number): void {
    this.seen.set(key, t);
    if (this.seen.size <= this.capacity) return;
    // A Map iterates in insertion order, so the first key is the oldest one.
    const [oldest, oldestT] = this.seen.entries().next().value as [string, number];
    this.seen.delete(oldest);
    this.horizon = this.horizon === null ? oldestT : Math.max(this.horizon, oldestT);
  }

  /** The window as snapshot JSON. */
  toJSON(): { entries: { key: string; t: number }[]; horizon: number | null } {
    return { entries: [...this.seen].map(([key, t]) => ({ key, t })), horizon: this.horizon };
  }

  /** Restores a window from snapshot JSON. */
  static fromJSON(
    json: { entries: readonly { key: string; t: number }[]; horizon: number | null },
    capacity: number,
  ): DedupWindow {
    const window = new DedupWindow(capacity);
    for (const { key, t } of json.entries) window.seen.set(key, t);
    window.horizon = json.horizon;
    return window;
  }
}
