import { z } from 'zod';
import { reconciliationMachine } from '../../../machines/reconciliation.machine';
import type { ReconciliationContext } from '../../../machines/reconciliation.machine';
import type { TimerHandle } from '../../kernel/clock';
import { defineComponent } from '../../kernel/component';
import { tradingServices } from '../../trading/trading-services';
import { NOT_RECONCILED } from '../../trading/trading-state-ids';
import { Reconciler } from '../reconciliation';
import { ReconciliationPlan } from '../reconciliation-plan';

/**
 * An engine's reconciliation with its venue: a pass soon after start (the engine trades REDUCING
 * until one concludes without a difference for a human), then one every `intervalMs`. Differences
 * the rule table heals are journaled (machine `reconciliation-heal`); the others are incidents
 * (`RECONCILIATION_MISMATCH`, `UNEXPLAINED_BALANCE_CHANGE`), keep the engine REDUCING if it was
 * not yet reconciled, count on the mismatch board (the `recon-<engine>` breaker reads it) and
 * degrade this component until a pass finds none.
 */
export default defineComponent({
  kind: 'reconciliation',
  description: "An engine's reconciliation with its venue: orders, fills, balances",
  machine: reconciliationMachine,
  degradedIn: ['mismatch'],
  input: () => ({}),
  configSchema: z.strictObject({
    engine: z.string().min(1),
    ownsAccount: z.boolean(),
    firstAfterMs: z.number().int().min(0).max(600_000).default(2_000),
    intervalMs: z.number().int().min(1_000).max(86_400_000).default(60_000),
    minAgeMs: z.number().int().min(0).max(3_600_000).default(10_000),
    absentAfterMs: z.number().int().min(1_000).max(3_600_000).default(90_000),
    orphanGapMs: z.number().int().min(0).max(3_600_000).default(30_000),
    /** Fills and balances are reconciled on every this-many passes; orders on every pass. */
    deepEvery: z.number().int().min(1).max(1_000).default(5),
    /**
     * Between full fill comparisons, a deep pass compares only the fills of this last span: the
     * whole window (up to the venue's trade history) costs a read of every stored fill in it.
     */
    fillLookbackMs: z.number().int().min(60_000).max(86_400_000).default(3_600_000),
    /** Every this-many deep passes (and the first) compares every fill both sides know. */
    fullEvery: z.number().int().min(1).max(1_000).default(12),
  }),
  summary: (context) => {
    const c = context as ReconciliationContext;
    return {
      passes: c.passes,
      healed: c.healed,
      mismatches: c.mismatches,
      failures: c.failures,
      lastPassT: c.lastPassT,
    };
  },
  effects: (env) => {
    const services = tradingServices(env.services);
    const { engine } = env.config;
    const side = services.engineVenue(engine);
    const reported = new Set<string>();
    const reconciler = new Reconciler({
      instance: services.instance,
      engine,
      venue: side.venue,
      store: services.store,
      instruments: services.instruments(),
      minAgeMs: env.config.minAgeMs,
      absentAfterMs: env.config.absentAfterMs,
      orphanGapMs: env.config.orphanGapMs,
      ownsAccount: env.config.ownsAccount,
      since: env.clock.now(),
      tellEngine: (event) => env.tell(engine, event),
      recordFill: async (fill, order) => {
        const owner = { engine: order.engine, strategy: order.strategy };
        const stored = await services.store.appendFill({ ...fill, ...owner, intentId: order.intentId });
        if (stored === 'recorded') services.portfolio.recordFill(fill, owner);
      },
    });
    let timer: TimerHandle | null = null;
    let stopped = false;
    let running = false;
    const plan = new ReconciliationPlan(env.config);
    // What the latest deep pass left for a human stands until the next deep pass looks again.
    let deepMismatches = 0;
    const schedule = (ms: number): void => {
      timer = env.clock.setTimeout(() => {
        timer = null;
        void pass();
      }, ms);
    };
    const pass = async (): Promise<void> => {
      if (stopped || running) return;
      running = true;
      try {
        const now = env.clock.now();
        const { deep, fillsFrom } = plan.next(now, deepMismatches > 0);
        const result = await reconciler.pass(now, deep, fillsFrom);
        if (stopped) return;
        const orderMismatches = result.findings.filter((f) => !f.healed && f.kind === 'order').length;
        if (deep) deepMismatches = result.mismatches - orderMismatches;
        const mismatches = orderMismatches + deepMismatches;
        const t = env.clock.now();
        for (const finding of result.findings) {
          if (finding.healed) {
            env.record({
              actor: env.id,
              machine: 'reconciliation-heal',
              from: finding.kind,
              event: finding.key,
              to: 'healed',
            });
            continue;
          }
          if (reported.has(finding.key)) continue;
          reported.add(finding.key);
          env.incident(
            finding.kind === 'balance' ? 'UNEXPLAINED_BALANCE_CHANGE' : 'RECONCILIATION_MISMATCH',
            finding.detail,
            { engine, ...finding.data },
          );
        }
        services.mismatches.set(engine, mismatches);
        if (mismatches > 0) {
          const detail = result.findings
            .filter((f) => !f.healed)
            .map((f) => f.detail)
            .slice(0, 5)
            .join('; ');
          env.send({
            type: 'recon.mismatch',
            count: mismatches,
            detail: detail || 'unchanged since the last full pass',
            t,
          });
        } else {
          env.send({ type: 'recon.passed', healed: result.healed, t });
          if (services.stateOf(engine) === 'REDUCING')
            env.tell(engine, { type: 'trading.reduce.cleared', by: env.id, reason: NOT_RECONCILED, t });
        }
      } catch (error) {
        if (!stopped)
          env.send({
            type: 'recon.failed',
            error: error instanceof Error ? error.message : String(error),
            t: env.clock.now(),
          });
      } finally {
        running = false;
        if (!stopped) schedule(env.config.intervalMs);
      }
    };
    return {
      start: () => schedule(env.config.firstAfterMs),
      stop: () => {
        stopped = true;
        if (timer) env.clock.clearTimeout(timer);
      },
      run: () => {},
    };
  },
});
