import { benchAskRoundTrip } from './ask-roundtrip';
import { benchHostedThroughput } from './hosted-throughput';
import { benchJournalRedis } from './journal-redis';
import { benchRestartLatency } from './restart-latency';
import { benchChaosSoak, benchHaltPropagation } from './safety';
import { benchSoakSpeed } from './soak-speed';
import { benchTrading } from './trading';

/**
 * `npm run bench`: every benchmark in one process, one after another, printing one JSON object
 * per benchmark as it finishes and a final object with every figure. `--only name,name` picks some.
 */
const benches: Record<string, () => Promise<Record<string, number>>> = {
  hosted: benchHostedThroughput,
  ask: benchAskRoundTrip,
  restart: benchRestartLatency,
  journal: benchJournalRedis,
  soak: () => benchSoakSpeed(30),
  trading: () => benchTrading(),
  halt: () => benchHaltPropagation(),
  chaos: () => benchChaosSoak(),
};

async function main(): Promise<void> {
  const only = process.argv
    .find((a) => a.startsWith('--only='))
    ?.slice('--only='.length)
    .split(',');
  const all: Record<string, number | string> = { node: process.version };
  for (const [name, run] of Object.entries(benches)) {
    if (only && !only.includes(name)) continue;
    const figures = await run();
    console.log(JSON.stringify({ bench: name, ...figures }));
    Object.assign(all, figures);
  }
  console.log(JSON.stringify(all));
}

void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
