import { runCtlCommand } from './commands/ctl';
import { runEmulatorCommand } from './commands/emulator';
import { runGateCommand } from './commands/gate';
import { runReportCommand } from './commands/report';
import { runSoakCommand } from './commands/soak';
import { runStartCommand } from './commands/start';
import { UsageError } from './usage';

const HELP = `predator — a supervised runtime for 24/7 trading engines

Usage:
  predator start [--config FILE] [--redis URL] [--port N] [--mode shadow|live] [--venue V]
                 [--venue-url URL] [--data-dir DIR] [--log-dir DIR]
      Runs the platform: the trading system, the gateway and the dashboard on 127.0.0.1.
      --config FILE   trading config or system spec (JSON); two engines in shadow by default
      --redis URL     Redis for durable state (or REDIS_URL); without it, an in-process store
      --port N        gateway port (or PORT); 8080 by default
      --mode M        every engine's mode: shadow or live
      --venue V       binance (through ccxt) or sim; --venue-url URL points it elsewhere
      --data-dir DIR  admin token and gateway file (or PREDATOR_DATA_DIR); .predator by default
      --log-dir DIR   logs to a rotated file there (or PREDATOR_LOG_DIR); stdout by default

  predator ctl <command> [args...] [--yes] [--json] [--as NAME] [--data-dir DIR] [--url URL]
      Sends an operator command to the running instance (admin token from its data directory):
      status | halt [reason] | resume [ACTIVE|REDUCING] | kill_engine E [reduce|cancel|flatten]
      kill_strategy S [step] | kill_all [step] | resume_engine E | resume_strategy S
      reset_breaker B | chaos start|stop [scenario] | confirm NONCE | audit
      incidents [STATE] | resolve_incident ID [note] | reopen_incident ID reason | postmortem ID
      complete_postmortem ID rootCause|actions|followUp|followUps text | sign_postmortem ID
      signoff_gate [note]

  predator gate stability [--json] [--url URL] [--data-dir DIR]
      The phase-6 stability gate of the running instance: each criterion, met or not, with its
      evidence (exit 0 passed, 1 not passed, 2 bad usage, 4 instance unreachable).

  predator report [--week YYYY-Www] [--format md|html|json] [--url URL] [--data-dir DIR]
      Prints a weekly long-run report of the running instance (the current week so far by default).

  predator soak --days N --seed S [--chaos default|none|FILE] [--no-operator] [--json]
      Deterministic simulation on the virtual clock. With --chaos: the whole trading system under
      the chaos engine, checking the safety invariants (exit 1 on a violation). Without: the
      kernel's sample tree with seeded crash and hang faults.

  predator emulator --venue binance --port P [--seed S] [--api-key K --api-secret S]
      Serves a Binance spot REST emulator on 127.0.0.1 (port 0 = free) until SIGINT/SIGTERM.

Exit codes: 0 ok, 1 runtime failure, 2 bad command line or config.`;

/** Entry point of the `predator` command; resolves with the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'start':
        return await runStartCommand(rest);
      case 'soak':
        return await runSoakCommand(rest);
      case 'emulator':
        return await runEmulatorCommand(rest);
      case 'ctl':
        return await runCtlCommand(rest);
      case 'gate':
        return await runGateCommand(rest);
      case 'report':
        return await runReportCommand(rest);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(HELP);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`predator: ${error.message}\n\n${HELP}`);
      return 2;
    }
    throw error;
  }
}
