import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Clock, TimerHandle } from '../actors/kernel/clock';
import type { JournalEntry } from '../actors/kernel/journal-entry';
import type { SystemView } from '../actors/kernel/system-view';

/** Tuning of the transition stream. */
export interface SseOptions {
  /** A `: keep-alive` comment goes out after this long on the clock (15 s). */
  readonly keepAliveMs: number;
  /**
   * Bytes one client may have waiting in its socket's write buffer before it counts as too far
   * behind and its stream is ended; it resumes with `Last-Event-ID` (1 MiB). Generous enough that a
   * burst of thousands of transitions in one tick does not cut off a client that is reading.
   */
  readonly maxBufferedBytes: number;
  /** Live entries one client may have queued while its backlog replays (10 000). */
  readonly maxQueuedEntries: number;
  /** Journal entries read per page while replaying a backlog (500). */
  readonly replayPageSize: number;
  /** An ended stream whose client does not take the rest within this long is dropped (15 s). */
  readonly endGraceMs: number;
}

/** Defaults of {@link SseOptions}. */
export const DEFAULT_SSE_OPTIONS: SseOptions = {
  keepAliveMs: 15_000,
  maxBufferedBytes: 1024 * 1024,
  maxQueuedEntries: 10_000,
  replayPageSize: 500,
  endGraceMs: 15_000,
};

/** The server-sent event of one journaled transition. */
export function formatTransition(entry: JournalEntry): string {
  return `id: ${entry.seq}\nevent: transition\ndata: ${JSON.stringify(entry)}\n\n`;
}

/** Every open transition stream of one gateway, so a shutdown can end them all. */
export class SseStreams {
  private readonly open = new Set<TransitionStream>();

  /** Number of streams open now. */
  get size(): number {
    return this.open.size;
  }

  add(stream: TransitionStream): void {
    this.open.add(stream);
  }

  delete(stream: TransitionStream): void {
    this.open.delete(stream);
  }

  /** Ends every open stream (their clients may reconnect elsewhere with `Last-Event-ID`). */
  closeAll(reason: string): void {
    for (const stream of [...this.open]) stream.end(reason);
  }
}

/**
 * One client's stream of transitions: optionally a replay of the journal after `Last-Event-ID`,
 * then live entries, each exactly once and in order.
 *
 * Live entries are subscribed to before the backlog is read and queued meanwhile, so nothing falls
 * between the two; the replay is paced by the socket. Memory per client is bounded: a client whose
 * unsent bytes or queued entries pass the limits is told so and ended, and resumes with
 * `Last-Event-ID` — it gets everything already written, then the rest on reconnect.
 */
export class TransitionStream {
  private lastSent: number;
  private replaying = false;
  private closed = false;
  /** Live entries held back while the backlog replays. */
  private readonly queue: JournalEntry[] = [];
  /** Seq of the first entry the replay found, to tell a trimmed journal from a gap. */
  private firstReplayed: number | undefined;
  private unsubscribe: () => void = () => undefined;
  private keepAlive: TimerHandle | undefined;
  private readonly drainWaiters: (() => void)[] = [];

  constructor(
    private readonly res: ServerResponse,
    private readonly view: SystemView,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly streams: SseStreams,
    private readonly options: SseOptions,
    /** Replay entries after this seq first; `undefined` streams live entries only. */
    private readonly lastEventId: number | undefined,
  ) {
    this.lastSent = lastEventId ?? 0;
  }

  /**
   * Sends the headers, replays the backlog if any, then goes live. Resolves once live; never
   * rejects: a failure is logged and ends this stream.
   */
  async start(): Promise<void> {
    this.res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      // Reverse proxies (nginx) would otherwise hold events back in their buffers.
      'X-Accel-Buffering': 'no',
    });
    this.res.flushHeaders();
    this.res.socket?.setNoDelay(true);
    this.replaying = this.lastEventId !== undefined;
    // Subscribe before reading the backlog: an entry numbered meanwhile is queued, not lost.
    this.unsubscribe = this.view.onTransition((entry) => {
      // This runs inside the runtime's journal: a failure here must end this stream, not the caller.
      try {
        this.onLive(entry);
      } catch (err: unknown) {
        this.logger.error({ err, seq: entry.seq }, 'stream failed on a live entry');
        this.cleanup();
        this.res.destroy();
      }
    });
    this.streams.add(this);
    this.res.on('close', () => this.cleanup());
    this.res.on('drain', () => this.wakeDrainWaiters());
    if (this.res.socket === null || this.res.socket.destroyed) {
      this.cleanup();
      return;
    }
    this.armKeepAlive();
    if (this.lastEventId === undefined) return;
    try {
      await this.replay(this.lastEventId);
    } catch (err: unknown) {
      this.logger.error({ err, lastEventId: this.lastEventId }, 'stream replay failed');
      this.end('replay failed');
      return;
    }
    this.replaying = false;
    const queued = this.queue.splice(0);
    this.logger.debug(
      { lastEventId: this.lastEventId, lastSent: this.lastSent, queued: queued.length },
      'stream replayed',
    );
    for (const entry of queued) this.send(entry);
  }

  /**
   * Ends the stream after what is already written. A client that does not take it within
   * `endGraceMs` is disconnected, so a stalled client cannot hold its buffer for ever.
   */
  end(reason: string): void {
    if (this.closed) return;
    this.logger.debug({ reason, lastSent: this.lastSent }, 'stream ended');
    this.cleanup();
    this.res.end(`: end: ${reason}\n\n`);
    if (this.res.writableFinished) return;
    const res = this.res;
    const grace = this.clock.setTimeout(() => res.destroy(), this.options.endGraceMs);
    const settled = (): void => this.clock.clearTimeout(grace);
    res.once('finish', settled);
    res.once('close', settled);
  }

  private async replay(after: number): Promise<void> {
    // An id above anything journaled comes from another life of a non-durable instance.
    if (after > this.view.health().journalSeq) {
      this.logger.info(
        { lastEventId: after },
        'Last-Event-ID is ahead of the journal; replaying from the start',
      );
      this.lastSent = 0;
    }
    const from = this.lastSent;
    await this.readBacklog();
    const first = this.firstReplayed;
    if (first !== undefined && first > from + 1) {
      this.logger.info({ lastEventId: from, oldest: first }, 'journal no longer holds every entry asked for');
    }
    // An entry numbered just before we subscribed may not have been readable yet; look once more.
    if (this.missing()) await this.readBacklog();
    if (this.missing()) {
      this.logger.warn({ lastSent: this.lastSent, firstQueued: this.queue[0]?.seq }, 'stream has a gap');
    }
  }

  /** Sends journal pages after the last entry sent, until it meets the live queue or runs out. */
  private async readBacklog(): Promise<void> {
    const { replayPageSize } = this.options;
    for (;;) {
      const page = await this.view.journal({ since: this.lastSent, limit: replayPageSize });
      if (this.closed) return;
      this.firstReplayed ??= page[0]?.seq;
      for (const entry of page) {
        this.send(entry);
        // Pace the replay to the client rather than buffer the whole backlog for it.
        if (this.res.writableNeedDrain) await this.drained();
        if (this.closed) return;
      }
      if (page.length < replayPageSize) return;
      // The live queue holds everything from its first entry on: stop reading once we meet it.
      const firstLive = this.queue[0];
      if (firstLive !== undefined && this.lastSent >= firstLive.seq - 1) return;
    }
  }

  /** Whether some entry after the last one sent is neither sent nor queued. */
  private missing(): boolean {
    if (this.closed) return false;
    const next = this.queue[0]?.seq ?? this.view.health().journalSeq + 1;
    return next > this.lastSent + 1;
  }

  private onLive(entry: JournalEntry): void {
    if (this.closed || entry.seq <= this.lastSent) return;
    if (!this.replaying) {
      this.send(entry);
      return;
    }
    this.queue.push(entry);
    if (this.queue.length > this.options.maxQueuedEntries) this.tooFarBehind();
  }

  /** Writes one entry unless it was sent already; ids only ever increase on the wire. */
  private send(entry: JournalEntry): void {
    if (this.closed || entry.seq <= this.lastSent) return;
    this.lastSent = entry.seq;
    this.res.write(formatTransition(entry));
    if (this.res.writableLength > this.options.maxBufferedBytes) this.tooFarBehind();
  }

  private tooFarBehind(): void {
    this.logger.warn(
      { lastSent: this.lastSent, bufferedBytes: this.res.writableLength, queued: this.queue.length },
      'stream client too far behind; ending its stream (it resumes with Last-Event-ID)',
    );
    this.end('too far behind; reconnect with Last-Event-ID');
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  private wakeDrainWaiters(): void {
    for (const resolve of this.drainWaiters.splice(0)) resolve();
  }

  private armKeepAlive(): void {
    this.keepAlive = this.clock.setTimeout(() => {
      if (this.closed) return;
      // A socket that is not draining is not idle; a comment would only add to its backlog.
      if (!this.res.writableNeedDrain) this.res.write(': keep-alive\n\n');
      this.armKeepAlive();
    }, this.options.keepAliveMs);
  }

  private cleanup(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    this.clock.clearTimeout(this.keepAlive);
    this.queue.length = 0;
    this.wakeDrainWaiters();
    this.streams.delete(this);
  }
}
