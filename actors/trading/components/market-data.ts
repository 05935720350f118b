import { z } from 'zod';
import { marketDataMachine } from '../../../machines/market-data.machine';
import type { MarketDataCommand, MarketDataContext } from '../../../machines/market-data.machine';
import { defineComponent } from '../../kernel/component';
import type { TimerHandle } from '../../kernel/clock';
import { tradingServices } from '../trading-services';

/**
 * Market data for one venue and symbol: polls the venue's book, checks every book at the boundary
 * (the machine), publishes good ones on `market.<symbol>` and goes stale — `degraded` for
 * strategies, which stop quoting — when none arrives in time.
 */
export default defineComponent({
  kind: 'market-data',
  description:
    'Book snapshots of one symbol, checked at the boundary; staleness makes strategies stop quoting',
  machine: marketDataMachine,
  degradedIn: ['stale'],
  volatileEvents: ['book.updated'],
  configSchema: z.strictObject({
    venue: z.string().min(1),
    symbol: z.string().regex(/^[A-Z0-9]{2,20}$/, 'expected an upper-case symbol like BTCUSDT'),
    pollMs: z.number().int().min(10).max(60_000).default(500),
    staleAfterMs: z.number().int().min(100).max(600_000).default(5_000),
    depth: z.number().int().min(1).max(100).default(10),
  }),
  input: ({ config }) => ({ venue: config.venue, symbol: config.symbol, staleAfterMs: config.staleAfterMs }),
  summary: (context) => {
    const c = context as MarketDataContext;
    const bid = c.book?.bids[0]?.price ?? null;
    const ask = c.book?.asks[0]?.price ?? null;
    return {
      symbol: c.symbol,
      bid,
      ask,
      accepted: c.accepted,
      rejected: c.rejected,
      stale: c.staleSince !== null,
    };
  },
  effects: (env) => {
    const services = tradingServices(env.services);
    const venue = services.venue(env.config.venue);
    let timer: TimerHandle | null = null;
    let stopped = false;
    const poll = (): void => {
      timer = env.clock.setTimeout(() => {
        timer = null;
        venue.book(env.config.symbol, env.config.depth).then(
          (book) => {
            if (!stopped) env.send({ type: 'book.updated', book, t: env.clock.now() });
            if (!stopped) poll();
          },
          // A failed poll is no book: the staleness deadline decides when that matters.
          () => {
            if (!stopped) poll();
          },
        );
      }, env.config.pollMs);
    };
    return {
      start: () => poll(),
      stop: () => {
        stopped = true;
        if (timer) env.clock.clearTimeout(timer);
      },
      run: (command) => {
        const c = command as MarketDataCommand;
        if (c.type === 'raiseIncident') env.incident(c.incident.kind, c.incident.detail, { ...c.incident });
      },
    };
  },
});
