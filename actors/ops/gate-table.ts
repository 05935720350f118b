import { STABILITY_CRITERIA, isoOf } from './gate-criteria';
import type { StabilityGateResult } from './stability-gate-result';

/**
 * The stability gate as a table for a terminal: one row per criterion (criterion, met, evidence),
 * under a line with the gate's state, and the last revocation if any.
 *
 * @example
 * console.log(stabilityTable(await gate.evaluate()));
 * // stability gate: ready_for_signoff (instance default, 2026-03-03T00:00:00.000Z)
 * // criterion                        met  evidence
 * // continuous operation             yes  61.0 days since … ≥ 60.0 days
 */
export function stabilityTable(result: StabilityGateResult): string {
  const rows = STABILITY_CRITERIA.map(({ id, title }) => {
    const criterion = result.criteria[id];
    return [title, criterion.met ? 'yes' : 'NO', criterion.detail] as const;
  });
  const width = Math.max('criterion'.length, ...rows.map(([title]) => title.length));
  const line = (a: string, b: string, c: string) => `${a.padEnd(width)}  ${b.padEnd(3)}  ${c}`;
  const lines = [
    `stability gate: ${result.state} (instance ${result.instance}, ${isoOf(result.now)})`,
    line('criterion', 'met', 'evidence'),
    ...rows.map(([a, b, c]) => line(a, b, c)),
  ];
  if (result.revoked > 0) lines.push(`sign-offs revoked: ${result.revoked}`);
  return lines.join('\n');
}
