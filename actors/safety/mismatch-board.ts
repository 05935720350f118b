/**
 * Reconciliation differences that need a human, per engine: written by each engine's
 * reconciliation, read by the `reconciliation-mismatch` breakers and the views. In memory: the
 * next pass after a restart finds them again.
 */
export class MismatchBoard {
  private readonly counts = new Map<string, number>();

  /** Sets an engine's open mismatches after a pass. */
  set(engine: string, count: number): void {
    if (count > 0) this.counts.set(engine, count);
    else this.counts.delete(engine);
  }

  /** Open mismatches of an engine, or of every engine when undefined. */
  count(engine?: string): number {
    if (engine !== undefined) return this.counts.get(engine) ?? 0;
    let total = 0;
    for (const n of this.counts.values()) total += n;
    return total;
  }
}
