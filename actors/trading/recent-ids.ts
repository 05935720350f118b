/**
 * The last `capacity` ids added, oldest forgotten first: a cheap "already handled" check for
 * answers that repeat what was seen before (a venue's trade history is re-read in full each time).
 *
 * @example
 * const seen = new RecentIds(4_096);
 * if (!seen.has(fill.fillId)) { handle(fill); seen.add(fill.fillId); }
 */
export class RecentIds {
  // A Set iterates in insertion order, so its first value is always the oldest.
  private readonly ids = new Set<string>();

  constructor(private readonly capacity: number) {}

  /** Whether `id` is among the last `capacity` added. */
  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Remembers `id`, forgetting the oldest beyond capacity. */
  add(id: string): void {
    if (this.ids.has(id)) return;
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value as string);
  }
}
