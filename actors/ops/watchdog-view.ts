import type { Clock, TimerHandle } from '../kernel/clock';
import type { Logger } from '../kernel/logger';
import type { PendingAsk } from '../kernel/pending-asks';
import type { HeartbeatState } from '../kernel/watchdog';
import type { AnomalyObservation } from './anomaly-record';
import type { WaitCycle } from './watchdog-deadlocks';
import { waitCycles } from './watchdog-deadlocks';
import type { IncidentReport, RecordedFinding, WatchdogFinding, WatchdogSnapshot } from './watchdog-findings';
import {
  RECORDED_AS,
  deadlockFinding,
  hungFinding,
  missingFinding,
  recoveredFinding,
  unwatchedFinding,
} from './watchdog-findings';
import type { WatchdogSources } from './watchdog-sources';
import type { WatchdogViewConfig } from './watchdog-view.config';
import { parseWatchdogViewConfig } from './watchdog-view.config';

/** What {@link WatchdogView.open} needs. */
export interface WatchdogViewOptions {
  readonly sources: WatchdogSources;
  readonly clock: Clock;
  readonly logger: Logger;
  /** A `WatchdogViewConfigInput`; defaults for every field left out. */
  readonly config?: unknown;
}

/** What the view remembers of one component between looks. */
interface Tracked {
  /** The watch registration this belongs to: a restarted component is judged afresh. */
  watchedAt: number | null;
  /** `missedTotal` already judged. */
  missedSeen: number;
  /** A hang or deadlock reported and not over: its misses are not an anomaly as well. */
  episode: 'hung' | 'deadlock' | null;
  /** Since when it has run without heartbeats, if it does. */
  unwatchedSince: number | null;
  /** That spell was reported. */
  reported: boolean;
}

/**
 * The operations view over the kernel watchdog: every `everyMs` on the clock it looks at what the
 * watchdog knows of each component and at the asks in flight, and judges (see `watchdog-findings.ts`
 * for severities): heartbeats missed and answered again (anomaly), running components without
 * heartbeats (anomaly), hung components (`HUNG_COMPONENT`) and rings of components waiting on each
 * other's answers (`DEADLOCK`). It also hears of every component the kernel watchdog fails, so a
 * hang is reported at the latest when it is killed, once per hang or ring. It never throws into the
 * runtime and never changes what the watchdog does.
 *
 * @example
 * const view = WatchdogView.open({ sources: runtimeWatchdogSources(runtime, anomalies), clock, logger });
 * view.start();
 * view.snapshot(); // GET /api/ops/watchdog
 * view.stop();
 */
export class WatchdogView {
  private readonly tracked = new Map<string, Tracked>();
  /** Ids of the asks of every ring reported, while they are pending: a ring is reported once. */
  private readonly reportedAsks = new Set<number>();
  private readonly recorded: RecordedFinding[] = [];
  private findings: WatchdogFinding[] = [];
  private lastLookAt: number | null = null;
  private timer: TimerHandle | undefined;
  private detach: (() => void) | undefined;
  private failing = false;
  private started = false;
  private stopped = false;

  private constructor(
    private readonly options: WatchdogViewOptions,
    readonly config: WatchdogViewConfig,
  ) {}

  /** Validates the config against the kernel's heartbeat settings (a `ConfigError` names every bad field). */
  static open(options: WatchdogViewOptions): WatchdogView {
    const heartbeat = options.sources.heartbeats.view().config;
    return new WatchdogView(options, parseWatchdogViewConfig(options.config ?? {}, heartbeat));
  }

  /** Hears of the watchdog's failures and arms the look. Once only. */
  start(): void {
    if (this.started) throw new Error('watchdog view already started');
    this.started = true;
    this.detach = this.options.sources.heartbeats.onFailed((state) => this.guard(() => this.killed(state)));
    this.arm();
  }

  /** Stops looking and listening. */
  stop(): void {
    this.stopped = true;
    this.detach?.();
    this.options.clock.clearTimeout(this.timer);
  }

  /** `GET /api/ops/watchdog`: components and asks as of now, findings as of the last look. */
  snapshot(): WatchdogSnapshot {
    const { sources, clock } = this.options;
    const now = clock.now();
    const heartbeats = sources.heartbeats.view();
    const states = new Map(heartbeats.watched.map((s) => [s.id, s]));
    return {
      now,
      system: sources.systemState(),
      heartbeat: { ...heartbeats.config, running: heartbeats.running, failures: heartbeats.failures },
      config: this.config,
      lastLookAt: this.lastLookAt,
      components: sources.components().map(({ id, lifecycle }) => {
        const state = states.get(id);
        return {
          id,
          lifecycle,
          watched: state !== undefined,
          watchedAt: state?.watchedAt ?? null,
          missed: state?.missed ?? 0,
          missedTotal: state?.missedTotal ?? 0,
          answeredAt: state?.answeredAt ?? null,
          outstandingSince: state?.outstandingSince ?? null,
        };
      }),
      asks: sources.asks.list().map((ask) => ({ ...ask, ageMs: now - ask.since })),
      findings: [...this.findings],
      recorded: [...this.recorded],
    };
  }

  private arm(): void {
    this.timer = this.options.clock.setTimeout(() => {
      if (this.stopped) return;
      this.guard(() => this.look());
      this.arm();
    }, this.config.everyMs);
  }

  private look(): void {
    const { sources, clock } = this.options;
    const now = clock.now();
    this.lastLookAt = now;
    if (sources.systemState() !== 'running') {
      // Starting, halting or halted: nothing is expected to answer.
      this.findings = [];
      for (const tracked of this.tracked.values()) tracked.unwatchedSince = null;
      return;
    }
    const heartbeats = sources.heartbeats.view();
    const states = new Map(heartbeats.watched.map((s) => [s.id, s]));
    const asks = sources.asks.list().filter((ask) => !ask.orphaned);
    const pendingIds = new Set(asks.map((ask) => ask.id));
    for (const id of this.reportedAsks) if (!pendingIds.has(id)) this.reportedAsks.delete(id);
    const findings: WatchdogFinding[] = [];
    const deadlocked = new Set<string>();
    // On a ring, old enough or not: waiting on the ring, not hung on its own.
    const ringed = new Set<string>();
    for (const cycle of waitCycles(asks)) {
      for (const member of cycle.members) ringed.add(member);
      if (cycle.asks.some((ask) => now - ask.since < this.config.deadlockAfterMs)) continue;
      for (const member of cycle.members) deadlocked.add(member);
      findings.push(this.deadlock(cycle, now));
    }
    const oldestAsk = new Map<string, PendingAsk>();
    for (const ask of asks) if (!oldestAsk.has(ask.to)) oldestAsk.set(ask.to, ask);
    for (const { id, lifecycle } of sources.components()) {
      if (lifecycle !== 'running' && lifecycle !== 'degraded') continue;
      const state = states.get(id);
      const tracked = this.track(id, state);
      const unwatched = this.unwatched(id, tracked, heartbeats.running, state !== undefined, now);
      if (unwatched) findings.push(unwatched);
      if (deadlocked.has(id)) continue;
      const hangSince = earliest(state?.outstandingSince, oldestAsk.get(id)?.since);
      if (!ringed.has(id) && hangSince !== undefined && now - hangSince >= this.config.hungAfterMs) {
        findings.push(this.hung(id, hangSince, state, now, false));
        continue;
      }
      if (state === undefined) continue;
      if (tracked.episode !== null && state.missed === 0) {
        // The hang is over (it answers again): its misses were the incident, not an anomaly.
        tracked.episode = null;
        tracked.missedSeen = state.missedTotal;
      }
      if (state.missed > 0) findings.push(missingFinding(state, heartbeats.config.maxMissed, now));
      else if (state.missedTotal > tracked.missedSeen) {
        const { finding, observation } = recoveredFinding(state, state.missedTotal - tracked.missedSeen, now);
        tracked.missedSeen = state.missedTotal;
        this.report(finding, observation);
      }
    }
    this.findings = findings;
  }

  /** The kernel watchdog is about to fail a component: a ring it is on, else a hang, unless reported. */
  private killed(state: HeartbeatState): void {
    const tracked = this.track(state.id, state);
    if (tracked.episode !== null) return;
    const now = this.options.clock.now();
    const cycle = waitCycles(this.options.sources.asks.list()).find((c) => c.members.includes(state.id));
    if (cycle) this.deadlock(cycle, now);
    else this.hung(state.id, state.outstandingSince ?? now, state, now, true);
  }

  private track(id: string, state: HeartbeatState | undefined): Tracked {
    let tracked = this.tracked.get(id);
    if (tracked === undefined) {
      tracked = { watchedAt: null, missedSeen: 0, episode: null, unwatchedSince: null, reported: false };
      this.tracked.set(id, tracked);
    }
    if (state !== undefined && tracked.watchedAt !== state.watchedAt) {
      tracked.watchedAt = state.watchedAt;
      tracked.missedSeen = 0;
      tracked.episode = null;
    }
    return tracked;
  }

  private deadlock(cycle: WaitCycle, now: number): WatchdogFinding {
    const { finding, incident } = deadlockFinding(cycle, now);
    for (const member of cycle.members)
      this.track(member, this.options.sources.heartbeats.state(member)).episode = 'deadlock';
    if (cycle.asks.some((ask) => this.reportedAsks.has(ask.id))) return finding;
    for (const ask of cycle.asks) this.reportedAsks.add(ask.id);
    this.raise(finding, cycle.members[0] as string, incident);
    return finding;
  }

  private hung(
    id: string,
    since: number,
    state: HeartbeatState | undefined,
    now: number,
    killed: boolean,
  ): WatchdogFinding {
    const asks = this.options.sources.asks.list().filter((ask) => ask.to === id && !ask.orphaned);
    const { finding, incident } = hungFinding(id, since, state, asks, now, killed);
    const tracked = this.track(id, state);
    if (tracked.episode !== null) return finding;
    tracked.episode = 'hung';
    this.raise(finding, id, incident);
    return finding;
  }

  /** Running without heartbeats for `unwatchedAfterMs`: the finding, reported once per spell. */
  private unwatched(
    id: string,
    tracked: Tracked,
    watchdogRunning: boolean,
    registered: boolean,
    now: number,
  ): WatchdogFinding | undefined {
    if (watchdogRunning && registered) {
      tracked.unwatchedSince = null;
      tracked.reported = false;
      return undefined;
    }
    tracked.unwatchedSince ??= now;
    if (now - tracked.unwatchedSince < this.config.unwatchedAfterMs) return undefined;
    const { finding, observation } = unwatchedFinding(id, tracked.unwatchedSince, watchdogRunning, now);
    if (!tracked.reported) {
      tracked.reported = true;
      this.report(finding, observation);
    }
    return finding;
  }

  private raise(finding: WatchdogFinding, actor: string, incident: IncidentReport): void {
    const raised = this.options.sources.incidents.raiseIncident(
      actor,
      incident.kind,
      incident.detail,
      incident.data,
    );
    this.remember(finding, raised.id);
  }

  private report(finding: WatchdogFinding, observation: AnomalyObservation): void {
    const record = this.options.sources.anomalies?.report(observation);
    this.options.logger.warn({ finding }, finding.summary);
    this.remember(finding, record?.id ?? null);
  }

  private remember(finding: WatchdogFinding, ref: number | null): void {
    this.recorded.unshift({ ...finding, recordedAs: RECORDED_AS[finding.severity], ref });
    if (this.recorded.length > this.config.keepRecorded) this.recorded.length = this.config.keepRecorded;
  }

  private guard(run: () => void): void {
    try {
      run();
      this.failing = false;
    } catch (error) {
      // Once per run of failures: a broken source must not flood the log every look.
      if (!this.failing) this.options.logger.error({ err: error }, 'watchdog view failed');
      this.failing = true;
    }
  }
}

function earliest(a: number | null | undefined, b: number | undefined): number | undefined {
  if (a === null || a === undefined) return b;
  return b === undefined ? a : Math.min(a, b);
}
