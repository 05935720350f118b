import type { Clock } from '../kernel/clock';
import { PredatorError } from '../kernel/errors';
import type { ControlCommand, ControlCommandInput, ControlCommandType } from './control-commands';
import { changesState, commandLine, describeCommand, parseCommand } from './control-commands';

/** What a caller may do, least first: `viewer` reads, `operator` stops things, `admin` starts them. */
export type Role = 'viewer' | 'operator' | 'admin';

/** The surface a command came through. */
export type Via = 'cli' | 'gateway' | 'telegram' | 'test';

/** Who is asking, as the adapter (gateway session, Telegram allowlist, CLI token) established it. */
export interface Identity {
  readonly id: string;
  readonly role: Role;
  readonly via: Via;
}

const ROLE_RANK: Readonly<Record<Role, number>> = Object.freeze({ viewer: 0, operator: 1, admin: 2 });

/**
 * The least role each command needs; a higher role may do what a lower one may. Deny by default:
 * a command or role missing from the tables is refused to everyone. Stopping things (halt, kill,
 * reset a breaker) is an operator's job; starting them again, going live and chaos are an admin's.
 * Incidents are an operator's records: whoever handled one resolves it, writes its post-mortem and
 * signs it (none of which lifts a kill or moves money). Signing off the stability gate, the
 * decision those records feed, is an admin's, so closing post-mortems alone never passes the gate.
 */
export const REQUIRED_ROLE: Readonly<Record<ControlCommandType, Role>> = Object.freeze({
  status: 'viewer',
  incidents: 'viewer',
  postmortem: 'viewer',
  halt: 'operator',
  kill: 'operator',
  reset_breaker: 'operator',
  resolve_incident: 'operator',
  reopen_incident: 'operator',
  complete_postmortem: 'operator',
  sign_postmortem: 'operator',
  resume: 'admin',
  set_mode: 'admin',
  chaos: 'admin',
  signoff_gate: 'admin',
});

/** Whether `role` may run commands of `type` under {@link REQUIRED_ROLE}. */
export function isAllowed(role: Role, type: ControlCommandType): boolean {
  if (!Object.hasOwn(REQUIRED_ROLE, type) || !Object.hasOwn(ROLE_RANK, role)) return false;
  return ROLE_RANK[role] >= ROLE_RANK[REQUIRED_ROLE[type]];
}

/** What the control plane acts on: the running instance, behind an interface so specs can fake it. */
export interface ControlTarget {
  /**
   * Why the command cannot apply here (e.g. no engine of that name, an incident already resolved),
   * or null when it can. Asked before a nonce is issued and again before the command runs.
   */
  check(cmd: ControlCommand): string | null | Promise<string | null>;
  /**
   * Carries the command out; the resolved value is shown to the caller. Throws
   * {@link ControlTargetRefusal} when it refused and changed nothing; any other error reads as a
   * failure that may have partly taken effect.
   */
  execute(cmd: ControlCommand, by: Identity): Promise<unknown>;
}

/**
 * A target refused a command while executing it and changed nothing (e.g. the incident book found
 * the incident in another state than the check saw): answered `refused` / `INVALID_TARGET`, not
 * `failed`.
 */
export class ControlTargetRefusal extends PredatorError {}

/** Why a request or confirmation was refused. */
export type RefusalReason =
  | 'INVALID_COMMAND'
  | 'FORBIDDEN'
  | 'INVALID_TARGET'
  | 'NONCE_UNKNOWN'
  | 'NONCE_EXPIRED'
  | 'NONCE_REPLAYED'
  | 'NONCE_NOT_YOURS'
  | 'NONCE_UNAVAILABLE';

/** The control plane's answer to a request or a confirmation. */
export type ControlAnswer =
  /** The command ran; `result` is what the target returned. */
  | { readonly status: 'done'; readonly summary: string; readonly result: unknown }
  /** Nothing ran yet: confirm with `nonce`, as the same identity, before `expiresAt` (clock ms). */
  | {
      readonly status: 'confirm';
      readonly nonce: string;
      readonly expiresAt: number;
      readonly summary: string;
    }
  /** Nothing ran; `message` says why in words an operator can act on. */
  | { readonly status: 'refused'; readonly reason: RefusalReason; readonly message: string }
  /** The command was attempted and the target failed; it may have partly taken effect. */
  | { readonly status: 'failed'; readonly summary: string; readonly error: string };

/** One attempt at the control plane, allowed or not. */
export interface AuditEntry {
  /** Clock time the attempt arrived. */
  readonly t: number;
  readonly identity: { readonly id: string; readonly role: Role; readonly via: Via };
  readonly phase: 'request' | 'confirm';
  /** The command line as typed (`kill_engine maker cancel`); empty for a nonce that names nothing. */
  readonly command: string;
  readonly outcome: ControlAnswer['status'];
  /** The refusal code, or `EXECUTION_FAILED`. */
  readonly reason?: string;
  /** The refusal or failure message. */
  readonly message?: string;
  /** The confirmation nonce, once one was issued; never a credential. */
  readonly nonce?: string;
}

/** Where audit entries go. Appends must be durable by the time the promise resolves. */
export interface AuditLog {
  append(entry: AuditEntry): Promise<void>;
  /** The last `limit` entries (all when omitted), newest last. */
  list(limit?: number): Promise<AuditEntry[]>;
}

/** What a {@link ControlPlane} is built with. */
export interface ControlPlaneDeps {
  readonly clock: Clock;
  readonly target: ControlTarget;
  readonly audit: AuditLog;
  /** A fresh unguessable nonce per call (e.g. 16 random bytes as hex). */
  readonly nonce: () => string;
  /** How long a confirmation stays valid; 60 s by default. */
  readonly confirmTtlMs?: number;
}

interface Pending {
  readonly command: ControlCommand;
  readonly line: string;
  readonly owner: string;
  readonly expiresAt: number;
}

interface Used {
  readonly line: string;
  readonly owner: string;
  readonly expiresAt: number;
}

/** Unconfirmed requests kept at most; past it the oldest is forgotten (its nonce becomes unknown). */
const MAX_PENDING = 1_000;
/** Confirmed nonces remembered at most; past it the oldest replays read as unknown (still refused). */
const MAX_USED = 10_000;
const NONCE_ATTEMPTS = 3;

/**
 * Executes every operator command, whichever surface it came from: parses it, checks the caller's
 * role and the target, asks for a confirmation nonce before anything that changes state, and
 * writes one audit entry per attempt. Answers are data; only a failing audit log rejects.
 *
 * @example
 * const plane = new ControlPlane({ clock, target, audit: new MemoryAuditLog(), nonce: () => randomHex(16) });
 * const ask = await plane.request(alice, { command: 'kill_engine', args: ['maker'] });
 * if (ask.status === 'confirm') await plane.confirm(alice, ask.nonce); // { status: 'done', ... }
 */
export class ControlPlane {
  private readonly clock: Clock;
  private readonly target: ControlTarget;
  private readonly audit: AuditLog;
  private readonly newNonce: () => string;
  private readonly ttlMs: number;
  private readonly pending = new Map<string, Pending>();
  private readonly used = new Map<string, Used>();

  constructor(deps: ControlPlaneDeps) {
    const ttl = deps.confirmTtlMs ?? 60_000;
    if (!Number.isFinite(ttl) || ttl <= 0) throw new RangeError(`confirmTtlMs must be > 0, got ${ttl}`);
    this.clock = deps.clock;
    this.target = deps.target;
    this.audit = deps.audit;
    this.newNonce = deps.nonce;
    this.ttlMs = ttl;
  }

  /**
   * Asks for a command. A read-only command runs at once (`done`); one that changes state answers
   * `confirm` with a nonce and runs nothing until {@link ControlPlane.confirm}.
   */
  async request(identity: Identity, input: ControlCommandInput): Promise<ControlAnswer> {
    const t = this.clock.now();
    const line = commandLine(input);
    const record = (answer: ControlAnswer, nonce?: string): Promise<ControlAnswer> =>
      this.record({ t, identity, phase: 'request', command: line, answer, nonce });

    let command: ControlCommand;
    try {
      command = parseCommand(input);
    } catch (err) {
      return record(refused('INVALID_COMMAND', errorMessage(err)));
    }
    // Why role before target: a viewer must not learn which engines exist by probing names.
    const forbidden = this.authorize(identity, command);
    if (forbidden) return record(forbidden);
    const invalid = await this.checkTarget(command);
    if (invalid) return record(invalid);

    if (!changesState(command)) return record(await this.run(command, identity));

    this.prune(t);
    const nonce = this.freshNonce();
    if (nonce === null)
      return record(refused('NONCE_UNAVAILABLE', 'could not issue a fresh confirmation nonce; try again'));
    const expiresAt = t + this.ttlMs;
    this.pending.set(nonce, { command, line, owner: identity.id, expiresAt });
    if (this.pending.size > MAX_PENDING) this.pending.delete(this.pending.keys().next().value as string);
    return record({ status: 'confirm', nonce, expiresAt, summary: describeCommand(command) }, nonce);
  }

  /**
   * Runs the command a nonce was issued for, once, if the caller is who asked for it, still has
   * the role, and the nonce has not expired on the clock.
   */
  async confirm(identity: Identity, nonce: string): Promise<ControlAnswer> {
    const t = this.clock.now();
    this.prune(t);
    const pending = typeof nonce === 'string' ? this.pending.get(nonce) : undefined;
    const used = typeof nonce === 'string' ? this.used.get(nonce) : undefined;
    const known = pending ?? used;
    const record = (answer: ControlAnswer): Promise<ControlAnswer> =>
      this.record({
        t,
        identity,
        phase: 'confirm',
        command: known?.line ?? '',
        answer,
        // Why: an unknown "nonce" may be anything the caller pasted — even a credential; keep it out.
        nonce: known ? nonce : undefined,
      });

    if (!known)
      return record(refused('NONCE_UNKNOWN', 'no pending command has this nonce; request it again'));
    // Why ownership first: a stranger holding a nonce learns nothing about its state.
    if (known.owner !== identity.id)
      return record(
        refused('NONCE_NOT_YOURS', 'this nonce was issued to someone else; request the command yourself'),
      );
    if (!pending)
      return record(refused('NONCE_REPLAYED', 'this nonce was already used; request the command again'));
    if (t > pending.expiresAt)
      return record(
        refused('NONCE_EXPIRED', `confirmation expired ${t - pending.expiresAt} ms ago; request it again`),
      );

    // Why consume before any await: two concurrent confirmations must not both run the command.
    this.pending.delete(nonce);
    this.used.set(nonce, { line: pending.line, owner: pending.owner, expiresAt: pending.expiresAt });
    if (this.used.size > MAX_USED) this.used.delete(this.used.keys().next().value as string);
    const forbidden = this.authorize(identity, pending.command);
    if (forbidden) return record(forbidden);
    const invalid = await this.checkTarget(pending.command);
    if (invalid) return record(invalid);
    return record(await this.run(pending.command, identity));
  }

  private authorize(identity: Identity, command: ControlCommand): ControlAnswer | null {
    if (typeof identity.id !== 'string' || identity.id === '')
      return refused('FORBIDDEN', 'an anonymous caller may not run commands');
    if (isAllowed(identity.role, command.type)) return null;
    const need = Object.hasOwn(REQUIRED_ROLE, command.type) ? REQUIRED_ROLE[command.type] : 'nobody';
    return refused(
      'FORBIDDEN',
      `${command.type} needs role ${need}; ${identity.id} is ${String(identity.role)}`,
    );
  }

  private async checkTarget(command: ControlCommand): Promise<ControlAnswer | null> {
    let problem: string | null;
    try {
      problem = await this.target.check(command);
    } catch (err) {
      problem = `target check failed: ${errorMessage(err)}`;
    }
    return problem === null ? null : refused('INVALID_TARGET', problem);
  }

  private async run(command: ControlCommand, identity: Identity): Promise<ControlAnswer> {
    const summary = describeCommand(command);
    try {
      const result = await this.target.execute(command, snapshot(identity));
      return { status: 'done', summary, result };
    } catch (err) {
      if (err instanceof ControlTargetRefusal) return refused('INVALID_TARGET', err.message);
      return { status: 'failed', summary, error: errorMessage(err) };
    }
  }

  private freshNonce(): string | null {
    for (let i = 0; i < NONCE_ATTEMPTS; i++) {
      let nonce: string;
      try {
        nonce = this.newNonce();
      } catch {
        return null;
      }
      if (typeof nonce === 'string' && nonce !== '' && !this.pending.has(nonce) && !this.used.has(nonce))
        return nonce;
    }
    return null;
  }

  /**
   * Forgets used nonces that have expired (a replay then reads as unknown, still refused) and
   * pending ones one TTL past expiry, so an expired nonce is reported as expired for a while.
   */
  private prune(now: number): void {
    for (const [nonce, entry] of this.used) if (now > entry.expiresAt) this.used.delete(nonce);
    for (const [nonce, entry] of this.pending)
      if (now > entry.expiresAt + this.ttlMs) this.pending.delete(nonce);
  }

  private async record(attempt: {
    t: number;
    identity: Identity;
    phase: AuditEntry['phase'];
    command: string;
    answer: ControlAnswer;
    nonce?: string | undefined;
  }): Promise<ControlAnswer> {
    const { answer } = attempt;
    const entry: AuditEntry = {
      t: attempt.t,
      identity: snapshot(attempt.identity),
      phase: attempt.phase,
      command: attempt.command,
      outcome: answer.status,
      ...(answer.status === 'refused' ? { reason: answer.reason, message: answer.message } : {}),
      ...(answer.status === 'failed' ? { reason: 'EXECUTION_FAILED', message: answer.error } : {}),
      ...(attempt.nonce !== undefined ? { nonce: attempt.nonce } : {}),
    };
    await this.audit.append(entry);
    return answer;
  }
}

function refused(reason: RefusalReason, message: string): ControlAnswer {
  return { status: 'refused', reason, message };
}

/** Only the three identity fields, so nothing else an adapter attached leaks into logs. */
function snapshot(identity: Identity): Identity {
  return { id: identity.id, role: identity.role, via: identity.via };
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
