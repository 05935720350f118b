import type { Clock } from './clock';
import type { Logger } from './logger';
import type { Store } from './store';

interface Kept {
  readonly snapshot: unknown;
  readonly state: string;
  readonly at: number;
}

/**
 * Keeps one component's snapshot: the newest one in memory (saved or not) and, behind it, the
 * store's copy. A state change is written at once; context-only changes at most every `intervalMs`,
 * because serialising a snapshot on every event dominates a long run. A restart resumes from the
 * newer of the two copies, so a restart while the store is down does not lose state — and does not
 * later overwrite the stored copy with a fresh one.
 */
export class SnapshotKeeper {
  private latest: Kept | null = null;
  /** A snapshot not taken yet: computed only when it is written or the incarnation ends. */
  private pending: { compute: () => unknown; state: string } | null = null;
  private dirty = false;
  /** An unwritten change that is not volatile: it is due after `intervalMs`, not `volatileMs`. */
  private urgent = false;
  private savedAt = Number.NEGATIVE_INFINITY;
  private scheduled = false;

  constructor(
    private readonly actor: string,
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly logger: Logger,
    private readonly volatileMs = intervalMs,
  ) {}

  /**
   * The behaviour changed; `compute` yields its persisted snapshot when needed. A `volatile` change
   * (see `ComponentDefinition.volatileEvents`) alone waits `volatileMs` since the last write.
   */
  changed(stateChanged: boolean, state: string, compute: () => unknown, volatile = false): void {
    this.pending = { compute, state };
    this.dirty = true;
    if (!volatile) this.urgent = true;
    const due = this.urgent ? this.intervalMs : this.volatileMs;
    if (stateChanged || this.clock.now() - this.savedAt >= due) this.schedule();
  }

  /** Takes the pending snapshot now (the incarnation is ending and its machine will be gone). */
  capture(): void {
    if (!this.pending) return;
    this.latest = { snapshot: this.pending.compute(), state: this.pending.state, at: this.clock.now() };
    this.pending = null;
  }

  /** The store came back: write what it missed. */
  storeReturned(): void {
    if (this.dirty) this.schedule();
  }

  /** Writes the newest snapshot; on a store error it stays dirty and is written when the store returns. */
  async flush(): Promise<void> {
    if (!this.dirty) return;
    this.capture();
    const kept = this.latest;
    if (!kept) return;
    this.dirty = false;
    const urgent = this.urgent;
    this.urgent = false;
    this.savedAt = this.clock.now();
    try {
      await this.store.saveActor(this.actor, {
        snapshot: kept.snapshot,
        state: kept.state,
        savedAt: kept.at,
      });
    } catch {
      this.dirty = true;
      this.urgent ||= urgent;
    }
  }

  /**
   * The snapshot to resume from: the newer of memory and store; none for a machine that had
   * finished (a restart after a normal exit starts from the initial state, as OTP re-runs init).
   */
  async load(): Promise<unknown> {
    this.capture();
    const stored = await this.store.loadActor(this.actor).then(
      (record) => record ?? undefined,
      () => null,
    );
    const memory = this.latest;
    let chosen: unknown;
    if (stored === null) {
      if (!memory)
        this.logger.warn(
          { actor: this.actor },
          'store unreachable and no snapshot in memory: starting fresh',
        );
      chosen = memory?.snapshot;
    } else if (stored === undefined) {
      chosen = memory?.snapshot;
    } else {
      chosen = memory && memory.at > stored.savedAt ? memory.snapshot : stored.snapshot;
    }
    return (chosen as { status?: string } | undefined)?.status === 'done' ? undefined : chosen;
  }

  /** Forgets the snapshot, here and in the store (after a normal exit: the work is finished). */
  async discard(): Promise<void> {
    this.latest = null;
    this.pending = null;
    this.dirty = false;
    this.urgent = false;
    await this.store.deleteActor(this.actor).catch(() => {});
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      void this.flush();
    });
  }
}
