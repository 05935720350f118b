import type { FillRecord } from '../trading/execution-store';
import type { VenueOrder } from '../trading/types';
import { OrderNotFoundError } from '../venues/sim-venue-errors';
import type { Venue } from '../venues/venue';

interface Suspect {
  readonly fill: FillRecord;
  /** What we recorded of the fill's order when it was first missed. */
  readonly ours: number;
  /** Clock time of the first "no such order". */
  readonly since: number;
}

/**
 * Confirms a fill of ours the venue's trade page does not list before it is reported as unknown
 * to the venue. Why not at once: a venue pages its trade history in its own order, and a venue
 * clock stepped back stamps later trades earlier, so a fill just past the page's edge can lie
 * inside the span judged by time. The venue's own order then settles it: filled by at least what
 * we recorded of it, the fill is only paged out; filled by less, ours is a phantom. "No such
 * order" is not proof on its own (venues answer it wrongly): the fill stays a suspect, is asked
 * about again on every later deep pass whatever its time, and counts once the venue has denied the
 * order for `absentAfterMs`.
 */
export class PhantomFills {
  private readonly suspects = new Map<string, Suspect>();

  constructor(
    private readonly venue: Venue,
    private readonly absentAfterMs: number,
  ) {}

  /**
   * The fills to report, of `missing` (ours, not in the venue's page) and of the suspects of earlier
   * passes. `local` is every fill of ours the pass compared. A venue failure other than "no such
   * order" rejects, so the pass concludes nothing.
   */
  async confirm(
    now: number,
    missing: readonly FillRecord[],
    local: readonly FillRecord[],
  ): Promise<FillRecord[]> {
    const confirmed: FillRecord[] = [];
    const asked = new Set<string>();
    const judge = async (fill: FillRecord, ours: number): Promise<void> => {
      asked.add(fill.fillId);
      const order = await venueOrderOrNone(this.venue, fill.clientOrderId, fill.symbol);
      if (order !== undefined) {
        this.suspects.delete(fill.fillId);
        if (order.filledQty < ours * (1 - 1e-9)) confirmed.push(fill);
        return;
      }
      const suspect = this.suspects.get(fill.fillId);
      if (suspect === undefined) this.suspects.set(fill.fillId, { fill, ours, since: now });
      else if (now - suspect.since >= this.absentAfterMs) {
        this.suspects.delete(fill.fillId);
        confirmed.push(fill);
      }
    };
    for (const fill of missing) {
      const ours = local
        .filter((f) => f.clientOrderId === fill.clientOrderId)
        .reduce((sum, f) => sum + f.qty, 0);
      await judge(fill, ours);
    }
    for (const suspect of [...this.suspects.values()])
      if (!asked.has(suspect.fill.fillId)) await judge(suspect.fill, suspect.ours);
    return confirmed;
  }
}

/**
 * The venue's order, or undefined when the venue says it has none; any other failure rejects
 * (reconciliation concludes nothing from a venue it could not ask).
 */
export async function venueOrderOrNone(
  venue: Venue,
  clientOrderId: string,
  symbol: string,
): Promise<VenueOrder | undefined> {
  try {
    return await venue.order({ clientOrderId, symbol });
  } catch (error) {
    if (error instanceof OrderNotFoundError) return undefined;
    throw error;
  }
}
