import { createActor } from 'xstate';
import { z } from 'zod';
import type {
  GateRevoked,
  StabilityGateContext,
  StabilityGateEvent,
  StabilityGateState,
} from '../../machines/stability-gate.machine';
import { STABILITY_GATE_STATES, stabilityGateMachine } from '../../machines/stability-gate.machine';
import type { Logger } from '../kernel/logger';
import type { Store } from '../kernel/store';
import type { ContinuityAnchor } from './gate-continuity';
import type { JournalRegression } from './gate-integrity';

/** Kv key (`predator:{inst}:kv:gate:stability`) of the {@link StabilityGateRecord}. */
export const STABILITY_GATE_KEY = 'gate:stability';

/** Kv key where an unreadable record is set aside before the gate starts afresh. */
export const STABILITY_GATE_UNREADABLE_KEY = 'gate:stability:unreadable';

/** Journal regressions kept in the record. */
const KEEP_REGRESSIONS = 50;

/** What `gate:stability` holds: the machine, and the facts the gate keeps beyond the other records. */
export interface StabilityGateRecord {
  readonly version: 1;
  readonly state: StabilityGateState;
  /** The machine's persisted snapshot: the sign-off in force and the revocations. */
  readonly snapshot: unknown;
  /** Where continuous operation counts from, so aged-out uptime records never shorten it. */
  readonly continuity: ContinuityAnchor | null;
  /** The highest journal `seq` the store had acknowledged at the last write. */
  readonly journalAcknowledged: number;
  /** Journal regressions found at process starts, the newest 50. */
  readonly regressions: readonly JournalRegression[];
  readonly updatedAt: number;
}

const STATES = STABILITY_GATE_STATES as [StabilityGateState, ...StabilityGateState[]];

const recordSchema = z.object({
  version: z.literal(1),
  state: z.enum(STATES),
  snapshot: z.object({ value: z.enum(STATES), context: z.object({ revoked: z.number() }).loose() }).loose(),
  continuity: z
    .object({
      since: z.number(),
      cause: z.enum(['records', 'crash', 'downtime', 'halt', 'period']),
      ref: z.string().nullable(),
    })
    .nullable(),
  journalAcknowledged: z.number().int().nonnegative(),
  regressions: z.array(z.object({ at: z.number(), acknowledged: z.number(), found: z.number() })),
  updatedAt: z.number(),
});

/** A fresh machine's record. */
export function freshRecord(keepRevocations: number, now: number): StabilityGateRecord {
  const actor = createActor(stabilityGateMachine, { input: { keepRevocations } }).start();
  const snapshot = actor.getPersistedSnapshot();
  actor.stop();
  return {
    version: 1,
    state: 'collecting',
    snapshot,
    continuity: null,
    journalAcknowledged: 0,
    regressions: [],
    updatedAt: now,
  };
}

/**
 * Reads the record; undefined when there is none. A value that is not a record is logged, copied
 * to {@link STABILITY_GATE_UNREADABLE_KEY} (nothing is lost: the journal has the sign-offs too) and
 * read as none, so a damaged key never stops the instance from starting.
 */
export async function loadRecord(
  store: Pick<Store, 'getValue' | 'setValue'>,
  logger: Logger,
): Promise<StabilityGateRecord | undefined> {
  const raw = await store.getValue<unknown>(STABILITY_GATE_KEY);
  if (raw === undefined) return undefined;
  const parsed = recordSchema.safeParse(raw);
  if (parsed.success) return parsed.data as StabilityGateRecord;
  logger.error(
    { key: STABILITY_GATE_KEY, issues: parsed.error.issues.slice(0, 5) },
    `stability gate record unreadable; kept as ${STABILITY_GATE_UNREADABLE_KEY}, starting afresh`,
  );
  await store.setValue(STABILITY_GATE_UNREADABLE_KEY, raw);
  return undefined;
}

/** Appends a regression, keeping the newest. */
export function withRegression(
  regressions: readonly JournalRegression[],
  regression: JournalRegression,
): JournalRegression[] {
  return [...regressions, regression].slice(-KEEP_REGRESSIONS);
}

/** What one event did to the stored machine. */
export interface GateStep {
  readonly accepted: boolean;
  readonly from: StabilityGateState;
  readonly to: StabilityGateState;
  readonly snapshot: unknown;
  readonly context: StabilityGateContext;
  readonly revoked: GateRevoked | undefined;
}

/**
 * Runs one event through the machine restored from the record: the machine decides, the gate
 * stores and journals. Nothing is kept between steps, so the store is the only copy that matters
 * and a step whose write fails leaves nothing behind.
 */
export function stepGate(record: StabilityGateRecord, event: StabilityGateEvent): GateStep {
  const actor = createActor(stabilityGateMachine, { snapshot: record.snapshot as never, input: {} });
  let revoked: GateRevoked | undefined;
  actor.on('gate.revoked', (emitted) => (revoked = emitted));
  actor.start();
  try {
    const before = actor.getSnapshot();
    const from = before.value as StabilityGateState;
    const accepted = before.can(event);
    if (accepted) actor.send(event);
    const after = actor.getSnapshot();
    return {
      accepted,
      from,
      to: after.value as StabilityGateState,
      snapshot: accepted ? actor.getPersistedSnapshot() : record.snapshot,
      context: after.context,
      revoked,
    };
  } finally {
    actor.stop();
  }
}

/** The machine's context inside a record. */
export function contextOfRecord(record: StabilityGateRecord): StabilityGateContext {
  return (record.snapshot as { context: StabilityGateContext }).context;
}
