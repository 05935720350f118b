import { request } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

/** One server-sent event as a client sees it. */
export interface SseEvent {
  readonly id: string | undefined;
  readonly event: string;
  readonly data: string;
}

/**
 * A minimal EventSource for specs: it can send `Last-Event-ID`, exposes comments (keep-alives),
 * and lets a test await a condition on what has arrived instead of sleeping.
 */
export class SseClient {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  status = 0;
  headers: IncomingHttpHeaders = {};
  /** The server ended or broke the stream. */
  ended = false;
  private buffer = '';
  private readonly checks = new Set<() => void>();
  private response: IncomingMessage | undefined;
  private readonly abort = new AbortController();

  private constructor() {}

  /** Opens `url`; resolves once the response headers arrived. */
  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = new SseClient();
    await new Promise<void>((resolve, reject) => {
      const req = request(url, {
        headers: { Accept: 'text/event-stream', ...headers },
        signal: client.abort.signal,
      });
      req.on('error', (err) => (client.status === 0 ? reject(err) : client.finish()));
      req.on('response', (res) => {
        client.response = res;
        client.status = res.statusCode ?? 0;
        client.headers = res.headers;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => client.feed(chunk));
        res.on('end', () => client.finish());
        res.on('close', () => client.finish());
        res.on('error', () => client.finish());
        resolve();
      });
      req.end();
    });
    return client;
  }

  private readonly parsed: unknown[] = [];

  /** Transition entries received so far, parsed. */
  transitions<T = { seq: number }>(): T[] {
    return this.parsed as T[];
  }

  /** Seq of the last transition received, 0 before the first. */
  lastSeq(): number {
    return (this.parsed.at(-1) as { seq: number } | undefined)?.seq ?? 0;
  }

  /** Resolves when `condition` holds on what arrived; rejects if the stream ends first. */
  waitFor(condition: (client: SseClient) => boolean, what = 'condition'): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (condition(this)) {
          this.checks.delete(check);
          resolve();
        } else if (this.ended) {
          this.checks.delete(check);
          reject(new Error(`stream ended before ${what}; got ${this.events.length} events`));
        }
      };
      this.checks.add(check);
      check();
    });
  }

  /** Resolves when the server has ended the stream. */
  closed(): Promise<void> {
    return this.waitFor(() => this.ended, 'close').catch(() => undefined);
  }

  /** Stops reading from the socket, as a stalled client would. */
  stall(): void {
    this.response?.pause();
    this.response?.socket.pause();
  }

  /** Reads again after {@link SseClient.stall}. */
  resume(): void {
    this.response?.socket.resume();
    this.response?.resume();
  }

  /** Disconnects. */
  close(): void {
    this.abort.abort();
    this.finish();
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    this.notify();
  }

  private feed(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      this.parse(block);
    }
    this.notify();
  }

  private parse(block: string): void {
    let id: string | undefined;
    let event = 'message';
    const data: string[] = [];
    let isEvent = false;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        this.comments.push(line.slice(1).trim());
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      isEvent = true;
      if (field === 'id') id = value;
      else if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (!isEvent || data.length === 0) return;
    const message = { id, event, data: data.join('\n') };
    this.events.push(message);
    if (event === 'transition') this.parsed.push(JSON.parse(message.data));
  }

  private notify(): void {
    for (const check of [...this.checks]) check();
  }
}
