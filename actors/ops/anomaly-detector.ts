import type { JournalEntry } from '../kernel/journal-entry';
import type { AnomalyObservation } from './anomaly-record';

/**
 * One detector of the {@link AnomalyTracker}. A detector judges; it keeps only the little state its
 * rule needs (a window of samples, the time a breaker went YELLOW) and reports observations, which
 * the tracker folds into records. It has at least one of:
 * - `sample`: called on the tracker's tick every `everyMs` of the injected clock;
 * - `onEntry`: called with every journal entry, after the transition that recorded it.
 */
export interface AnomalyDetector {
  /** Stable name, for views and logs (`heap`, `latency`). */
  readonly name: string;
  /** How often `sample` runs; a multiple of the tracker's tick. */
  readonly everyMs?: number;
  sample?(now: number): readonly AnomalyObservation[] | Promise<readonly AnomalyObservation[]>;
  onEntry?(entry: JournalEntry): readonly AnomalyObservation[];
}

/** No observations: what a detector returns when all is well. */
export const NOTHING: readonly AnomalyObservation[] = Object.freeze([]);
