import { performance } from 'node:perf_hooks';
import { RealClock } from '../actors/kernel/clock';
import { silentLogger } from '../actors/kernel/logger';
import { Rng } from '../actors/kernel/rng';
import { Runtime } from '../actors/kernel/runtime';
import type { Store } from '../actors/kernel/store';
import { buildTrading } from '../actors/trading/build-trading';
import { clientOrderId } from '../actors/trading/client-order-id';
import { createStrategy } from '../actors/trading/strategies/registry';
import type { OwnOrder, Strategy } from '../actors/trading/strategies/strategy';
import { initialSlot, stepStrategy } from '../actors/trading/strategies/strategy';
import { parseTradingConfig } from '../actors/trading/trading-config';
import { median, percentile } from './stats';
import type { TapeBook } from './trading-market';
import {
  instrumentOf,
  MAKER_SETTINGS,
  marketDataId,
  stamp,
  strategyId,
  tradingBenchConfig,
} from './trading-market';
import { TradingProbes } from './trading-probes';

/** Latency samples of one hosted run, in microseconds, and what the run did. */
export interface HostedRun {
  /** Book handed to market data → the engine is offered the intent. */
  readonly tickToIntent: number[];
  /** `book.accepted` published → the engine is offered the intent. */
  readonly publishToIntent: number[];
  /** Book handed to market data → the engine calls the venue with the order. */
  readonly tickToSubmit: number[];
  /** The engine is offered the intent → it calls the venue: risk, then the awaited store writes. */
  readonly engineToSubmit: number[];
  /** The venue call → its answer (the SimVenue's own simulated network, see the docs). */
  readonly venueAnswer: number[];
  /** Book handed to market data → the venue's answer to the submit. */
  readonly tickToAck: number[];
  /** How late books left the feeder against their 100 µs schedule. */
  readonly feedLag: number[];
  /** Books fed in the measured window, and at what rate (per second) they actually went out. */
  readonly ticks: number;
  readonly ticksPerSec: number;
  /** Share of measured books on which some strategy emitted an intent. */
  readonly intentTickFraction: number;
  readonly intentsPerSec: number;
  /** Intents emitted in the window that the engine never received (dropped with its mailbox). */
  readonly lost: number;
  /** Intents the engine received but never sent (risk denials). */
  readonly notSubmitted: number;
  readonly unattributed: number;
  /** Restarts the supervisors carried out during the run (a watchdog kill counts). */
  readonly restarts: number;
}

/** How a hosted run is fed: books of the tape in order, first paced, then flat out. */
export interface FeedOptions {
  /** Books per second over all symbols, in the paced part. */
  readonly rate: number;
  /** Leading books that warm up and are not measured. */
  readonly warmup: number;
  /** Paced books measured after the warm-up. */
  readonly measured: number;
  /** Books then sent as fast as the runtime takes them, for its capacity (not for latency). */
  readonly flatOut: number;
}

/** What the flat-out part of a hosted run showed. */
export interface Capacity {
  readonly booksPerSec: number;
  /** Process CPU (user + system) per book, GC and the store client included. */
  readonly cpuPerBookUs: number;
  /** Restarts while it ran: a watchdog kill drops the engine's mailbox, so fewer books were handled. */
  readonly restarts: number;
}

/**
 * One hosted run on a real clock: `buildTrading` + `Runtime.start` on `store` with the probes'
 * wrapped components and venue. The tape's books are handed to their symbol's market-data
 * component at `rate` per second (warm-up, then the measured window); once the engine has worked
 * through its mailbox, the next `flatOut` books go in as fast as it takes them.
 *
 * Books are fed as `book.updated` events to the market-data components, which is what their own
 * venue poll does: a book then takes the path it takes in production (checked at the boundary by
 * the market-data machine, published as `book.accepted` to the engine and the strategy). Their poll
 * cannot produce the rate (at most one book per 10 ms per symbol), so it is set to once a minute.
 */
export async function hostedRun(
  store: Store,
  instance: string,
  tape: readonly TapeBook[],
  feed: FeedOptions,
): Promise<{ run: HostedRun; capacity: Capacity }> {
  const config = parseTradingConfig(tradingBenchConfig(instance));
  const clock = new RealClock();
  const logger = silentLogger();
  const trading = await buildTrading(config, {
    clock,
    rng: new Rng(config.seed).stream('trading'),
    store,
    logger,
  });
  const probes = new TradingProbes();
  const runtime = await Runtime.start({
    config: trading.system,
    clock,
    store,
    logger,
    registry: probes.registry(),
    services: probes.services(trading.services),
    placement: 'memory',
  });
  const kernel = runtime.kernel;
  const publish = kernel.publish;
  kernel.publish = (topic, event) => {
    if (event.type === 'book.accepted') probes.onPublish();
    publish(topic, event);
  };
  const send = (index: number): void => {
    const book = tape[index] as TapeBook;
    probes.current = { index, tick: performance.now(), published: Number.NaN };
    const t = clock.now();
    runtime.send(marketDataId(book.symbol), { type: 'book.updated', book: stamp(book, t), t });
    probes.current = null;
  };
  // The engine is the one component that awaits (the store); the others handle a book in `send`.
  // An ask queued behind a backlog is lost when the watchdog restarts the engine (its mailbox is
  // dropped): ask again every second; an ask that only timed out answers later, harmlessly.
  const drained = async (): Promise<void> => {
    const giveUpAt = performance.now() + 300_000;
    for (;;) {
      try {
        await runtime.ask('maker', { type: 'bench.drained' }, 1_000);
        return;
      } catch (error) {
        if (performance.now() > giveUpAt) throw error;
        // Not running (being restarted) rejects at once.
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
  };
  const paced = feed.warmup + feed.measured;
  try {
    const window = await pacedFeed(send, paced, feed);
    await drained();
    const restarts = runtime.restarts();
    // Venue answers still on their way (the SimVenue's timers).
    await new Promise((resolve) => setTimeout(resolve, 200));
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let i = paced; i < paced + feed.flatOut; i++) {
      send(i);
      // Let microtasks, timers and store replies run, as a socket read of 100 books would.
      if ((i - paced) % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
    }
    await drained();
    const seconds = (performance.now() - started) / 1_000;
    const used = process.cpuUsage(cpu);
    const restartsFlatOut = runtime.restarts() - restarts;
    return {
      run: { ...summarise(probes, config.instance, { from: feed.warmup, to: paced }, window), restarts },
      capacity: {
        booksPerSec: feed.flatOut / seconds,
        cpuPerBookUs: (used.user + used.system) / feed.flatOut,
        restarts: restartsFlatOut,
      },
    };
  } finally {
    await runtime.stop();
    await trading.close();
  }
}

/**
 * Sends books 0 … `count` − 1, book i at `start + i / rate`, and the feed's lateness for each
 * measured one. setImmediate rather than a timer: timers have a 1 ms granularity, and the feed must
 * space books 100 µs apart rather than send them in bursts of ten. When the runtime falls behind,
 * the books due are sent back to back, as a socket would deliver its backlog.
 */
function pacedFeed(
  send: (index: number) => void,
  count: number,
  feed: FeedOptions,
): Promise<{ lag: number[]; seconds: number }> {
  const intervalMs = 1_000 / feed.rate;
  const lag: number[] = [];
  const start = performance.now();
  let windowStart = start;
  let next = 0;
  return new Promise((resolve) => {
    const step = (): void => {
      const due = Math.min(count, Math.floor((performance.now() - start) / intervalMs) + 1);
      while (next < due) {
        const now = performance.now();
        if (next === feed.warmup) windowStart = now;
        if (next >= feed.warmup) lag.push((now - (start + next * intervalMs)) * 1_000);
        send(next);
        next++;
      }
      if (next < count) setImmediate(step);
      else resolve({ lag, seconds: (performance.now() - windowStart) / 1_000 });
    };
    step();
  });
}

function summarise(
  probes: TradingProbes,
  instance: string,
  window: { from: number; to: number },
  feed: { lag: number[]; seconds: number },
): Omit<HostedRun, 'restarts'> {
  const us = (ms: number): number => ms * 1_000;
  const tickToIntent: number[] = [];
  const publishToIntent: number[] = [];
  const tickToSubmit: number[] = [];
  const engineToSubmit: number[] = [];
  const venueAnswer: number[] = [];
  const tickToAck: number[] = [];
  let intents = 0;
  let notSubmitted = 0;
  let lost = 0;
  for (const [intentId, times] of probes.intents) {
    if (times.tickIndex < window.from || times.tickIndex >= window.to) continue;
    intents++;
    if (times.received === undefined) {
      lost++;
      continue;
    }
    tickToIntent.push(us(times.received - times.tick));
    publishToIntent.push(us(times.received - times.published));
    const submit = probes.submits.get(clientOrderId(instance, intentId));
    if (submit === undefined) {
      notSubmitted++;
      continue;
    }
    tickToSubmit.push(us(submit.submitted - times.tick));
    engineToSubmit.push(us(submit.submitted - times.received));
    if (submit.answered === undefined) continue;
    venueAnswer.push(us(submit.answered - submit.submitted));
    tickToAck.push(us(submit.answered - times.tick));
  }
  let intentTicks = 0;
  for (const index of probes.ticksWithIntents) if (index >= window.from && index < window.to) intentTicks++;
  const ticks = window.to - window.from;
  return {
    tickToIntent,
    publishToIntent,
    tickToSubmit,
    engineToSubmit,
    venueAnswer,
    tickToAck,
    feedLag: feed.lag,
    ticks,
    ticksPerSec: ticks / feed.seconds,
    intentTickFraction: intentTicks / ticks,
    intentsPerSec: intents / feed.seconds,
    lost,
    notSubmitted,
    unattributed: probes.unattributed,
  };
}

/** Call times of the bare strategy function, in microseconds. */
export interface BareRun {
  /** Every measured book. */
  readonly all: number[];
  /** Books on which the strategy emitted an intent: the ones tick→intent is measured on. */
  readonly withIntents: number[];
}

/**
 * The baseline: the same market-maker function (`stepStrategy` over `createStrategy`, as the
 * strategy machine calls it) on the same books in the same order, called directly, one strategy
 * per symbol with its working orders kept the way its host keeps them. Only the call is timed.
 */
export function bareRun(tape: readonly TapeBook[], warmup: number): BareRun {
  const makers = new Map(
    [...new Set(tape.map((b) => b.symbol))].map((symbol) => {
      // As the strategy machine holds it: the state type erased.
      const strategy = createStrategy('market-maker', MAKER_SETTINGS) as Strategy<unknown>;
      return [symbol, { strategy, slot: initialSlot(strategy), openOrders: [] as OwnOrder[] }];
    }),
  );
  const all: number[] = [];
  const withIntents: number[] = [];
  tape.forEach((tapeBook, index) => {
    const maker = makers.get(tapeBook.symbol);
    if (maker === undefined) return;
    const book = stamp(tapeBook, Date.now());
    const inputs = {
      engine: 'maker',
      strategy: strategyId(book.symbol),
      instrument: instrumentOf(book.symbol),
      t: book.t,
      position: 0,
      openOrders: maker.openOrders,
      stale: false,
    };
    const started = performance.now();
    const step = stepStrategy(maker.strategy, maker.slot, book, inputs);
    const took = (performance.now() - started) * 1_000;
    maker.slot = step.slot;
    // A cancelled order leaves at once here; the host keeps it, marked, until the engine confirms.
    const cancelled = new Set(step.cancels);
    maker.openOrders = maker.openOrders.filter((o) => !cancelled.has(o.intentId));
    for (const intent of step.intents)
      maker.openOrders.push({
        intentId: intent.intentId,
        symbol: intent.symbol,
        side: intent.side,
        type: intent.type,
        ...(intent.price === undefined ? {} : { price: intent.price }),
        remainingQty: intent.qty,
        cancelRequested: false,
      });
    if (index < warmup) return;
    all.push(took);
    if (step.intents.length > 0) withIntents.push(took);
  });
  return { all, withIntents };
}

/** The figures of one hosted run and its capacity against the baseline, keys prefixed with `prefix`. */
export function latencyFigures(
  prefix: string,
  { run, capacity }: { run: HostedRun; capacity: Capacity },
  bare: BareRun,
): Record<string, number> {
  const p50 = (values: number[]): number => (values.length === 0 ? Number.NaN : median(values));
  const p99 = (values: number[]): number => (values.length === 0 ? Number.NaN : percentile(values, 99));
  const round = (value: number, digits = 1): number => Number(value.toFixed(digits));
  const bare50 = p50(bare.withIntents);
  const bare99 = p99(bare.withIntents);
  const figures: Record<string, number> = {
    TickToIntentP50Us: round(p50(run.tickToIntent)),
    TickToIntentP99Us: round(p99(run.tickToIntent)),
    PublishToIntentP50Us: round(p50(run.publishToIntent)),
    PublishToIntentP99Us: round(p99(run.publishToIntent)),
    TickToSubmitP50Us: round(p50(run.tickToSubmit)),
    TickToSubmitP99Us: round(p99(run.tickToSubmit)),
    EngineToSubmitP50Us: round(p50(run.engineToSubmit)),
    EngineToSubmitP99Us: round(p99(run.engineToSubmit)),
    VenueAnswerP50Us: round(p50(run.venueAnswer)),
    VenueAnswerP99Us: round(p99(run.venueAnswer)),
    TickToAckP50Us: round(p50(run.tickToAck)),
    TickToAckP99Us: round(p99(run.tickToAck)),
    BareStrategyP50Us: round(bare50, 2),
    BareStrategyP99Us: round(bare99, 2),
    BareStrategyAllBooksP50Us: round(p50(bare.all), 2),
    TickToIntentToBareP50: round(p50(run.tickToIntent) / bare50),
    TickToIntentToBareP99: round(p99(run.tickToIntent) / bare99),
    FeedLagP50Us: round(p50(run.feedLag)),
    FeedLagP99Us: round(p99(run.feedLag)),
    Ticks: run.ticks,
    TicksPerSec: Math.round(run.ticksPerSec),
    IntentTickFraction: round(run.intentTickFraction, 4),
    IntentsPerSec: Math.round(run.intentsPerSec),
    Intents: run.tickToIntent.length,
    IntentsLost: run.lost,
    Unattributed: run.unattributed,
    Acks: run.tickToAck.length,
    NotSubmitted: run.notSubmitted,
    Restarts: run.restarts,
    CapacityBooksPerSec: Math.round(capacity.booksPerSec),
    CpuPerBookUs: round(capacity.cpuPerBookUs),
    CapacityRestarts: capacity.restarts,
  };
  return Object.fromEntries(Object.entries(figures).map(([key, value]) => [`${prefix}${key}`, value]));
}
