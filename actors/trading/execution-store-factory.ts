import { z } from 'zod';
import { ConfigError, PredatorError } from '../kernel/errors';
import type { Store } from '../kernel/store';
import { RedisStore } from '../kernel/store-redis';
import { formatPath } from '../kernel/system-config';
import type {
  ExecutionStore,
  ExecutionStoreOptions,
  FillQuery,
  FillRecord,
  IntentRecord,
  OrderQuery,
  OrderRecord,
} from './execution-store';
import { MemoryExecutionStore } from './execution-store-memory';
import { RedisExecutionStore } from './execution-store-redis';

/** A record or query handed to the execution store was malformed; nothing was written. */
export class ExecutionRecordError extends PredatorError {
  constructor(
    message: string,
    /** One line per problem: `argument.path: what was expected`. */
    readonly issues: readonly string[],
  ) {
    super(message);
  }
}

/**
 * The execution store over the kernel's store: `MemoryExecutionStore` for the embedded store,
 * `RedisExecutionStore` on the `RedisStore`'s connection. Every record and query is validated
 * first; a malformed one throws {@link ExecutionRecordError} naming each field, and nothing is
 * written.
 *
 * Calls with the same embedded store share one `MemoryExecutionStore` (the `options` of the first
 * call apply): an execution actor restarted in this process must find the outbox and the intents
 * it wrote, as it would in Redis, or it could send an intent twice.
 *
 * @example
 * ```ts
 * const exec = createExecutionStore(runtimeStore);
 * if ((await exec.recordIntent(intentRecord, pendingOrder)) === 'exists') return; // a replay
 * ```
 */
export function createExecutionStore(store: Store, options: ExecutionStoreOptions = {}): ExecutionStore {
  const issues: string[] = [];
  for (const name of ['fillsCap', 'terminalOrdersCap'] as const) {
    const cap = options[name];
    if (cap !== undefined && !(Number.isInteger(cap) && cap > 0))
      issues.push(`${name}: expected a positive integer, got ${String(cap)}`);
  }
  if (issues.length > 0) throw new ConfigError('invalid execution store options', issues);
  if (store.kind === 'memory') {
    let exec = memoryStores.get(store);
    if (exec === undefined) {
      exec = new MemoryExecutionStore(options);
      memoryStores.set(store, exec);
    }
    return new ValidatedExecutionStore(exec);
  }
  if (!(store instanceof RedisStore)) {
    throw new TypeError(`store.kind is "redis" but the store is not a RedisStore`);
  }
  return new ValidatedExecutionStore(new RedisExecutionStore(store, options));
}

const memoryStores = new WeakMap<Store, MemoryExecutionStore>();

const id = z.string().min(1, 'expected a non-empty string');
const time = z.number();
const side = z.enum(['buy', 'sell']);

const intentRecordSchema = z.object({
  intent: z.object({
    intentId: id,
    engine: id,
    strategy: id,
    symbol: id,
    side,
    type: z.enum(['limit', 'market']),
    qty: z.number().positive(),
    price: z.number().positive().optional(),
    t: time,
  }),
  clientOrderId: id,
  venue: id,
  mode: z.enum(['shadow', 'live']),
  t: time,
});

const orderRecordSchema = z.object({
  clientOrderId: id,
  intentId: id,
  engine: id,
  strategy: id,
  symbol: id,
  side: z.enum(['buy', 'sell']),
  type: z.enum(['limit', 'market']),
  qty: z.number().positive().finite(),
  price: z.number().positive().finite().nullable(),
  filledQty: z.number().min(0).finite(),
  avgPrice: z.number().positive().finite().nullable(),
  state: id,
  terminal: z.boolean(),
  snapshot: z.unknown().refine((v) => v !== undefined, "expected the order machine's persisted snapshot"),
  t: time,
});

const fillRecordSchema = z.object({
  fillId: id,
  venueOrderId: z.string(),
  clientOrderId: id,
  symbol: id,
  side,
  price: z.number().positive(),
  qty: z.number().positive(),
  fee: z.number(),
  feeAsset: z.string(),
  liquidity: z.enum(['maker', 'taker']),
  t: time,
  engine: id,
  strategy: id,
  intentId: id,
});

const orderQuerySchema = z.object({
  engine: id.optional(),
  live: z.boolean().optional(),
  limit: z.number().int().nonnegative().optional(),
});

const fillQuerySchema = z.object({
  engine: id.optional(),
  strategy: id.optional(),
  symbol: id.optional(),
  since: time.optional(),
  limit: z.number().int().nonnegative().optional(),
});

/** Checks every argument before the store sees it, so a bad one writes nothing. */
class ValidatedExecutionStore implements ExecutionStore {
  constructor(private readonly inner: ExecutionStore) {}

  recordIntent(intent: IntentRecord, order: OrderRecord): Promise<'written' | 'exists'> {
    return attempt('recordIntent', () => {
      const issues = [
        ...check('intent', intentRecordSchema, intent),
        ...check('order', orderRecordSchema, order),
      ];
      if (issues.length === 0) issues.push(...mismatches(intent, order));
      return issues;
    }).then(() => this.inner.recordIntent(intent, order));
  }

  saveOrder(order: OrderRecord, options?: { readonly clearOutbox?: boolean }): Promise<void> {
    return attempt('saveOrder', () => check('order', orderRecordSchema, order)).then(() =>
      this.inner.saveOrder(order, options),
    );
  }

  appendFill(fill: FillRecord): Promise<'recorded' | 'duplicate'> {
    return attempt('appendFill', () => check('fill', fillRecordSchema, fill)).then(() =>
      this.inner.appendFill(fill),
    );
  }

  intent(intentId: string): Promise<IntentRecord | undefined> {
    return attempt('intent', () => check('intentId', id, intentId)).then(() => this.inner.intent(intentId));
  }

  order(clientOrderId: string): Promise<OrderRecord | undefined> {
    return attempt('order', () => check('clientOrderId', id, clientOrderId)).then(() =>
      this.inner.order(clientOrderId),
    );
  }

  orders(query?: OrderQuery): Promise<OrderRecord[]> {
    return attempt('orders', () => check('query', orderQuerySchema, query ?? {})).then(() =>
      this.inner.orders(query),
    );
  }

  outbox(engine?: string): Promise<IntentRecord[]> {
    return attempt('outbox', () => check('engine', id.optional(), engine)).then(() =>
      this.inner.outbox(engine),
    );
  }

  fills(query?: FillQuery): Promise<FillRecord[]> {
    return attempt('fills', () => check('query', fillQuerySchema, query ?? {})).then(() =>
      this.inner.fills(query),
    );
  }

  forgottenBefore(): Promise<number> {
    return this.inner.forgottenBefore();
  }
}

/** Resolves when `validate` finds nothing; rejects with every issue otherwise. */
async function attempt(method: string, validate: () => string[]): Promise<void> {
  const issues = validate();
  if (issues.length > 0) {
    throw new ExecutionRecordError(`${method}: invalid argument:\n  ${issues.join('\n  ')}`, issues);
  }
}

/** Issues of `value` against `schema`, then of its JSON-safety, each as `name.path: expected …`. */
function check(name: string, schema: z.ZodType, value: unknown): string[] {
  const parsed = schema.safeParse(value);
  const issues = parsed.success
    ? []
    : parsed.error.issues.map((i) => `${formatPath([name, ...i.path])}: ${i.message}`);
  if (value !== undefined) unsafeJson(value, [name], new Set(), issues);
  return issues.slice(0, MAX_ISSUES);
}

const MAX_ISSUES = 20;

/** The intent and its first order record must describe the same order. */
function mismatches(intent: IntentRecord, order: OrderRecord): string[] {
  const issues: string[] = [];
  const expect = (field: keyof OrderRecord, want: unknown, whose: string) => {
    if (order[field] !== want) {
      issues.push(
        `order.${field}: expected ${JSON.stringify(want)} (${whose}), got ${JSON.stringify(order[field])}`,
      );
    }
  };
  expect('clientOrderId', intent.clientOrderId, "the intent record's");
  expect('intentId', intent.intent.intentId, "the intent's");
  expect('engine', intent.intent.engine, "the intent's");
  expect('strategy', intent.intent.strategy, "the intent's");
  expect('symbol', intent.intent.symbol, "the intent's");
  expect('terminal', false, 'a new order has no outcome');
  return issues;
}

/**
 * Adds an issue for every value that JSON would change or refuse: `NaN` and infinities (they
 * become `null`), bigints and cycles (they throw), functions and symbols (dropped), class instances
 * such as `Date` or `Map` (they come back as strings or `{}`). An `undefined` property is allowed:
 * it is dropped, and reads back as absent.
 */
function addIssue(issues: string[], path: readonly PropertyKey[], what: string): void {
  issues.push(`${formatPath(path)}: ${what}`);
}

function unsafeJson(value: unknown, path: PropertyKey[], ancestors: Set<object>, issues: string[]): void {
  if (issues.length >= MAX_ISSUES) return;
  // The path is one array pushed and popped along the walk and formatted only for an issue: this
  // runs on every order the engine saves, and almost never finds anything. No closure either: the
  // build names every closure it creates, which cost more than the walk.
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!Number.isFinite(value)) addIssue(issues, path, `expected a finite number, got ${value}`);
      return;
    case 'object':
      break;
    case 'undefined':
      // Only reached for array items: a property that is undefined is skipped by the caller.
      addIssue(issues, path, 'expected a JSON value, got undefined (it would be stored as null)');
      return;
    default:
      addIssue(issues, path, `expected a JSON value, got a ${typeof value}`);
      return;
  }
  if (value === null) return;
  if (ancestors.has(value)) {
    addIssue(issues, path, 'expected a JSON value, got a circular reference');
    return;
  }
  ancestors.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      unsafeJson(value[i], path, ancestors, issues);
      path.pop();
    }
  } else {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) {
      addIssue(issues, path, `expected a plain object, got a ${value.constructor?.name ?? 'class instance'}`);
    } else {
      for (const key in value) {
        const item = (value as Record<string, unknown>)[key];
        if (item === undefined) continue;
        path.push(key);
        unsafeJson(item, path, ancestors, issues);
        path.pop();
      }
    }
  }
  ancestors.delete(value);
}
