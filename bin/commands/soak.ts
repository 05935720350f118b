import { runSoak } from '../../actors/sim/soak';
import { UsageError, intFlag, parseFlags } from '../usage';

/** `predator soak --days N --seed S [--json]`. */
export async function runSoakCommand(argv: readonly string[]): Promise<number> {
  const flags = parseFlags(argv, {
    days: { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (flags.days === undefined) throw new UsageError('--days is required');
  if (flags.seed === undefined) throw new UsageError('--seed is required');
  const days = Number(flags.days);
  if (!Number.isFinite(days) || days <= 0 || days > 3650) {
    throw new UsageError(`--days: expected a number of days above 0 and at most 3650, got "${flags.days}"`);
  }
  const seed = intFlag('--seed', flags.seed, 0, 2 ** 32 - 1) as number;
  const report = await runSoak({
    days,
    seed,
    onDay: flags.json
      ? undefined
      : (day) => process.stderr.write(`simulated day ${day}/${Math.ceil(days)}\n`),
  });
  if (flags.json) {
    console.log(JSON.stringify(report));
  } else {
    for (const [key, value] of Object.entries(report)) {
      console.log(`${key.padEnd(18)} ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
    }
  }
  return 0;
}
