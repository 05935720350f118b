import type { ExecutionContext } from 'ava';
import pino from 'pino';
import type { Logger } from 'pino';
import type { VirtualClock } from '../../actors/kernel/clock-virtual';
import { silentLogger } from '../../actors/kernel/logger';
import type { Runtime } from '../../actors/kernel/runtime';
import { startGateway } from '../../gateway';
import type { Gateway, GatewayOptions } from '../../gateway';
import { simulated } from '../helpers/runtime';

/** A real runtime on a virtual clock with a gateway over it, both torn down after the test. */
export interface Subject {
  readonly clock: VirtualClock;
  readonly runtime: Runtime;
  readonly gateway: Gateway;
  readonly url: string;
}

/** Starts the sample system in-memory on a virtual clock and a gateway on a free port. */
export async function startSubject(
  t: ExecutionContext,
  options: Partial<Pick<GatewayOptions, 'staticDir' | 'sse' | 'logger' | 'host'>> = {},
): Promise<Subject> {
  const { runtime, clock } = await simulated();
  t.teardown(() => runtime.stop());
  const gateway = await startGateway({ view: runtime, clock, logger: silentLogger(), port: 0, ...options });
  t.teardown(() => gateway.close());
  return { clock, runtime, gateway, url: gateway.url };
}

/** A JSON answer. */
export interface Answer<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

/** GETs (or another method on) `url` and parses the JSON body. */
export async function fetchJson<T = unknown>(url: string, init: RequestInit = {}): Promise<Answer<T>> {
  const response = await fetch(url, init);
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text === '' ? undefined : JSON.parse(text)) as T,
  };
}

/** The error body every refusal carries. */
export interface ErrorAnswer {
  readonly error: { readonly status: number; readonly message: string; readonly param?: string };
}

/** Sends `count` events to an actor that does not exist: each becomes one journaled dead letter. */
export function deadLetters(runtime: Runtime, count: number, actor = 'nobody'): void {
  for (let i = 0; i < count; i++) runtime.send(actor, { type: 'probe' });
}

/** A pino logger whose lines a test can await. */
export class LogCapture {
  readonly lines: Record<string, unknown>[] = [];
  readonly logger: Logger;
  private readonly waiters = new Set<() => void>();

  constructor() {
    this.logger = pino(
      { level: 'debug' },
      {
        write: (line: string) => {
          this.lines.push(JSON.parse(line) as Record<string, unknown>);
          for (const check of [...this.waiters]) check();
        },
      },
    );
  }

  /** Resolves with the first line whose `msg` contains `text`. */
  waitFor(text: string): Promise<Record<string, unknown>> {
    return new Promise((resolve) => {
      const check = (): void => {
        const line = this.lines.find((l) => typeof l.msg === 'string' && l.msg.includes(text));
        if (line === undefined) return;
        this.waiters.delete(check);
        resolve(line);
      };
      this.waiters.add(check);
      check();
    });
  }
}

/** Drops the fields that move with the clock, so two readings of a still system compare equal. */
export function withoutTime(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTime);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== 'now' && key !== 'uptimeMs')
      .map(([key, inner]) => [key, withoutTime(inner)]),
  );
}
