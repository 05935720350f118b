import { closeSync, fstatSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock, TimerHandle } from '../kernel/clock';
import { listRotated, pruneRotated, rotatedName } from './log-rotation-files';
import type { LogRotationConfig } from './log-rotation.config';
import { parseLogRotationConfig } from './log-rotation.config';

/** Counters of a {@link RotatingLog}, for metrics and specs. */
export interface RotatingLogStats {
  /** Chunks (pino: lines) written to disk. */
  readonly lines: number;
  readonly bytes: number;
  readonly rotations: number;
  /** Rotated files deleted by retention. */
  readonly deleted: number;
  /** Chunks lost: written after `close`, or refused by the file system (disk full). */
  readonly dropped: number;
  /** Chunks waiting in the buffer. */
  readonly pending: number;
}

/** Options of {@link RotatingLog}. */
export interface RotatingLogOptions {
  /** {@link LogRotationConfigInput}; validated here. */
  readonly config: unknown;
  /** Age rotation, the flush delay and retention all run on this clock. */
  readonly clock: Clock;
  /** Told of a failed write (once until writes succeed again); stderr by default. */
  readonly onError?: (error: Error) => void;
}

/**
 * A pino destination that writes `<dir>/<name>.log` and rotates it by size and by age, keeping at
 * most `maxFiles` rotated files and none older than `retainMs`. Each `write` (pino: one line) is
 * kept whole: it is never split across two files, and a file passes `maxBytes` only when one line
 * alone is bigger. Lines are buffered and written synchronously in chunks (`bufferBytes`, or
 * `flushIntervalMs` after the first buffered line), so a flood costs one system call per chunk and
 * the order of lines is the order of writes. {@link RotatingLog.close} flushes; so does
 * {@link RotatingLog.flushSync}, for a process `exit` handler.
 *
 * A restarted process appends to the existing live file; its age counts from the restart.
 *
 * @example
 * const dest = new RotatingLog({ config: { dir: 'logs', maxBytes: 50 * 1_048_576 }, clock });
 * const logger = pino({ level: 'info' }, dest);
 * process.on('exit', () => dest.flushSync());
 */
export class RotatingLog {
  readonly config: LogRotationConfig;
  private readonly clock: Clock;
  private readonly onError: (error: Error) => void;
  private readonly path: string;
  private fd: number;
  private size: number;
  private openedAt: number;
  private seq: number;
  private chunks: string[] = [];
  private sizes: number[] = [];
  private pendingBytes = 0;
  private flushTimer: TimerHandle | undefined;
  private ageTimer: TimerHandle | undefined;
  private closed = false;
  private failing = false;
  private counts = { lines: 0, bytes: 0, rotations: 0, deleted: 0, dropped: 0 };

  constructor(options: RotatingLogOptions) {
    this.config = parseLogRotationConfig(options.config);
    this.clock = options.clock;
    this.onError =
      options.onError ?? ((error) => process.stderr.write(`predator: log write failed: ${error.message}\n`));
    mkdirSync(this.config.dir, { recursive: true });
    this.path = join(this.config.dir, `${this.config.name}.log`);
    this.seq = listRotated(this.config.dir, this.config.name).at(-1)?.seq ?? 0;
    this.fd = openSync(this.path, 'a');
    this.size = fstatSync(this.fd).size;
    this.openedAt = this.clock.now();
    this.prune();
    this.armAge();
  }

  /** The live file's path. */
  get file(): string {
    return this.path;
  }

  /** Buffers one chunk (pino passes one line, newline included). */
  write(chunk: string): boolean {
    if (this.closed) {
      this.counts.dropped++;
      return false;
    }
    const bytes = Buffer.byteLength(chunk);
    this.chunks.push(chunk);
    this.sizes.push(bytes);
    this.pendingBytes += bytes;
    if (this.pendingBytes >= this.config.bufferBytes) this.flushSync();
    else if (this.flushTimer === undefined)
      this.flushTimer = this.clock.setTimeout(() => {
        this.flushTimer = undefined;
        this.flushSync();
      }, this.config.flushIntervalMs);
    return true;
  }

  /** Writes every buffered chunk now, rotating first where size or age says so. */
  flushSync(): void {
    this.clock.clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.chunks.length === 0 || this.closed) return;
    const chunks = this.chunks;
    const sizes = this.sizes;
    this.chunks = [];
    this.sizes = [];
    this.pendingBytes = 0;
    if (this.size > 0 && this.clock.now() - this.openedAt >= this.config.maxAgeMs) this.rotate();
    let from = 0;
    let batch = 0;
    for (let i = 0; i < chunks.length; i++) {
      const bytes = sizes[i] as number;
      if (this.size + batch + bytes > this.config.maxBytes && this.size + batch > 0) {
        this.writeOut(chunks, from, i, batch);
        this.rotate();
        from = i;
        batch = 0;
      }
      batch += bytes;
    }
    this.writeOut(chunks, from, chunks.length, batch);
  }

  /** pino's `logger.flush(cb)` calls this. */
  flush(callback?: (error?: Error) => void): void {
    this.flushSync();
    callback?.();
  }

  /** Flushes, stops the timers and closes the file; later writes are dropped (and counted). */
  close(): void {
    if (this.closed) return;
    this.flushSync();
    this.closed = true;
    this.clock.clearTimeout(this.ageTimer);
    this.ageTimer = undefined;
    if (this.fd >= 0) closeSync(this.fd);
  }

  /** Same as {@link RotatingLog.close}, for code that ends streams. */
  end(): void {
    this.close();
  }

  stats(): RotatingLogStats {
    return { ...this.counts, pending: this.chunks.length };
  }

  private writeOut(chunks: readonly string[], from: number, to: number, bytes: number): void {
    if (to <= from) return;
    if (this.fd < 0) this.reopen();
    const data = Buffer.from(
      from === 0 && to === chunks.length ? chunks.join('') : chunks.slice(from, to).join(''),
    );
    try {
      let offset = 0;
      while (offset < data.length) offset += writeSync(this.fd, data, offset, data.length - offset);
      this.size += bytes;
      this.counts.lines += to - from;
      this.counts.bytes += bytes;
      this.failing = false;
    } catch (error) {
      // Logging must never take the runtime down: a full disk costs log lines, counted, not a crash.
      this.counts.dropped += to - from;
      if (!this.failing) this.onError(error as Error);
      this.failing = true;
    }
  }

  /** Moves the live file aside and starts a new one; an empty live file only starts a new period. */
  private rotate(): void {
    const now = this.clock.now();
    if (this.size > 0) {
      try {
        if (this.fd >= 0) closeSync(this.fd);
        this.fd = -1;
        this.seq++;
        renameSync(this.path, join(this.config.dir, rotatedName(this.config.name, this.seq, now)));
        this.counts.rotations++;
      } catch (error) {
        if (!this.failing) this.onError(error as Error);
        this.failing = true;
      }
      // Reopened even if the rename failed: lines keep going to the live file rather than nowhere.
      this.reopen();
      this.prune();
    }
    this.openedAt = now;
    this.armAge();
  }

  /** Opens the live file for appending; on failure `fd` is -1 and the next write tries again. */
  private reopen(): void {
    try {
      this.fd = openSync(this.path, 'a');
      this.size = fstatSync(this.fd).size;
    } catch (error) {
      this.fd = -1;
      this.size = 0;
      if (!this.failing) this.onError(error as Error);
      this.failing = true;
    }
  }

  private prune(): void {
    try {
      this.counts.deleted += pruneRotated(
        this.config.dir,
        this.config.name,
        this.clock.now(),
        this.config,
      ).length;
    } catch (error) {
      // The directory went away or is unreadable: retention waits for the next rotation.
      if (!this.failing) this.onError(error as Error);
    }
  }

  private armAge(): void {
    this.clock.clearTimeout(this.ageTimer);
    this.ageTimer = this.clock.setTimeout(
      () => {
        this.ageTimer = undefined;
        if (this.closed) return;
        this.flushSync();
        // Rotation re-arms this timer; otherwise check again when the file next comes of age.
        if (this.clock.now() - this.openedAt >= this.config.maxAgeMs) this.rotate();
        else this.armAge();
        this.prune();
      },
      this.openedAt + this.config.maxAgeMs - this.clock.now(),
    );
  }
}
