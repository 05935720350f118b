/**
 * A per-actor serial mailbox: messages are handled one at a time, in arrival order, and a handler
 * that returns a promise holds the next message back until it settles.
 *
 * An idle mailbox handles a message synchronously inside `post`, so the in-memory path costs no
 * extra promise or event-loop turn; a re-entrant `post` (a handler posting to its own mailbox) is
 * queued, never nested.
 */
export class Mailbox<TMessage> {
  private queue: TMessage[] = [];
  private head = 0;
  private draining = false;
  private paused = false;
  private closed = false;
  /** Messages handled so far. */
  handled = 0;

  constructor(
    private readonly handler: (message: TMessage) => void | Promise<void>,
    private readonly onError: (error: unknown, message: TMessage) => void,
  ) {}

  /** Queued messages not yet handled. */
  get size(): number {
    return this.queue.length - this.head;
  }

  /** Whether draining is suspended (a simulated hang). */
  get isPaused(): boolean {
    return this.paused;
  }

  /** Enqueues a message; returns `false` if the mailbox is closed and the message was not taken. */
  post(message: TMessage): boolean {
    if (this.closed) return false;
    this.queue.push(message);
    if (!this.draining && !this.paused) this.drain();
    return true;
  }

  /** Stops handling messages; they keep queueing (what a hung actor looks like from outside). */
  pause(): void {
    this.paused = true;
  }

  /** Resumes handling. */
  resume(): void {
    this.paused = false;
    if (!this.draining) this.drain();
  }

  /** Refuses further messages and drops the queued ones; returns what was dropped. */
  close(): TMessage[] {
    this.closed = true;
    const dropped = this.queue.slice(this.head);
    this.queue = [];
    this.head = 0;
    return dropped;
  }

  private drain(): void {
    this.draining = true;
    while (this.head < this.queue.length && !this.paused) {
      const message = this.queue[this.head] as TMessage;
      this.head++;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      this.handled++;
      let result: void | Promise<void>;
      try {
        result = this.handler(message);
      } catch (error) {
        this.onError(error, message);
        continue;
      }
      if (result instanceof Promise) {
        result.then(
          () => this.drain(),
          (error: unknown) => {
            this.onError(error, message);
            this.drain();
          },
        );
        return;
      }
    }
    if (this.head === this.queue.length && this.head > 0) {
      this.queue = [];
      this.head = 0;
    }
    this.draining = false;
  }
}
