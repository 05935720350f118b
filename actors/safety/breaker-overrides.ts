import { z } from 'zod';
import { circuitBreakerConfigSchema } from '../../machines/circuit-breaker.machine';
import type { BreakerSpec } from './breaker-defaults';
import { KILL_STEPS } from './kill-switches';
import type { KillStep } from './kill-switches';

const override = z.strictObject({
  /** `false` leaves the breaker out of the tree (its metric is then watched by nobody). */
  enabled: z.boolean().optional(),
  yellowAt: z.number().finite().optional(),
  redAt: z.number().finite().optional(),
  confirm: z.number().int().min(1).max(1_000).optional(),
  cooldownMs: z.number().int().min(0).max(86_400_000).optional(),
  onRed: z.enum(KILL_STEPS as [KillStep, ...KillStep[]]).optional(),
});

/**
 * `safety.breakerOverrides` of a trading config: per default breaker, by name (`dd-global`,
 * `dd-maker`, `latency-trend`, …), the settings that differ from `breaker-defaults.ts`.
 */
export const breakerOverridesSchema = z.record(z.string(), override).default({});

/** What `safety.breakerOverrides` holds once validated. */
export type BreakerOverrides = z.infer<typeof breakerOverridesSchema>;

/**
 * The default breakers with the operator's overrides applied, and the problems found: a name that
 * is no breaker of this config (a typo would otherwise leave the default silently in force), or
 * a result the circuit-breaker machine would refuse (levels in the wrong order for its direction). With problems, nothing is applied.
 *
 * @example
 * applyBreakerOverrides(defaults, { 'dd-maker': { yellowAt: 50, redAt: 150 } });
 * // { breakers: [...with dd-maker at 50 / 150], problems: [] }
 */
export function applyBreakerOverrides(
  defaults: readonly BreakerSpec[],
  overrides: BreakerOverrides,
): { readonly breakers: BreakerSpec[]; readonly problems: string[] } {
  const byName = new Map(defaults.map((b) => [b.breaker.name, b]));
  const problems: string[] = [];
  for (const name of Object.keys(overrides))
    if (!byName.has(name))
      problems.push(
        `safety.breakerOverrides.${name}: no breaker of that name; breakers: ${[...byName.keys()].join(', ')}`,
      );
  const breakers: BreakerSpec[] = [];
  for (const spec of defaults) {
    const o = overrides[spec.breaker.name];
    if (!o) {
      breakers.push(spec);
      continue;
    }
    if (o.enabled === false) continue;
    const tuned: BreakerSpec = {
      breaker: {
        ...spec.breaker,
        ...(o.yellowAt !== undefined ? { yellowAt: o.yellowAt } : {}),
        ...(o.redAt !== undefined ? { redAt: o.redAt } : {}),
        ...(o.confirm !== undefined ? { confirm: o.confirm } : {}),
        ...(o.cooldownMs !== undefined ? { cooldownMs: o.cooldownMs } : {}),
      },
      target: spec.target,
      onRed: o.onRed ?? spec.onRed,
    };
    // The machine's own schema judges the result (levels in order for the direction, confirm and
    // cooldown in range): a tuned breaker must start like a default one.
    const checked = circuitBreakerConfigSchema.safeParse(tuned.breaker);
    if (!checked.success)
      for (const issue of checked.error.issues)
        problems.push(
          `safety.breakerOverrides.${spec.breaker.name}.${issue.path.join('.')}: ${issue.message}`,
        );
    breakers.push(tuned);
  }
  return problems.length > 0 ? { breakers: [...defaults], problems } : { breakers, problems };
}
