import type { JournalEntry } from '../kernel/journal-entry';
import { BreakerRecoveryDetector } from './anomaly-breakers';
import type { DecisionSource } from './anomaly-denials';
import { DeniedNearLimitDetector } from './anomaly-denials';
import type { AnomalyDetector } from './anomaly-detector';
import { ReconciliationHealDetector } from './anomaly-heals';
import type { JournalCounters, JournalRetention } from './anomaly-journal-growth';
import { JournalGrowthDetector } from './anomaly-journal-growth';
import type { LatencySource } from './anomaly-latency';
import { LatencyCreepDetector } from './anomaly-latency';
import type { SuppressedLines } from './anomaly-log-flood';
import { LogFloodDetector } from './anomaly-log-flood';
import { LoopDelayDetector } from './anomaly-loop-delay';
import type { LoopDelaySampler } from './anomaly-loop-sampler';
import type { AnomalyTrackerConfig } from './anomaly-tracker.config';
import { HeapGrowthDetector } from './leak-detector';
import type { HeapSampler } from './leak-heap-sampler';

/** The runtime's journal as the tracker uses it: it follows it, reads its counters and writes to it. */
export interface AnomalyJournal extends JournalCounters {
  onTransition(listener: (entry: JournalEntry) => void): () => void;
  record(transition: Omit<JournalEntry, 'seq'>): unknown;
}

/**
 * What the detectors read. Every part is optional: a detector runs when its config enables it and
 * its source is given (breakers, heals and journal growth all read `journal`).
 *
 * @example
 * // A trading instance (run-trading.ts): every source.
 * const sources: AnomalySources = {
 *   journal: runtime.kernel.journal,
 *   retention: { maxLen: 1_000_000, length: () => redis.xlen(`predator:${inst}:journal`) },
 *   decisions: summaryDecisions(engineIds, (id) => runtime.component(id)?.view().summary),
 *   latency: { engines: () => engineIds, figures: (e, now, w) => services.stats.figures(e, now, w) },
 *   heap: realHeapSampler(),
 *   eventLoop: realLoopDelaySampler(),
 * };
 */
export interface AnomalySources {
  readonly journal?: AnomalyJournal;
  /** The journal store's bound and length, for `journal-growth`. */
  readonly retention?: JournalRetention;
  readonly decisions?: DecisionSource;
  readonly latency?: LatencySource;
  readonly heap?: HeapSampler;
  /** Closed by the tracker when it stops. */
  readonly eventLoop?: LoopDelaySampler;
  /** The log rate limiter's dropped lines per source, for `log-flood`. */
  readonly logs?: SuppressedLines;
}

/** The detectors `config` enables and `sources` can feed, in a fixed order. */
export function buildDetectors(
  config: AnomalyTrackerConfig,
  sources: AnomalySources,
  startedAt: number,
): AnomalyDetector[] {
  const out: AnomalyDetector[] = [];
  const { journal } = sources;
  if (journal && config.breakers.enabled) out.push(new BreakerRecoveryDetector());
  if (journal && config.heals.enabled) out.push(new ReconciliationHealDetector());
  if (sources.decisions && config.denials.enabled)
    out.push(new DeniedNearLimitDetector(sources.decisions, config.denials));
  if (sources.eventLoop && config.eventLoop.enabled)
    out.push(new LoopDelayDetector(sources.eventLoop, config.eventLoop));
  if (sources.heap && config.heap.enabled)
    out.push(new HeapGrowthDetector(sources.heap, config.heap, startedAt));
  if (sources.latency && config.latency.enabled)
    out.push(new LatencyCreepDetector(sources.latency, config.latency));
  if (journal && config.journal.enabled)
    out.push(new JournalGrowthDetector(journal, config.journal, sources.retention));
  if (sources.logs && config.logs.enabled) out.push(new LogFloodDetector(sources.logs, config.logs));
  return out;
}
