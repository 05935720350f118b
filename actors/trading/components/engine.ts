import { z } from 'zod';
import { DEFAULT_ORDER_POLICY } from '../../../machines/order.machine';
import { tradingStateMachine } from '../../../machines/trading-state.machine';
import type { TradingStateContext } from '../../../machines/trading-state.machine';
import { defineComponent } from '../../kernel/component';
import { Execution } from '../execution';
import { riskEngineConfigSchema } from '../risk-engine.config';
import { tradingServices } from '../trading-services';
import { NOT_RECONCILED } from '../trading-state-ids';
import type { OrderBook } from '../types';

/**
 * A trading engine: its trading state (`ACTIVE` / `REDUCING` / `HALTED`, the machine) and its
 * execution (risk, intents, orders, fills) on one venue, in `shadow` or `live` mode. Its strategies
 * send it intents; it subscribes to the books of its symbols for mids and for the fill model.
 */
export default defineComponent({
  kind: 'engine',
  description: 'Trading state and execution of one engine: risk, durable intents, order machines, fills',
  machine: tradingStateMachine,
  configSchema: z.strictObject({
    venue: z.string().min(1),
    mode: z.enum(['shadow', 'live']),
    risk: riskEngineConfigSchema,
    pollMs: z.number().int().min(10).max(60_000).default(1_000),
    /** Marks the portfolio with this engine's books at most this often (clock ms). */
    markEveryMs: z.number().int().min(0).max(3_600_000).default(1_000),
    /** Trade REDUCING from start until this engine's reconciliation clears it. */
    reconcileAtStart: z.boolean().default(false),
    policy: z
      .strictObject({
        ackTimeoutMs: z.number().int().positive(),
        firstCheckAfterMs: z.number().int().positive(),
        checkEveryMs: z.number().int().positive(),
        maxChecks: z.number().int().min(1).max(100),
        slowCheckEveryMs: z.number().int().positive().optional(),
        absentAfterMs: z.number().int().min(1_000).optional(),
      })
      .default({ ...DEFAULT_ORDER_POLICY }),
  }),
  input: ({ id }) => ({ level: 'engine', scope: id }),
  summary: (context) => {
    const c = context as TradingStateContext;
    return { reason: c.reason, by: c.by };
  },
  effects: (env) => {
    const services = tradingServices(env.services);
    services.bindStates(env.stateOf);
    const side = services.engineVenue(env.id);
    const execution = new Execution({
      instance: services.instance,
      engine: env.id,
      mode: env.config.mode,
      venueName: env.config.venue,
      venue: side.venue,
      instruments: services.instruments(),
      store: services.store,
      portfolio: services.portfolio,
      risk: env.config.risk,
      policy: env.config.policy,
      pollMs: env.config.pollMs,
      mids: () => services.mids,
      env,
      kills: services.kills,
      stats: services.stats,
      shadowFresh: side.mode === 'shadow' && side.fresh,
    });
    let lastMark = Number.NEGATIVE_INFINITY;
    const onBook = (book: OrderBook, t: number): void => {
      const bid = book.bids[0]?.price;
      const ask = book.asks[0]?.price;
      if (bid !== undefined && ask !== undefined) services.mids[book.symbol] = (bid + ask) / 2;
      side.observe(book);
      // The throttle first: this runs on every book, the count of mids at most once per mark.
      if (t - lastMark < env.config.markEveryMs) return;
      // Until every symbol has a mid, equity would leave assets out and the curve would jump.
      if (Object.keys(services.mids).length < services.instruments().size) return;
      lastMark = t;
      services.portfolio.mark(t, services.mids);
    };
    let unsubscribe = (): void => {};
    return {
      start: async () => {
        // Queued before any strategy runs (they start after the engine), so no intent precedes it.
        if (env.config.reconcileAtStart)
          env.send({ type: 'trading.reduce', reason: NOT_RECONCILED, by: env.id, t: env.clock.now() });
        // The gate itself is synchronous; this only makes the engine cancel and flatten at once.
        unsubscribe = services.kills.onChange(() => env.send({ type: 'exec.kill' }));
        await execution.start();
      },
      stop: () => {
        unsubscribe();
        execution.stop();
      },
      run: () => {},
      handle: (event) => {
        if (event.type === 'book.accepted') {
          onBook((event as unknown as { book: OrderBook }).book, env.clock.now());
          return true;
        }
        // Staleness is the strategies' concern; the engine only needs good books.
        if (event.type === 'book.live' || event.type === 'book.stale') return true;
        return execution.handle(event);
      },
      summary: () => execution.summary(),
    };
  },
});
