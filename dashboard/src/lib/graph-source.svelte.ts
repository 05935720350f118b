import type { MachineGraph } from '../../../actors/kernel/system-view';
import type { MachineKind } from './api';
import { fetchGraph } from './api';
import { coalesce } from './coalesce';

/**
 * One actor's machine graph as the gateway has it now. {@link GraphSource.refresh} is cheap to call
 * on every transition of the actor: fetches are coalesced, and the chart lays the graph out again
 * only when its structure changes, not when only its active states do.
 */
export class GraphSource {
  graph = $state.raw<MachineGraph | null>(null);
  /** Why the last fetch failed, or `null`. */
  error = $state<string | null>(null);

  private readonly controller = new AbortController();
  private readonly fetcher = coalesce(() => this.load());

  constructor(
    readonly actor: string,
    readonly machine: MachineKind,
  ) {}

  refresh(): void {
    this.fetcher.request();
  }

  /** Stops fetching; an answer still on its way is dropped. */
  dispose(): void {
    this.fetcher.cancel();
    this.controller.abort();
  }

  private async load(): Promise<void> {
    try {
      const graph = await fetchGraph(this.actor, this.machine, this.controller.signal);
      if (this.controller.signal.aborted) return;
      this.graph = graph;
      this.error = null;
    } catch (err) {
      if (this.controller.signal.aborted) return;
      this.error = err instanceof Error ? err.message : String(err);
    }
  }
}
