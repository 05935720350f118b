import { ConfigError } from '../../actors/kernel/errors';
import { loadChaosProfile } from '../../actors/safety/chaos-scenarios';
import { runTradingSoak } from '../../actors/safety/trading-soak';
import { runSoak } from '../../actors/sim/soak';
import { UsageError, intFlag, parseFlags } from '../usage';

/**
 * `predator soak --days N --seed S [--chaos default|none|FILE] [--no-operator] [--json]`. With
 * `--chaos`, the whole trading system (kernel, trading, safety) under the chaos engine, with the
 * invariants checked and a simulated on-call operator resuming what only an operator may (unless
 * `--no-operator`); without it, the kernel's sample tree under seeded crash and hang faults.
 */
export async function runSoakCommand(argv: readonly string[]): Promise<number> {
  const flags = parseFlags(argv, {
    days: { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'boolean' },
    chaos: { type: 'string' },
    'no-operator': { type: 'boolean' },
  });
  if (flags.days === undefined) throw new UsageError('--days is required');
  if (flags.seed === undefined) throw new UsageError('--seed is required');
  const days = Number(flags.days);
  if (!Number.isFinite(days) || days <= 0 || days > 3650) {
    throw new UsageError(`--days: expected a number of days above 0 and at most 3650, got "${flags.days}"`);
  }
  const seed = intFlag('--seed', flags.seed, 0, 2 ** 32 - 1) as number;
  const onDay = flags.json
    ? undefined
    : (day: number): void => void process.stderr.write(`simulated day ${day}/${Math.ceil(days)}\n`);
  if (flags.chaos !== undefined) {
    let profile;
    try {
      profile = await loadChaosProfile(flags.chaos);
    } catch (error) {
      if (error instanceof ConfigError) throw new UsageError(`--chaos: ${error.message}`);
      throw error;
    }
    const report = await runTradingSoak({
      days,
      seed,
      chaos: profile,
      operator: flags['no-operator'] === true ? false : {},
      ...(onDay ? { onDay } : {}),
    });
    print(report, flags.json === true);
    return report.invariantViolationCount === 0 ? 0 : 1;
  }
  const report = await runSoak({
    days,
    seed,
    onDay: flags.json
      ? undefined
      : (day) => process.stderr.write(`simulated day ${day}/${Math.ceil(days)}\n`),
  });
  print(report, flags.json === true);
  return 0;
}

function print(report: object, json: boolean): void {
  if (json) {
    console.log(JSON.stringify(report));
    return;
  }
  for (const [key, value] of Object.entries(report)) {
    console.log(`${key.padEnd(24)} ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
  }
}
