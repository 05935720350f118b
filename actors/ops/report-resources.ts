import type { MetricSummary, ResourceSection, TradingSection } from './report-data';
import type { ReportInputs } from './report-inputs';
import type { SampleSpan } from './report-stats';
import { ends, increase, median, slopePerDay } from './report-stats';
import type { ResourceField, ResourceSample } from './resource-sample';

const MIB = 1_048_576;

/** A charted metric: which sample field, how it is named and scaled. */
interface MetricSpec {
  readonly id: string;
  readonly label: string;
  readonly unit: string;
  readonly field: ResourceField;
  readonly scale: number;
}

/** The resource trends every report shows, in this order. */
const RESOURCE_METRICS: readonly MetricSpec[] = [
  { id: 'heap', label: 'Heap used', unit: 'MiB', field: 'heapUsedBytes', scale: MIB },
  { id: 'loopDelayP99', label: 'Event-loop delay p99', unit: 'ms', field: 'loopDelayP99Ms', scale: 1 },
  { id: 'redisMemory', label: 'Redis memory', unit: 'MiB', field: 'redisUsedMemoryBytes', scale: MIB },
  { id: 'journal', label: 'Journal size (last seq)', unit: 'entries', field: 'journalSeq', scale: 1 },
];

const PNL_METRIC: MetricSpec = { id: 'netPnl', label: 'Net PnL', unit: '', field: 'netPnl', scale: 1 };

/** Min, median, max, first, last and slope of one field over `samples`, with its points. */
function summarise(spec: MetricSpec, samples: readonly ResourceSample[]): MetricSummary {
  const points: [number, number][] = [];
  for (const sample of samples) {
    const raw = sample[spec.field];
    if (raw !== null) points.push([sample.t, raw / spec.scale]);
  }
  const vals = points.map(([, v]) => v);
  return {
    id: spec.id,
    label: spec.label,
    unit: spec.unit,
    count: points.length,
    min: vals.length === 0 ? null : Math.min(...vals),
    median: median(vals),
    max: vals.length === 0 ? null : Math.max(...vals),
    first: vals[0] ?? null,
    last: vals.at(-1) ?? null,
    slopePerDay: slopePerDay(points),
    points,
  };
}

/** The week's own samples up to `until` (not the baseline or the closing one). */
function weekSamples(inputs: ReportInputs, until: number): ResourceSample[] {
  const { from, to } = inputs.week;
  return inputs.samples.filter((s) => s.t >= from && s.t < to && s.t <= until);
}

/** Resource trends: heap, event-loop delay p99, Redis memory and journal size over the week. */
export function resourceSection(inputs: ReportInputs, until: number, span: SampleSpan): ResourceSection {
  const samples = weekSamples(inputs, until);
  return {
    samples: samples.length,
    intervalMs: inputs.intervalMs,
    journalEntries: increase(span.chain, 'journalSeq'),
    metrics: RESOURCE_METRICS.map((spec) => summarise(spec, samples)),
  };
}

/**
 * Trading sanity: equity at the week's start and end and the change of net PnL, from the samples
 * bounding the week; the unexplained balance events are counted by the caller from the incidents.
 */
export function tradingSection(
  inputs: ReportInputs,
  until: number,
  span: SampleSpan,
  unexplained: { readonly events: number; readonly incidents: readonly number[] },
): TradingSection {
  const equity = ends(span.chain, 'equity');
  const pnl = ends(span.chain, 'netPnl');
  return {
    available: span.chain.some((s) => s.equity !== null || s.netPnl !== null),
    equityStart: equity.first,
    equityEnd: equity.last,
    netPnl: pnl.first === null || pnl.last === null ? null : pnl.last - pnl.first,
    pnl: summarise(PNL_METRIC, weekSamples(inputs, until)),
    unexplainedBalanceEvents: unexplained.events,
    unexplainedIncidents: [...unexplained.incidents],
    ok: unexplained.events === 0,
  };
}
