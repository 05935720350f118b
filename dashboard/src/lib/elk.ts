import ELK from 'elkjs/lib/elk-api.js';
import elkWorkerUrl from 'elkjs/lib/elk-worker.min.js?url';
import type { MachineGraph } from '../../../actors/kernel/system-view';
import type { ChartLayout, MeasureText } from './layout';
import { estimateText, fromElkLayout, toElkGraph } from './layout';

let elk: InstanceType<typeof ELK> | undefined;

/**
 * Lays out a machine graph with ELK's layered algorithm. ELK runs in a web worker, fetched the first
 * time a chart is drawn: it is 1.6 MB the rest of the page never needs, and a large machine does not
 * freeze the page while it is laid out. Should ELK fail on the tuned options, it gets a second try with
 * plain ones.
 */
export async function layoutChart(
  graph: MachineGraph,
  measure: MeasureText = estimateText,
): Promise<ChartLayout> {
  elk ??= new ELK({ workerUrl: elkWorkerUrl });
  try {
    return fromElkLayout(graph, await elk.layout(toElkGraph(graph, measure)));
  } catch (err) {
    console.warn(`ELK failed on ${graph.actor}/${graph.machine}; trying plain options`, err);
    return fromElkLayout(graph, await elk.layout(toElkGraph(graph, measure, true)));
  }
}
