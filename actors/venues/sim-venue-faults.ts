import { z } from 'zod';
import { ConfigError } from '../kernel/errors';
import type { Rng } from '../kernel/rng';
import { formatPath } from '../kernel/system-config';
import { ORDER_REJECT_REASONS, VENUE_OPS } from './sim-venue-errors';
import type { OrderRejectReason, VenueOp } from './sim-venue-errors';

const op = z.enum(VENUE_OPS as [VenueOp, ...VenueOp[]]);
const reason = z.enum(ORDER_REJECT_REASONS as [OrderRejectReason, ...OrderRejectReason[]]);
const ms = z.number().int().min(0).max(86_400_000);

/** What every fault may say about when it applies. */
const scope = {
  /** Operations it applies to; each kind has a sensible default (see {@link defaultOps}). */
  ops: z.array(op).min(1).optional(),
  /** Only requests for these symbols (requests without a symbol never match). */
  symbols: z.array(z.string()).min(1).optional(),
  /** Only requests about this client order id. */
  clientOrderId: z.string().optional(),
  /** How many requests it hits before it is spent; `'unlimited'` until removed. */
  count: z.union([z.number().int().positive(), z.literal('unlimited')]).default(1),
  /** Chance that a matching request is hit, drawn from the venue's fault stream. */
  probability: z.number().min(0).max(1).default(1),
};

/**
 * The zod schema of {@link VenueFault}: faults are data, so tests and the chaos engine can build,
 * store and replay them.
 */
export const venueFaultSchema = z.discriminatedUnion('kind', [
  /** The venue processes the request `ms` later (all matching delays add up). */
  z.strictObject({ kind: z.literal('delay'), ms, ...scope }),
  /** The request is refused with `reason`; nothing is executed. */
  z.strictObject({ kind: z.literal('reject'), reason: reason.default('REJECTED_BY_VENUE'), ...scope }),
  /** HTTP 429 with `Retry-After`; nothing is executed. */
  z.strictObject({ kind: z.literal('rateLimit'), retryAfterMs: ms.default(1_000), ...scope }),
  /** HTTP 418: every request is refused until `retryAfterMs` has passed. */
  z.strictObject({ kind: z.literal('ban'), retryAfterMs: ms.default(60_000), ...scope }),
  /** HTTP 5xx. With `afterAccept` the request was executed before the error (outcome unknown). */
  z.strictObject({
    kind: z.literal('unavailable'),
    status: z.number().int().min(500).max(599).default(503),
    afterAccept: z.boolean().default(false),
    ...scope,
  }),
  /** The request is lost on the way in: nothing executed; the caller times out. */
  z.strictObject({ kind: z.literal('timeout'), ...scope }),
  /** The request IS executed but the answer is lost: the caller times out (unknown outcome). */
  z.strictObject({ kind: z.literal('timeoutAfterAccept'), ...scope }),
  /** The venue answers "order not found" about an order that exists. */
  z.strictObject({ kind: z.literal('notFound'), ...scope }),
  /**
   * A partial-fill storm: while it is in force, each of our orders fills in pieces of at most
   * 1/`pieces` of its quantity (at least one lot) — a taker order in that many fills at once, a
   * resting order one piece per book update. Not a request fault: it has no `ops`, `count` or
   * `probability` and lasts until removed.
   */
  z.strictObject({
    kind: z.literal('partialFills'),
    pieces: z.number().int().min(2).max(1_000),
    symbols: scope.symbols,
    clientOrderId: scope.clientOrderId,
  }),
  /**
   * The venue's clock runs `ms` ahead of ours (behind when negative): every time it stamps — orders,
   * fills, refusals, `time()` — is shifted. Lasts until removed; skews in force add up.
   */
  z.strictObject({
    kind: z.literal('clockSkew'),
    ms: z
      .number()
      .int()
      .min(-86_400_000)
      .max(86_400_000)
      .refine((n) => n !== 0, 'expected a non-zero number of ms'),
  }),
]);

/** A validated fault. */
export type VenueFault = z.infer<typeof venueFaultSchema>;

/** Fault kinds that stay in force until removed instead of hitting requests. */
type StandingKind = 'partialFills' | 'clockSkew';

/** A fault that hits requests (every kind but the standing ones). */
type RequestFault = Exclude<VenueFault, { kind: StandingKind }>;

/** A fault as written (defaults may be left out). */
export type VenueFaultInput = z.input<typeof venueFaultSchema>;

/** The kind of a fault. */
export type VenueFaultKind = VenueFault['kind'];

/** A fault in force, with how many hits it has left. */
export interface ActiveFault {
  readonly id: string;
  readonly fault: VenueFault;
  readonly remaining: number | 'unlimited';
}

/** A fault that hit a request. */
export interface FiredFault {
  readonly id: string;
  readonly kind: VenueFaultKind;
  readonly op: VenueOp;
  readonly clientOrderId: string | undefined;
}

/** What a request is about, for matching faults. */
export interface FaultTarget {
  readonly op: VenueOp;
  readonly symbol?: string;
  readonly clientOrderId?: string;
}

/** The operations a fault of `kind` hits when it names none (none for the standing kinds). */
export function defaultOps(kind: VenueFaultKind): readonly VenueOp[] {
  switch (kind) {
    case 'partialFills':
    case 'clockSkew':
      return [];
    case 'reject':
      return ['submit'];
    case 'timeoutAfterAccept':
      return ['submit', 'cancel'];
    case 'notFound':
      return ['query'];
    default:
      return VENUE_OPS;
  }
}

interface Rule {
  readonly id: string;
  readonly fault: VenueFault;
  readonly ops: ReadonlySet<VenueOp>;
  remaining: number | 'unlimited';
}

function isRequestFault(fault: VenueFault): fault is RequestFault {
  return fault.kind !== 'partialFills' && fault.kind !== 'clockSkew';
}

/**
 * The fault hooks of a venue. Rules apply in the order they were set; each hit uses one of its
 * `count`. Every matching `delay` adds up; of the other kinds the first matching rule wins. The
 * standing kinds, `partialFills` and `clockSkew`, hit no request: matching and the venue's clock
 * read them ({@link SimVenueFaults.fillPieces}, {@link SimVenueFaults.clockSkewMs}) until removed.
 *
 * @example
 * venue.faults.set({ kind: 'timeoutAfterAccept', count: 1, ops: ['submit'] });
 * venue.faults.set({ kind: 'notFound', count: 3, clientOrderId: 'abc' });
 * venue.faults.set({ kind: 'unavailable', status: 503, probability: 0.01, count: 'unlimited' });
 * const storm = venue.faults.set({ kind: 'partialFills', pieces: 20 });
 * venue.faults.remove(storm);
 */
export class SimVenueFaults {
  private readonly rules: Rule[] = [];
  private readonly log: FiredFault[] = [];
  private nextId = 1;

  constructor(private readonly rng: Rng) {}

  /**
   * Adds a fault (alongside those already set); returns its id. Throws {@link ConfigError} naming
   * the bad field when the fault is malformed.
   */
  set(input: VenueFaultInput): string {
    const parsed = venueFaultSchema.safeParse(input);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
      throw new ConfigError(`invalid venue fault:\n  ${issues.join('\n  ')}`, issues);
    }
    const id = `fault-${this.nextId++}`;
    const fault = parsed.data;
    if (!isRequestFault(fault)) {
      this.rules.push({ id, fault, ops: new Set(), remaining: 'unlimited' });
      return id;
    }
    const ops = new Set(fault.ops ?? defaultOps(fault.kind));
    this.rules.push({ id, fault, ops, remaining: fault.count });
    return id;
  }

  /** Removes one fault; `false` if it was not in force. */
  remove(id: string): boolean {
    const at = this.rules.findIndex((r) => r.id === id);
    if (at >= 0) this.rules.splice(at, 1);
    return at >= 0;
  }

  /** Removes every fault. */
  clear(): void {
    this.rules.length = 0;
  }

  /** Faults in force, in the order they apply. */
  active(): ActiveFault[] {
    return this.rules.map((r) => ({ id: r.id, fault: r.fault, remaining: r.remaining }));
  }

  /** Every hit so far, oldest first. */
  fired(): readonly FiredFault[] {
    return this.log;
  }

  /** Total extra delay for `target`, using one hit of every matching `delay`. */
  delayFor(target: FaultTarget): number {
    let total = 0;
    for (const rule of [...this.rules])
      if (rule.fault.kind === 'delay' && this.hits(rule, target)) total += rule.fault.ms;
    return total;
  }

  /** The first fault of one of `kinds` that hits `target`, using one of its hits. */
  next(target: FaultTarget, kinds: readonly VenueFaultKind[]): VenueFault | undefined {
    for (const rule of [...this.rules])
      if (kinds.includes(rule.fault.kind) && this.hits(rule, target)) return rule.fault;
    return undefined;
  }

  /**
   * Into how many pieces, at least, a partial-fill storm splits the fills of an order of `symbol`
   * and `clientOrderId` now: the largest `pieces` of the storms in force that cover it, 1 when none
   * does. Reading it uses nothing up and draws nothing: matching asks on every fill.
   */
  fillPieces(symbol: string, clientOrderId: string): number {
    let pieces = 1;
    for (const { fault } of this.rules)
      if (
        fault.kind === 'partialFills' &&
        (fault.symbols === undefined || fault.symbols.includes(symbol)) &&
        (fault.clientOrderId === undefined || fault.clientOrderId === clientOrderId)
      )
        pieces = Math.max(pieces, fault.pieces);
    return pieces;
  }

  /** How far the venue's clock runs ahead of ours now (negative: behind): the sum of the skews in force. */
  clockSkewMs(): number {
    let ms = 0;
    for (const { fault } of this.rules) if (fault.kind === 'clockSkew') ms += fault.ms;
    return ms;
  }

  private hits(rule: Rule, target: FaultTarget): boolean {
    const { fault } = rule;
    if (!rule.ops.has(target.op) || !isRequestFault(fault)) return false;
    if (
      fault.symbols !== undefined &&
      (target.symbol === undefined || !fault.symbols.includes(target.symbol))
    )
      return false;
    if (fault.clientOrderId !== undefined && fault.clientOrderId !== target.clientOrderId) return false;
    // Drawn only for a request the rule matches, so unrelated traffic never shifts the stream.
    if (fault.probability < 1 && !this.rng.chance(fault.probability)) return false;
    if (rule.remaining !== 'unlimited' && --rule.remaining === 0) this.remove(rule.id);
    this.log.push({ id: rule.id, kind: fault.kind, op: target.op, clientOrderId: target.clientOrderId });
    return true;
  }
}
