import type { Clock, TimerHandle } from '../kernel/clock';
import type { ControlAnswer, ControlPlane, Identity } from './control-plane';
import type { OperatorScopeLook } from './soak-operator-look';
import { parseSoakOperatorConfig } from './soak-operator.config';
import type { SoakOperatorConfig, SoakOperatorConfigInput } from './soak-operator.config';

const DAY_MS = 86_400_000;

/** Who the simulated operator is to the control plane (and in the audit trail). */
export const SOAK_OPERATOR: Identity = Object.freeze({ id: 'soak-operator', role: 'admin', via: 'test' });

/** What the simulated operator did, for the soak report. */
export interface SoakOperatorActions {
  /** Commands carried out, by command word (`reset_breaker`, `resume_engine`, `resume_strategy`, `resume`). */
  readonly done: Readonly<Record<string, number>>;
  /** Commands the control plane refused, by command word and reason (`resume_engine INVALID_TARGET`). */
  readonly refused: Readonly<Record<string, number>>;
  /** Commands that failed in the target, or whose audit could not be written (e.g. Redis down). */
  readonly failed: number;
  /** Looks at which a restricted scope was left alone because its reconciliation was not clean. */
  readonly heldUnreconciled: number;
  /** Looks at which a restricted scope was left alone because it was resumed too often that day. */
  readonly heldCapped: number;
}

/** What a {@link SoakOperator} is built with. */
export interface SoakOperatorDeps {
  readonly clock: Clock;
  /** The real control plane: every command the operator gives is requested, confirmed and audited. */
  readonly plane: Pick<ControlPlane, 'request' | 'confirm'>;
  /** Reads the system (`lookAtTrading`), global first. */
  readonly look: () => readonly OperatorScopeLook[];
  readonly config?: SoakOperatorConfigInput;
}

/**
 * A careful on-call human for the deterministic soak. Every `everyMs` of the soak's clock it looks
 * at the system; a scope (the instance, or an engine with its strategies) restricted for
 * `respondAfterMs` since it first saw it is resumed — RED breakers on it reset first — only when
 * reconciliation vouches for it, and at most `maxResumesPerDay` times a simulated day. Every
 * command goes through the control plane (request, then confirm the nonce), so it is audited and
 * the soak's invariant 5 sees a control-plane resume. Without it, the first order whose outcome
 * stays unknown leaves its engine REDUCING for the rest of the soak.
 *
 * @example
 * const operator = new SoakOperator({ clock, plane, look: () => lookAtTrading(runtime, services, layout, breakers) });
 * operator.start(); // … operator.stop(); operator.actions();
 */
export class SoakOperator {
  private readonly clock: Clock;
  private readonly plane: SoakOperatorDeps['plane'];
  private readonly look: SoakOperatorDeps['look'];
  readonly config: SoakOperatorConfig;
  private timer: TimerHandle | null = null;
  private busy = false;
  /** When each restricted scope was first seen restricted (cleared once it trades freely again). */
  private readonly seen = new Map<string, number>();
  /** Resumes per scope on its simulated day. */
  private readonly resumes = new Map<string, { day: number; count: number }>();
  private readonly done: Record<string, number> = {};
  private readonly refused: Record<string, number> = {};
  private failed = 0;
  private heldUnreconciled = 0;
  private heldCapped = 0;

  constructor(deps: SoakOperatorDeps) {
    this.clock = deps.clock;
    this.plane = deps.plane;
    this.look = deps.look;
    this.config = parseSoakOperatorConfig(deps.config);
  }

  /** Starts looking every `everyMs`. */
  start(): void {
    if (this.timer !== null) return;
    const tick = (): void => {
      this.timer = this.clock.setTimeout(tick, this.config.everyMs);
      void this.round();
    };
    this.timer = this.clock.setTimeout(tick, this.config.everyMs);
  }

  /** Stops looking (a round under way finishes). */
  stop(): void {
    this.clock.clearTimeout(this.timer ?? undefined);
    this.timer = null;
  }

  /** One look at the system, and whatever it calls for. A round still under way makes it a no-op. */
  async round(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (const scope of this.look()) await this.consider(scope);
    } finally {
      this.busy = false;
    }
  }

  /** What the operator did so far. */
  actions(): SoakOperatorActions {
    return {
      done: { ...this.done },
      refused: { ...this.refused },
      failed: this.failed,
      heldUnreconciled: this.heldUnreconciled,
      heldCapped: this.heldCapped,
    };
  }

  private async consider(scope: OperatorScopeLook): Promise<void> {
    const now = this.clock.now();
    if (!scope.restricted) {
      this.seen.delete(scope.id);
      return;
    }
    const since = this.seen.get(scope.id) ?? now;
    this.seen.set(scope.id, since);
    if (now - since < this.config.respondAfterMs) return;
    // Why: resuming books that disagree with the venue would trade on a position nobody can vouch for.
    if (!scope.clean) {
      this.heldUnreconciled++;
      return;
    }
    const day = Math.floor(now / DAY_MS);
    const used = this.resumes.get(scope.id);
    const count = used?.day === day ? used.count : 0;
    if (count >= this.config.maxResumesPerDay) {
      this.heldCapped++;
      return;
    }
    this.resumes.set(scope.id, { day, count: count + 1 });
    // A restriction that comes back after this resume waits `respondAfterMs` again.
    this.seen.delete(scope.id);
    for (const name of scope.redBreakers) await this.issue('reset_breaker', [name]);
    if (scope.level === 'global') {
      await this.issue('resume', []);
      return;
    }
    for (const strategy of scope.restrictedStrategies) await this.issue('resume_strategy', [strategy]);
    if (scope.scopeRestricted) await this.issue('resume_engine', [scope.id]);
  }

  /** Requests a command and confirms its nonce, as an operator at a terminal would. */
  private async issue(command: string, args: readonly string[]): Promise<void> {
    let answer: ControlAnswer;
    try {
      answer = await this.plane.request(SOAK_OPERATOR, { command, args });
      if (answer.status === 'confirm') answer = await this.plane.confirm(SOAK_OPERATOR, answer.nonce);
    } catch {
      // Only a failing audit log rejects: the command may have run; it counts as failed.
      this.failed++;
      return;
    }
    if (answer.status === 'done') this.done[command] = (this.done[command] ?? 0) + 1;
    else if (answer.status === 'refused') {
      const key = `${command} ${answer.reason}`;
      this.refused[key] = (this.refused[key] ?? 0) + 1;
    } else if (answer.status === 'failed') this.failed++;
  }
}
