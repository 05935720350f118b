import { benchAskRoundTrip } from './ask-roundtrip';
import { benchHostedThroughput } from './hosted-throughput';
import { benchJournalRedis } from './journal-redis';
import { benchLongRun, logDay, longRunOptions } from './long-run';
import { benchRestartLatency } from './restart-latency';
import { benchChaosSoak, benchHaltPropagation } from './safety';
import { benchSoakSpeed } from './soak-speed';
import { benchTrading } from './trading';

/**
 * `npm run bench`: every benchmark in one process, one after another, printing one JSON object
 * per benchmark as it finishes and a final object with every figure. `--only name,name` picks some.
 * Benchmarks in {@link OPT_IN} take too long for the default set and run only when named:
 * `npm run bench -- --only=longrun [--days=N]` (120 simulated days by default; see `long-run.ts`),
 * `npm run bench -- --only=chaos30`.
 */
const benches: Record<string, () => Promise<Record<string, number | boolean | string>>> = {
  hosted: benchHostedThroughput,
  ask: benchAskRoundTrip,
  restart: benchRestartLatency,
  journal: benchJournalRedis,
  soak: () => benchSoakSpeed(30),
  trading: () => benchTrading(),
  halt: () => benchHaltPropagation(),
  chaos: () => benchChaosSoak(),
  chaos30: () => benchChaosSoak(30, [1, 2, 3, 4, 5]),
  longrun: () => benchLongRun({ ...longRunOptions(), onDay: logDay }),
};

/**
 * Run only when `--only` names them: the long run takes minutes to half an hour; `chaos30`, the
 * issue's soak-speed figure itself (30 simulated days under default chaos, seeds 1–5), about 40.
 */
const OPT_IN = new Set(['longrun', 'chaos30']);

async function main(): Promise<void> {
  const only = process.argv
    .find((a) => a.startsWith('--only='))
    ?.slice('--only='.length)
    .split(',');
  const all: Record<string, number | boolean | string> = { node: process.version };
  for (const [name, run] of Object.entries(benches)) {
    if (only ? !only.includes(name) : OPT_IN.has(name)) continue;
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
