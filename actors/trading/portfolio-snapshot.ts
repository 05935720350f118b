import { z } from 'zod';
import { PredatorError } from '../kernel/errors';
import { formatPath } from '../kernel/system-config';
import { portfolioConfigSchema } from './portfolio.config';

/**
 * The persisted form of a portfolio (`Portfolio.toJSON()`), plain JSON an actor can keep in its
 * context. Every exact amount is a scaled integer written as decimal integer text (`"3000050"` at
 * scale 2 is 30000.50), so a round trip loses nothing.
 */

const scaled = z.string().regex(/^-?\d+$/, 'expected a scaled integer as decimal text');
const count = z.number().int().min(0);

const causeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('fill'), fillId: z.string().min(1), symbol: z.string().min(1) }),
  z.strictObject({ kind: z.literal('fee'), fillId: z.string().min(1), symbol: z.string().min(1) }),
  z.strictObject({
    kind: z.literal('transfer'),
    transferId: z.string().min(1),
    reason: z.string().min(1),
  }),
]);

const accountSchema = z.strictObject({
  asset: z.string().min(1),
  balance: scaled,
  carried: z.strictObject({ fill: scaled, fee: scaled, transfer: scaled, entries: count, throughSeq: count }),
  entries: z.array(z.strictObject({ seq: count, t: z.number(), amount: scaled, cause: causeSchema })),
});

const positionSchema = z.strictObject({
  engine: z.string().min(1),
  strategy: z.string().min(1),
  symbol: z.string().min(1),
  qty: scaled,
  cost: scaled,
  realized: scaled,
  fees: scaled,
  fills: count,
});

const curveSchema = z.strictObject({
  stride: z.number().int().min(1),
  marks: count,
  points: z.array(z.strictObject({ t: z.number(), equity: z.number() })),
  peak: scaled.nullable(),
  maxDrawdown: scaled,
  lastT: z.number().nullable(),
});

/** Shape of `Portfolio.toJSON()`, version 1. */
export const portfolioSnapshotSchema = z.strictObject({
  v: z.literal(1),
  config: portfolioConfigSchema,
  positions: z.array(positionSchema),
  ledger: z.strictObject({ seq: count, accounts: z.array(accountSchema) }),
  seen: z.strictObject({
    entries: z.array(z.strictObject({ key: z.string().min(1), t: z.number() })),
    horizon: z.number().nullable(),
  }),
  marks: z.array(z.strictObject({ symbol: z.string().min(1), price: scaled })),
  curve: curveSchema,
});

/** `Portfolio.toJSON()`: plain JSON, exact. */
export type PortfolioSnapshot = z.infer<typeof portfolioSnapshotSchema>;

/** One asset's ledger in a snapshot. */
export type LedgerAccountJSON = z.infer<typeof accountSchema>;

/** The equity curve in a snapshot. */
export type EquityCurveJSON = z.infer<typeof curveSchema>;

/** A snapshot could not be restored: wrong shape, or its figures do not add up. */
export class PortfolioSnapshotError extends PredatorError {
  constructor(
    message: string,
    /** One line per problem: `path: what was expected`. */
    readonly issues: readonly string[],
  ) {
    super(message);
  }
}

/** Validates the shape of a snapshot; throws {@link PortfolioSnapshotError} listing each problem. */
export function parsePortfolioSnapshot(raw: unknown): PortfolioSnapshot {
  const parsed = portfolioSnapshotSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
  throw new PortfolioSnapshotError(`invalid portfolio snapshot:\n  ${issues.join('\n  ')}`, issues);
}
