import { z } from 'zod';
import { ConfigError } from './errors';

const idSchema = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]{0,39}$/,
    'expected a lower-case id: a letter, then letters, digits or -, at most 40',
  );

const shutdownSchema = z.union([
  z.literal('brutal_kill'),
  z.literal('infinity'),
  z.number().int().positive().max(600_000),
]);

const restartSchema = z.enum(['permanent', 'transient', 'temporary']);

/** A component in the tree. */
export const componentConfigSchema = z.strictObject({
  type: z.literal('component'),
  id: idSchema,
  /** Registry kind (`market-feed`). */
  kind: z.string().min(1),
  placement: z.enum(['memory', 'forked']).default('memory'),
  restart: restartSchema.default('permanent'),
  shutdown: shutdownSchema.default(5_000),
  /** Topics whose events this component receives. */
  subscribe: z.array(z.string().min(1)).default([]),
  /** The component's own settings, validated by its definition's schema. */
  config: z.unknown().default({}),
});

const backoffSchema = z
  .strictObject({
    minMs: z.number().int().min(0),
    maxMs: z.number().int().min(0),
    jitter: z.number().min(0).max(1).default(0.2),
  })
  .refine((b) => b.maxMs >= b.minMs, { message: 'maxMs must be >= minMs' });

/** A supervisor in the tree. */
export type SupervisorConfig = {
  type: 'supervisor';
  id: string;
  strategy: 'one_for_one' | 'one_for_all' | 'rest_for_one';
  intensity: number;
  periodMs: number;
  restart: 'permanent' | 'transient' | 'temporary';
  backoff?: { minMs: number; maxMs: number; jitter: number } | undefined;
  children: (SupervisorConfig | ComponentConfig)[];
};

/** A component, as validated. */
export type ComponentConfig = z.infer<typeof componentConfigSchema>;

/** A supervisor and its children. */
export const supervisorConfigSchema: z.ZodType<SupervisorConfig, unknown> = z.lazy(() =>
  z.strictObject({
    type: z.literal('supervisor'),
    id: idSchema,
    strategy: z.enum(['one_for_one', 'one_for_all', 'rest_for_one']).default('one_for_one'),
    intensity: z.number().int().min(0).max(1000).default(5),
    periodMs: z.number().int().positive().default(30_000),
    restart: restartSchema.default('permanent'),
    backoff: backoffSchema.optional(),
    children: z.array(z.union([componentConfigSchema, supervisorConfigSchema])).min(1),
  }),
);

/** The whole system spec: one validated document declares the tree. */
export const systemConfigSchema = z.strictObject({
  /** `{inst}` in every store key; one Redis can hold several instances. */
  instance: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'expected lower-case letters, digits and -')
    .default('default'),
  /** Root seed of every rng stream. */
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .default(1),
  heartbeat: z
    .strictObject({
      intervalMs: z.number().int().min(10).default(1_000),
      timeoutMs: z.number().int().min(1).default(250),
      maxMissed: z.number().int().min(1).max(100).default(2),
    })
    .refine((h) => h.timeoutMs < h.intervalMs, { message: 'timeoutMs must be below intervalMs' })
    .default({ intervalMs: 1_000, timeoutMs: 250, maxMissed: 2 }),
  root: supervisorConfigSchema,
});

/** A validated system spec. */
export type SystemConfig = z.infer<typeof systemConfigSchema>;

/** A validated system spec as written by hand (defaults may be left out). */
export type SystemConfigInput = z.input<typeof systemConfigSchema>;

/**
 * Validates a system spec: shape (zod), then ids unique across the tree and every component kind
 * known with a valid `config`. Throws {@link ConfigError} listing every problem as `path: expected`.
 */
export function parseSystemConfig(
  raw: unknown,
  kinds: {
    has(kind: string): boolean;
    validate(kind: string, config: unknown): string[];
    inProcessOnly?(kind: string): boolean;
  },
): SystemConfig {
  const parsed = systemConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
    throw new ConfigError(`invalid system config:\n  ${issues.join('\n  ')}`, issues);
  }
  const issues: string[] = [];
  const seen = new Set<string>();
  const visit = (node: SupervisorConfig | ComponentConfig, path: string): void => {
    if (seen.has(node.id))
      issues.push(`${path}.id: duplicate id "${node.id}"; ids must be unique in the tree`);
    seen.add(node.id);
    if (node.type === 'supervisor') {
      node.children.forEach((child, i) => visit(child, `${path}.children[${i}]`));
      return;
    }
    if (!kinds.has(node.kind)) {
      issues.push(`${path}.kind: unknown component kind "${node.kind}"`);
      return;
    }
    if (node.placement === 'forked' && kinds.inProcessOnly?.(node.kind))
      issues.push(`${path}.placement: kind "${node.kind}" does I/O in-process and cannot be forked`);
    for (const problem of kinds.validate(node.kind, node.config)) issues.push(`${path}.config${problem}`);
  };
  visit(parsed.data.root, 'root');
  if (seen.has('system')) issues.push('root: the id "system" is reserved for the system machine');
  if (issues.length > 0) throw new ConfigError(`invalid system config:\n  ${issues.join('\n  ')}`, issues);
  return parsed.data;
}

/** `['root', 'children', 0, 'id']` → `root.children[0].id`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(root)' : out;
}
