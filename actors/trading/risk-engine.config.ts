import { z } from 'zod';
import { ConfigError } from '../kernel/errors';
import { formatPath } from '../kernel/system-config';

const name = z.string().regex(/^[A-Za-z0-9_.:-]+$/, 'expected a name of letters, digits, _ . : -');
/** Symbols a rule applies to; absent = every symbol. */
const symbols = z.array(z.string().min(1)).min(1).optional();

/** No single order may be worth more than `max` in quote units (limit price, or mid for a market order). */
const maxOrderNotionalRule = z.strictObject({
  kind: z.literal('maxOrderNotional'),
  name,
  max: z.number().positive(),
  symbols,
});

/**
 * The absolute position in a symbol (base units), counting the worst case of the working orders
 * on the order's side, may not exceed `max` — unless the order brings it closer to flat.
 */
const maxPositionRule = z.strictObject({
  kind: z.literal('maxPosition'),
  name,
  max: z.number().positive(),
  symbols,
});

/** A limit price may be at most `bps` basis points away from mid (either side). */
const priceBandRule = z.strictObject({
  kind: z.literal('priceBand'),
  name,
  bps: z.number().positive(),
  symbols,
});

/**
 * At most `max` admitted orders within any `windowMs` (a sliding window ending at the intent's
 * `t`), counted per engine or per strategy.
 */
const orderRateRule = z.strictObject({
  kind: z.literal('orderRate'),
  name,
  max: z.number().int().positive(),
  windowMs: z.number().int().positive(),
  per: z.enum(['engine', 'strategy']),
});

/** One named pre-trade rule; a denial names the rule that denied. */
export const riskRuleSchema = z.discriminatedUnion('kind', [
  maxOrderNotionalRule,
  maxPositionRule,
  priceBandRule,
  orderRateRule,
]);

/** The risk engine's rules, checked in a fixed order (see `risk-engine.ts`), not in list order. */
export const riskEngineConfigSchema = z.strictObject({
  rules: z.array(riskRuleSchema),
});

/** One validated rule. */
export type RiskRule = z.infer<typeof riskRuleSchema>;

/** A validated risk engine config. */
export type RiskEngineConfig = z.infer<typeof riskEngineConfigSchema>;

/**
 * Validates a risk engine config: shape (zod), then unique rule names. Throws {@link ConfigError}
 * listing each problem as `path: expected`.
 *
 * @example
 * parseRiskEngineConfig({ rules: [
 *   { kind: 'maxOrderNotional', name: 'notional', max: 50_000 },
 *   { kind: 'maxPosition', name: 'btc-position', max: 2, symbols: ['BTCUSDT'] },
 *   { kind: 'priceBand', name: 'band', bps: 50 },
 *   { kind: 'orderRate', name: 'rate', max: 10, windowMs: 1_000, per: 'strategy' },
 * ] });
 */
export function parseRiskEngineConfig(raw: unknown): RiskEngineConfig {
  const parsed = riskEngineConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
    throw new ConfigError(`invalid risk engine config:\n  ${issues.join('\n  ')}`, issues);
  }
  const issues: string[] = [];
  const seen = new Set<string>();
  parsed.data.rules.forEach((rule, i) => {
    if (seen.has(rule.name)) issues.push(`rules[${i}].name: duplicate rule name "${rule.name}"`);
    seen.add(rule.name);
  });
  if (issues.length > 0)
    throw new ConfigError(`invalid risk engine config:\n  ${issues.join('\n  ')}`, issues);
  return parsed.data;
}
