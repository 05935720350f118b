import { stabilityTable } from '../../actors/ops/gate-table';
import type { StabilityGateResult } from '../../actors/ops/stability-gate-result';
import { UsageError, parseFlags } from '../usage';
import { CTL_EXIT } from './ctl';
import { instanceUrl } from './instance-url';
import { DEFAULT_DATA_DIR } from './start-control';

/**
 * Exit codes of `predator gate`: 0 passed, 1 not passed (or the instance could not judge it),
 * 2 bad usage, 4 instance unreachable — the same numbers `predator ctl` uses for usage and
 * unreachable.
 */
export const GATE_EXIT = {
  passed: 0,
  notPassed: 1,
  usage: CTL_EXIT.usage,
  unreachable: CTL_EXIT.unreachable,
} as const;

/** How long to wait for the instance's answer. */
const TIMEOUT_MS = 10_000;

/** Where the command writes; the console by default. */
export interface GateOutput {
  out(text: string): void;
  err(text: string): void;
}

const CONSOLE: GateOutput = {
  out: (text) => console.log(text),
  err: (text) => console.error(text),
};

/** Why a fetch failed: undici says only `fetch failed`; its cause says why (`ECONNREFUSED`). */
function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const why = typeof cause?.code === 'string' ? cause.code : cause?.message;
  return typeof why === 'string' ? `${error.message} (${why})` : error.message;
}

function isResult(json: unknown): json is StabilityGateResult {
  const r = json as Partial<StabilityGateResult> | null;
  return typeof r?.state === 'string' && typeof r.passed === 'boolean' && typeof r.criteria === 'object';
}

/**
 * `predator gate stability [--json] [--url URL] [--data-dir DIR]`: reads the running instance's
 * stability gate (`GET /api/gates/stability`) and prints each criterion with its evidence, or the
 * JSON answer with `--json`. Resolves with the exit code ({@link GATE_EXIT}); throws `UsageError`
 * on a bad command line.
 */
export async function runGateCommand(argv: readonly string[], output: GateOutput = CONSOLE): Promise<number> {
  const [gate, ...rest] = argv;
  if (gate !== 'stability')
    throw new UsageError(
      gate === undefined
        ? 'predator gate: a gate is required (predator gate stability)'
        : `predator gate: unknown gate "${gate}" (known: stability)`,
    );
  const flags = parseFlags(rest, {
    json: { type: 'boolean' },
    url: { type: 'string' },
    'data-dir': { type: 'string' },
  });
  const dataDir = flags['data-dir'] ?? process.env.PREDATOR_DATA_DIR ?? DEFAULT_DATA_DIR;
  const url = await instanceUrl(flags.url, dataDir);
  let status: number;
  let json: unknown;
  try {
    const response = await fetch(`${url}/api/gates/stability`, {
      headers: { 'User-Agent': 'predator-gate', Accept: 'application/json' },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    status = response.status;
    json = await response.json().catch(() => undefined);
  } catch (error) {
    output.err(`predator gate: cannot reach ${url}: ${reason(error)}`);
    return GATE_EXIT.unreachable;
  }
  if (status !== 200 || !isResult(json)) {
    const message = (json as { error?: { message?: string } } | undefined)?.error?.message;
    output.err(`predator gate: ${url} answered HTTP ${status}: ${message ?? 'not a stability gate answer'}`);
    return GATE_EXIT.notPassed;
  }
  output.out(flags.json === true ? JSON.stringify(json) : stabilityTable(json));
  return json.passed ? GATE_EXIT.passed : GATE_EXIT.notPassed;
}
