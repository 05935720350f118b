import { createActor } from 'xstate';
import { VirtualClock } from '../actors/kernel/clock-virtual';
import { silentLogger } from '../actors/kernel/logger';
import { Runtime } from '../actors/kernel/runtime';
import { benchRegistry, counterConfig } from './fixtures/bench-registry';
import { counterMachine } from './fixtures/counter-component';
import { median } from './stats';

const EVENTS = 200_000;

/** Events/s through a bare XState actor: the baseline. */
function bare(): number {
  const actor = createActor(counterMachine);
  actor.start();
  const start = process.hrtime.bigint();
  for (let i = 0; i < EVENTS; i++) actor.send({ type: 'inc' });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  actor.stop();
  return EVENTS / seconds;
}

/** Events/s through a hosted component: mailbox, machine, journal entry per transition, snapshot. */
async function hosted(): Promise<number> {
  const clock = new VirtualClock();
  const runtime = await Runtime.start({
    config: counterConfig('memory'),
    clock,
    logger: silentLogger(),
    registry: benchRegistry(),
  });
  const start = process.hrtime.bigint();
  for (let i = 0; i < EVENTS; i++) runtime.send('counter', { type: 'inc' });
  await runtime.ask('counter', { type: 'inc' });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await runtime.stop();
  return (EVENTS + 1) / seconds;
}

/** Hosted vs bare throughput, interleaved runs in one process; medians of 5. */
export async function benchHostedThroughput(): Promise<Record<string, number>> {
  const bareRuns: number[] = [];
  const hostedRuns: number[] = [];
  bare();
  await hosted();
  for (let i = 0; i < 5; i++) {
    bareRuns.push(bare());
    hostedRuns.push(await hosted());
  }
  const b = median(bareRuns);
  const h = median(hostedRuns);
  return {
    bareEventsPerSec: Math.round(b),
    hostedEventsPerSec: Math.round(h),
    hostedToBareRatio: Number((h / b).toFixed(3)),
  };
}

if (require.main === module) {
  void benchHostedThroughput().then((r) => console.log(JSON.stringify(r)));
}
