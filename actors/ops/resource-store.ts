import type { Store } from '../kernel/store';
import type { WeekRange } from './iso-week';
import { weekNumber } from './iso-week';
import type { ResourceSample, ResourceWeek } from './resource-sample';

/**
 * Store key (`predator:{inst}:kv:resources:week:{n}`) of the slot holding a week's samples: a ring
 * of `keepWeeks` slots indexed by the week's number since 1970, because the store has no delete and
 * a key per week would grow for ever. The value names its week; a slot holding another week is
 * that week's, long gone or not yet written.
 */
export function resourceWeekKey(week: WeekRange, keepWeeks: number): string {
  const n = ((weekNumber(week.from) % keepWeeks) + keepWeeks) % keepWeeks;
  return `resources:week:${n}`;
}

/** The stored samples of `week`, oldest first; empty when the ring holds none of that week. */
export async function loadResourceWeek(
  store: Pick<Store, 'getValue'>,
  week: WeekRange,
  keepWeeks: number,
): Promise<ResourceSample[]> {
  const value = await store.getValue<ResourceWeek>(resourceWeekKey(week, keepWeeks));
  if (value?.week !== week.week || !Array.isArray(value.samples)) return [];
  return value.samples.filter((s) => s.t >= week.from && s.t < week.to);
}

/** Writes `week`'s samples whole into its slot, replacing whatever week was there. */
export function saveResourceWeek(
  store: Pick<Store, 'setValue'>,
  week: WeekRange,
  keepWeeks: number,
  intervalMs: number,
  samples: readonly ResourceSample[],
): Promise<void> {
  const value: ResourceWeek = { week: week.week, intervalMs, samples };
  return store.setValue(resourceWeekKey(week, keepWeeks), value);
}
