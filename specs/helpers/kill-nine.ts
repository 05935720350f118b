import type Redis from 'ioredis';
import type { ComponentView, SupervisorView, SystemTreeView } from '../../actors/kernel/system-view';
import { redisKeys } from '../../actors/kernel/store-redis';
import { readAdminToken } from '../../actors/safety/admin-token';
import type { ControlAnswer } from '../../actors/safety/control-plane';
import type { JournalPage } from '../../gateway/routes/journal';
import { executionKeys } from '../../actors/trading/execution-store-redis';
import type { FillRecord, OrderRecord } from '../../actors/trading/execution-store';
import type { Fill } from '../../actors/trading/types';
import type { LedgerOrder, LedgerRejection } from '../../actors/venues/sim-venue-orders';
import { signedRequest } from './binance-client';

/**
 * What the kill -9 spec reads from outside the process under test: the emulator's ledger and
 * account over HTTP, the store with a plain Redis client, and the instance's gateway. Nothing here
 * goes through the code under test.
 */

/** `GET /__admin/ledger` of the emulator (a `VenueLedger` as JSON). */
export interface Ledger {
  readonly orders: readonly LedgerOrder[];
  readonly fills: readonly Fill[];
  readonly rejections: readonly LedgerRejection[];
}

/** A JSON GET that fails loudly on a non-2xx answer. */
export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** The emulator's ledger: every order, fill and refusal it has had. */
export function readLedger(emulator: string): Promise<Ledger> {
  return getJson<Ledger>(`${emulator}/__admin/ledger`);
}

/** Whether the venue still has the order working. */
export function isOpenAtVenue(order: LedgerOrder): boolean {
  return order.status === 'open' || order.status === 'partially_filled';
}

/** The account's total (free + locked) of every asset, from the signed `GET /api/v3/account`. */
export async function emulatorTotals(emulator: string): Promise<Record<string, number>> {
  const answer = await signedRequest(emulator, 'GET', '/api/v3/account', {});
  if (answer.status !== 200) throw new Error(`account: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
  const body = answer.body as unknown as { balances: { asset: string; free: string; locked: string }[] };
  return Object.fromEntries(body.balances.map((b) => [b.asset, Number(b.free) + Number(b.locked)]));
}

/** Base asset, quote asset and lot size of each symbol, from `GET /api/v3/exchangeInfo`. */
export async function emulatorInstruments(
  emulator: string,
): Promise<Map<string, { base: string; quote: string; lotSize: number }>> {
  const info = await getJson<{
    symbols: {
      symbol: string;
      baseAsset: string;
      quoteAsset: string;
      filters: { filterType: string; stepSize?: string }[];
    }[];
  }>(`${emulator}/api/v3/exchangeInfo`);
  return new Map(
    info.symbols.map((s) => [
      s.symbol,
      {
        base: s.baseAsset,
        quote: s.quoteAsset,
        lotSize: Number(s.filters.find((f) => f.filterType === 'LOT_SIZE')?.stepSize),
      },
    ]),
  );
}

/** The execution store of one instance as Redis holds it (`docs/redis-keys.md`). */
export interface StoredExecution {
  /** Every order record, by client order id. */
  readonly orders: ReadonlyMap<string, OrderRecord>;
  /** Client order ids in `exec:live`. */
  readonly live: ReadonlySet<string>;
  /** `exec:fills`, oldest first. */
  readonly fills: readonly FillRecord[];
  /** `kv:trading:funding`: the live portfolio's starting balances, taken at the first start. */
  readonly funding: Readonly<Record<string, number>> | undefined;
}

/** Reads the instance's orders, live index, fills and funding with a plain client. */
export async function readExecution(client: Redis, instance: string): Promise<StoredExecution> {
  const keys = executionKeys(instance);
  const orderKeys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await client.scan(cursor, 'MATCH', keys.order('*'), 'COUNT', 1000);
    cursor = next;
    orderKeys.push(...batch);
  } while (cursor !== '0');
  const orders = new Map<string, OrderRecord>();
  for (let i = 0; i < orderKeys.length; i += 500) {
    const values = await client.mget(...orderKeys.slice(i, i + 500));
    for (const value of values) {
      if (value === null) continue;
      const record = JSON.parse(value) as OrderRecord;
      orders.set(record.clientOrderId, record);
    }
  }
  const live = new Set(await client.zrange(keys.live, '0', '-1'));
  const fills = (await client.lrange(keys.fills, 0, -1)).map((f) => JSON.parse(f) as FillRecord);
  const funding = await client.get(redisKeys(instance).kv('trading:funding'));
  return {
    orders,
    live,
    fills,
    funding:
      funding === null ? undefined : (JSON.parse(funding) as { balances: Record<string, number> }).balances,
  };
}

/** Some components of a running instance, and when its process started. */
export interface ComponentViews {
  /** Clock time the process started. */
  readonly startedAt: number;
  readonly components: readonly ComponentView[];
}

/**
 * Every component of kind `kind` in `GET /api/system`: `reconciliation` (`recon-<engine>`, whose
 * summary has `lastPassT`) or `engine` (state ACTIVE / REDUCING / HALTED, summary `reason`, `by`).
 */
export async function componentViews(gateway: string, kind: string): Promise<ComponentViews> {
  const tree = await getJson<SystemTreeView>(`${gateway}/api/system`);
  const found: ComponentView[] = [];
  const walk = (node: SupervisorView | ComponentView): void => {
    if (node.type === 'component') {
      if (node.kind === kind) found.push(node);
      return;
    }
    node.children.forEach(walk);
  };
  walk(tree.root);
  return { startedAt: tree.startedAt, components: found };
}

/**
 * Whether a reconciliation component concluded a pass in this process. Its snapshot survives a
 * restart, so the state alone may be the previous process's: the pass's time must be this one's.
 */
export function passedSince(view: ComponentView, startedAt: number): boolean {
  const lastPassT = (view.summary as { lastPassT?: number | null } | undefined)?.lastPassT;
  return typeof lastPassT === 'number' && lastPassT >= startedAt;
}

/**
 * Sends an operator command through the instance's control plane with the admin token from its
 * data directory, confirming it when asked, as `predator ctl --yes` does; resolves with the answer.
 */
export async function control(
  gateway: string,
  dataDir: string,
  command: string,
  args: readonly string[],
): Promise<ControlAnswer> {
  const token = await readAdminToken(dataDir);
  const post = async (route: string, body: unknown): Promise<ControlAnswer> => {
    const response = await fetch(`${gateway}${route}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await response.json()) as ControlAnswer;
  };
  const first = await post('/api/control', { command, args });
  if (first.status !== 'confirm') return first;
  return post('/api/control/confirm', { nonce: first.nonce });
}

/** One journaled change of an engine's trading state. */
export interface TradingStateChange {
  readonly t: number;
  readonly engine: string;
  readonly from: string;
  readonly event: string;
  readonly to: string;
}

/** Every change of the engines' trading states in the journal (all processes so far), oldest first. */
export async function tradingStateHistory(
  gateway: string,
  engines: readonly string[],
): Promise<TradingStateChange[]> {
  const changes: TradingStateChange[] = [];
  for (const engine of engines) {
    for (let since = 0, more = true; more;) {
      const { entries } = await getJson<JournalPage>(
        `${gateway}/api/journal?actor=${engine}&since=${since}&limit=1000`,
      );
      for (const e of entries)
        if (e.machine === 'trading-state')
          changes.push({ t: e.t, engine, from: e.from, event: e.event, to: e.to });
      more = entries.length === 1000;
      since = entries[entries.length - 1]?.seq ?? since;
    }
  }
  return changes.sort((a, b) => a.t - b.t);
}

/** The engines, their reconciliation and their trading-state history, for a failure message. */
export async function describeEngines(gateway: string): Promise<string> {
  try {
    const brief = (c: ComponentView) => ({ id: c.id, state: c.state, summary: c.summary });
    const engines = await componentViews(gateway, 'engine');
    const recon = await componentViews(gateway, 'reconciliation');
    const history = await tradingStateHistory(
      gateway,
      engines.components.map((c) => c.id),
    );
    return JSON.stringify(
      {
        startedAt: engines.startedAt,
        engines: engines.components.map(brief),
        reconciliation: recon.components.map(brief),
        history: history.map(
          (h) => `${h.t - engines.startedAt} ms ${h.engine}: ${h.from} --${h.event}--> ${h.to}`,
        ),
      },
      null,
      1,
    );
  } catch (error) {
    return `(gateway unreadable: ${String(error)})`;
  }
}

/** An incident as `predator start` logs it (a pino JSON line with an `incident` field). */
export interface LoggedIncident {
  readonly t: number;
  readonly actor: string;
  readonly kind: string;
  readonly detail: string;
  readonly data: { readonly clientOrderId?: string; readonly engine?: string };
}

/** The incidents in a process's stdout. */
export function incidentsIn(stdout: string): LoggedIncident[] {
  const found: LoggedIncident[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.includes('"incident"')) continue;
    try {
      const incident = (JSON.parse(line) as { incident?: LoggedIncident }).incident;
      if (incident !== undefined) found.push(incident);
    } catch {
      // Not a log line (the "running" banner); nothing to read.
    }
  }
  return found;
}

/** Why an engine is REDUCING when one of its orders' outcomes could not be settled by checking. */
const UNKNOWN_OUTCOME = /^outcome of (\S+) still unknown/;

/**
 * What an operator does after an `ORDER_OUTCOME_UNKNOWN` incident, once the engine has reconciled
 * in this process: looks the order up at the venue and, when the venue never had it, resumes the
 * engine (the design leaves it REDUCING until a human does). Returns the reasons of the engines it resumed. Throws when the venue does have the
 * order: then the in-flight checks missed it, which the design does not allow.
 */
export async function resumeUnknownOutcomes(
  gateway: string,
  dataDir: string,
  emulator: string,
): Promise<string[]> {
  const resumed: string[] = [];
  const recon = await componentViews(gateway, 'reconciliation');
  for (const engine of (await componentViews(gateway, 'engine')).components) {
    const reason = (engine.summary as { reason?: string | null }).reason ?? '';
    const cid = UNKNOWN_OUTCOME.exec(reason)?.[1];
    if (engine.state !== 'REDUCING' || cid === undefined) continue;
    // A resume lifts whatever the engine is REDUCING for: never before its first pass in this process.
    const own = recon.components.find((c) => c.id === `recon-${engine.id}`);
    if (own === undefined || !passedSince(own, recon.startedAt)) continue;
    const atVenue = (await readLedger(emulator)).orders.find((o) => o.clientOrderId === cid);
    if (atVenue !== undefined)
      throw new Error(
        `${engine.id} gave up on ${cid} as not found, but the venue has it: ${JSON.stringify(atVenue)}`,
      );
    const answer = await control(gateway, dataDir, 'resume_engine', [engine.id, 'ACTIVE']);
    if (answer.status !== 'done') throw new Error(`resume_engine ${engine.id}: ${JSON.stringify(answer)}`);
    resumed.push(`${engine.id}: ${reason}`);
  }
  return resumed;
}

/** Sleeps one poll interval; every wait that uses it also has a deadline. */
export function pollInterval(ms = 50): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
