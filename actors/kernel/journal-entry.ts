/**
 * One journaled transition of one machine. Every machine the runtime hosts (component behaviour,
 * component lifecycle, supervisors, the system) produces these; together they are the history that
 * dashboards replay and post-mortems are written from.
 */
export interface JournalEntry {
  /** Strictly increasing per instance, starting at 1; also the Redis stream id (`<seq>-0`). */
  readonly seq: number;
  /** Clock time of the transition (virtual time in a simulation). */
  readonly t: number;
  /** Actor id (`feed`, `market`, `system`). */
  readonly actor: string;
  /** Machine id (`lifecycle`, `supervisor`, `system`, or the component's machine id). */
  readonly machine: string;
  /** State before, as a dotted path (`tracking.above`). */
  readonly from: string;
  /** Event type that caused the transition. */
  readonly event: string;
  /** State after, as a dotted path. */
  readonly to: string;
}

/** A transition before the journal has numbered it. */
export type TransitionRecord = Omit<JournalEntry, 'seq'>;

/** Filter for reading the journal. */
export interface JournalQuery {
  /** Only entries of this actor. */
  readonly actor?: string;
  /** Only entries with `seq` greater than this. */
  readonly since?: number;
  /** At most this many entries, oldest first. */
  readonly limit: number;
}
