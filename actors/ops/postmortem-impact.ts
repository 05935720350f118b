import type { JournalEntry } from '../kernel/journal-entry';
import { statesText } from './postmortem-format';
import type { RelevanceSubject } from './postmortem-relevance';
import { isOrderTrouble, isRelatedOrder, orderEngine } from './postmortem-relevance';

/**
 * A fill as the execution store keeps it (`FillRecord` satisfies it): what the impact needs to
 * say which positions moved. Optional input: the journal holds order states, not quantities.
 */
export interface ImpactFill {
  readonly clientOrderId: string;
  readonly engine: string;
  readonly strategy: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly qty: number;
  readonly price: number;
  readonly fee: number;
  readonly feeAsset: string;
  readonly t: number;
}

/** Orders of one engine touched in the window, by where they stood at its end. */
export interface EngineOrders {
  readonly engine: string;
  readonly touched: number;
  /** Orders that reached `partially_filled` or `filled` in the window. */
  readonly reachedFill: number;
  readonly filled: number;
  readonly cancelled: number;
  readonly rejected: number;
  /** Ended `resolved` (an unknown outcome proven never placed). */
  readonly resolved: number;
  /** Still in an unknown outcome at the window's end. */
  readonly unknown: number;
  /** Still live (pending, submitted, open, partially filled) at the window's end. */
  readonly live: number;
}

/** One order worth naming: the one the incident names, troubled ones, then filled ones. */
export interface NotableOrder {
  readonly actor: string;
  readonly seq: number;
  readonly t: number;
  readonly path: string;
  readonly related: boolean;
  readonly trouble: boolean;
}

/** How one strategy's position in one symbol moved by the window's fills. */
export interface PositionChange {
  readonly engine: string;
  readonly strategy: string;
  readonly symbol: string;
  readonly fills: number;
  /** Bought minus sold, in the base asset. */
  readonly netQty: number;
  /** Sum of qty × price, both sides. */
  readonly notional: number;
  /** Fees per asset, `asset amount` sorted by asset. */
  readonly fees: Readonly<Record<string, number>>;
}

/** What the incident's window touched. */
export interface Impact {
  readonly orders: { readonly total: number; readonly byEngine: readonly EngineOrders[] };
  readonly notableOrders: readonly NotableOrder[];
  readonly notableOmitted: number;
  /** Position changes from the fills given, or null when none were given (not derivable from the journal). */
  readonly positions: readonly PositionChange[] | null;
  /** What could not be derived, said plainly. */
  readonly notes: readonly string[];
}

const MAX_NOTABLE = 20;

interface OrderTrack {
  readonly actor: string;
  readonly seq: number;
  readonly t: number;
  path: string[];
  fill: boolean;
  trouble: boolean;
  readonly related: boolean;
}

/**
 * The impact of the window: every order with a transition in it (`machine: 'order'`), per engine
 * and by where it stood at the end; the orders worth naming; and, when the execution store's fills
 * are given, the positions they moved. PnL is never derived here: it needs the cost basis from
 * before the window and the marks, which the journal does not hold.
 */
export function windowImpact(
  entries: readonly JournalEntry[],
  subject: RelevanceSubject,
  window: { readonly from: number; readonly to: number },
  fills?: readonly ImpactFill[],
  fillsCapped = false,
): Impact {
  const orders = new Map<string, OrderTrack>();
  for (const entry of entries) {
    if (entry.machine !== 'order') continue;
    let track = orders.get(entry.actor);
    if (!track) {
      track = {
        actor: entry.actor,
        seq: entry.seq,
        t: entry.t,
        path: entry.from === '' ? [] : [entry.from],
        fill: false,
        trouble: false,
        related: isRelatedOrder(entry, subject),
      };
      orders.set(entry.actor, track);
    }
    track.path.push(entry.to);
    track.fill ||= entry.to === 'filled' || entry.to === 'partially_filled';
    track.trouble ||= isOrderTrouble(entry);
  }
  const tracks = [...orders.values()];
  const notable = tracks
    .filter((o) => o.related || o.trouble || o.fill)
    .sort((a, b) => rankOf(a) - rankOf(b) || a.seq - b.seq);
  const notes = [
    'The journal records state changes: further partial fills of an order already partially filled are not entries, so fills are counted per order, not per execution.',
  ];
  if (fillsCapped)
    notes.push(
      'Positions may be incomplete: the fills were read up to a limit, newest first, and the oldest of the window may be missing.',
    );
  if (fills === undefined)
    notes.push(
      'Positions touched: not derivable from the journal (it holds order states, not quantities or prices); no fills were given.',
    );
  notes.push(
    'PnL: not derived. It needs the cost basis from before the window and the marks, which the journal does not hold; see the portfolio (`/api/trading/pnl`).',
  );
  return {
    orders: { total: tracks.length, byEngine: byEngine(tracks) },
    notableOrders: notable.slice(0, MAX_NOTABLE).map((o) => ({
      actor: o.actor,
      seq: o.seq,
      t: o.t,
      path: statesText(o.path),
      related: o.related,
      trouble: o.trouble,
    })),
    notableOmitted: Math.max(0, notable.length - MAX_NOTABLE),
    positions: fills === undefined ? null : positionChanges(fills, window),
    notes,
  };
}

function rankOf(o: OrderTrack): number {
  return o.related ? 0 : o.trouble ? 1 : 2;
}

function byEngine(tracks: readonly OrderTrack[]): EngineOrders[] {
  const out = new Map<string, { -readonly [K in keyof EngineOrders]: EngineOrders[K] }>();
  for (const o of tracks) {
    const engine = orderEngine(o.actor);
    const row = out.get(engine) ?? {
      engine,
      touched: 0,
      reachedFill: 0,
      filled: 0,
      cancelled: 0,
      rejected: 0,
      resolved: 0,
      unknown: 0,
      live: 0,
    };
    out.set(engine, row);
    row.touched++;
    if (o.fill) row.reachedFill++;
    const end = o.path[o.path.length - 1] ?? '';
    if (end === 'filled') row.filled++;
    else if (end === 'cancelled') row.cancelled++;
    else if (end === 'rejected') row.rejected++;
    else if (end === 'resolved') row.resolved++;
    else if (end.startsWith('unknown')) row.unknown++;
    else row.live++;
  }
  return [...out.values()].sort((a, b) => (a.engine < b.engine ? -1 : a.engine > b.engine ? 1 : 0));
}

function positionChanges(
  fills: readonly ImpactFill[],
  window: { from: number; to: number },
): PositionChange[] {
  const out = new Map<
    string,
    { -readonly [K in keyof PositionChange]: PositionChange[K] } & { fees: Record<string, number> }
  >();
  for (const f of fills) {
    if (f.t < window.from || f.t > window.to) continue;
    const key = `${f.engine}|${f.strategy}|${f.symbol}`;
    const row = out.get(key) ?? {
      engine: f.engine,
      strategy: f.strategy,
      symbol: f.symbol,
      fills: 0,
      netQty: 0,
      notional: 0,
      fees: {},
    };
    out.set(key, row);
    row.fills++;
    row.netQty += f.side === 'buy' ? f.qty : -f.qty;
    row.notional += f.qty * f.price;
    row.fees[f.feeAsset] = (row.fees[f.feeAsset] ?? 0) + f.fee;
  }
  return [...out.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, row]) => ({
      ...row,
      fees: Object.fromEntries(Object.entries(row.fees).sort(([a], [b]) => (a < b ? -1 : 1))),
    }));
}
