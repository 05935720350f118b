import type { JournalEntry } from '../../../actors/kernel/journal-entry';
import type { HealthView, MachineGraph, SystemTreeView } from '../../../actors/kernel/system-view';
import type { FillRecord, OrderRecord } from '../../../actors/trading/execution-store';
import type { PositionView } from '../../../actors/trading/portfolio-position';
import type { EngineView, PnlReport } from '../../../actors/trading/read-model';

/** Which machine of a component a graph shows; supervisors and the system have only one. */
export type MachineKind = 'behaviour' | 'lifecycle';

/** A request to the gateway that did not return a 2xx JSON answer. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly path: string,
    /** HTTP status, or 0 when the gateway could not be reached at all. */
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { headers: { Accept: 'application/json' }, signal });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError(path, 0, 'gateway unreachable');
  }
  if (!response.ok) {
    throw new ApiError(path, response.status, await errorMessage(response));
  }
  return (await response.json()) as T;
}

/** The gateway answers errors as `{ error: { status, message } }`, the message safe to show. */
async function errorMessage(response: Response): Promise<string> {
  const body = (await response.json().catch(() => null)) as { error?: { message?: unknown } } | null;
  const message = body?.error?.message;
  return typeof message === 'string' ? message : `${response.status} ${response.statusText}`.trim();
}

function query(params: Record<string, string | number | boolean | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, String(value));
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

/** `GET /api/health`. */
export function fetchHealth(signal?: AbortSignal): Promise<HealthView> {
  return getJson<HealthView>('/api/health', signal);
}

/** `GET /api/system`: the whole supervision tree. */
export function fetchSystem(signal?: AbortSignal): Promise<SystemTreeView> {
  return getJson<SystemTreeView>('/api/system', signal);
}

/** `GET /api/journal`: at most `limit` entries after `since`, oldest first. */
export async function fetchJournal(
  params: { actor?: string; since?: number; limit: number },
  signal?: AbortSignal,
): Promise<JournalEntry[]> {
  const body = await getJson<{ entries: JournalEntry[] }>(`/api/journal${query(params)}`, signal);
  return body.entries;
}

/** `GET /api/machines/:actor/graph`: the lifecycle machine when `machine` is `lifecycle`. */
export function fetchGraph(actor: string, machine: MachineKind, signal?: AbortSignal): Promise<MachineGraph> {
  const params = query({ machine: machine === 'lifecycle' ? 'lifecycle' : undefined });
  return getJson<MachineGraph>(`/api/machines/${encodeURIComponent(actor)}/graph${params}`, signal);
}

/** An order as `GET /api/trading/orders` answers it: without the order machine's snapshot. */
export type OrderSummary = Omit<OrderRecord, 'snapshot'>;

/** `GET /api/trading/engines`; a 404 {@link ApiError} when the instance runs no trading. */
export async function fetchEngines(signal?: AbortSignal): Promise<EngineView[]> {
  return (await getJson<{ engines: EngineView[] }>('/api/trading/engines', signal)).engines;
}

/** `GET /api/trading/positions`: netted per symbol, of the instance or one engine. */
export async function fetchPositions(
  params: { engine?: string; strategy?: string },
  signal?: AbortSignal,
): Promise<PositionView[]> {
  const body = await getJson<{ positions: PositionView[] }>(`/api/trading/positions${query(params)}`, signal);
  return body.positions;
}

/** `GET /api/trading/orders`: newest first; `live: true` only orders without an outcome. */
export async function fetchOrders(
  params: { engine?: string; live?: boolean; limit?: number },
  signal?: AbortSignal,
): Promise<OrderSummary[]> {
  return (await getJson<{ orders: OrderSummary[] }>(`/api/trading/orders${query(params)}`, signal)).orders;
}

/** `GET /api/trading/fills`: the most recent `limit` matching fills, oldest first. */
export async function fetchFills(
  params: { engine?: string; strategy?: string; symbol?: string; since?: number; limit?: number },
  signal?: AbortSignal,
): Promise<FillRecord[]> {
  return (await getJson<{ fills: FillRecord[] }>(`/api/trading/fills${query(params)}`, signal)).fills;
}

/** `GET /api/trading/pnl`: PnL of the instance, each engine and strategy, equity and its curve. */
export function fetchPnl(signal?: AbortSignal): Promise<PnlReport> {
  return getJson<PnlReport>('/api/trading/pnl', signal);
}
