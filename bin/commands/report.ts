import { ISO_WEEK_EXPECTED, parseIsoWeek } from '../../actors/ops/iso-week';
import { UsageError, parseFlags } from '../usage';
import { instanceUrl } from './instance-url';
import { DEFAULT_DATA_DIR } from './start-control';

/** Exit codes of `predator report`, as `predator ctl`'s. */
export const REPORT_EXIT = { done: 0, failed: 1, usage: 2, unreachable: 4 } as const;

const FORMATS = ['md', 'html', 'json'] as const;

/** Where the command writes; a spec passes its own to read what was printed. */
export interface ReportOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

const processOutput: ReportOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/**
 * `predator report [--week YYYY-Www] [--format md|html|json] [--url URL] [--data-dir DIR]`: prints
 * a weekly long-run report of the running instance, fetched from its gateway
 * (`GET /api/reports/:week`), found as `predator ctl` finds it (`gateway.json` in the data
 * directory) unless `--url` is given. Without `--week`, the current week so far on the instance's
 * clock; Markdown unless `--format` says otherwise. Throws `UsageError` (exit 2) for a bad flag,
 * naming it; resolves 0 when printed, 1 when the instance has no such report, 4 when unreachable.
 *
 * @example
 * await runReportCommand(['--week', '2026-W02', '--format', 'html', '--url', 'http://127.0.0.1:8080']);
 */
export async function runReportCommand(
  argv: readonly string[],
  output: ReportOutput = processOutput,
): Promise<number> {
  const flags = parseFlags(argv, {
    week: { type: 'string' },
    format: { type: 'string' },
    url: { type: 'string' },
    'data-dir': { type: 'string' },
  });
  if (flags.week !== undefined && parseIsoWeek(flags.week) === undefined)
    throw new UsageError(`--week: ${ISO_WEEK_EXPECTED}, got "${flags.week}"`);
  const format = flags.format ?? 'md';
  if (!(FORMATS as readonly string[]).includes(format))
    throw new UsageError(`--format: expected one of ${FORMATS.join(', ')}, got "${format}"`);
  const dataDir = flags['data-dir'] ?? process.env.PREDATOR_DATA_DIR ?? DEFAULT_DATA_DIR;
  const url = await instanceUrl(flags.url, dataDir);
  const route = `/api/reports/${encodeURIComponent(flags.week ?? 'current')}?format=${format}`;
  let status: number;
  let text: string;
  try {
    const response = await fetch(`${url}${route}`, { headers: { 'User-Agent': 'predator-report' } });
    status = response.status;
    text = await response.text();
  } catch (error) {
    output.stderr(
      `predator report: cannot reach ${url}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return REPORT_EXIT.unreachable;
  }
  if (status !== 200) {
    let message = `HTTP ${status}`;
    try {
      message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
    } catch {
      // Not the gateway's JSON error: the status says enough.
    }
    output.stderr(`predator report: ${message}\n`);
    return REPORT_EXIT.failed;
  }
  output.stdout(text.endsWith('\n') ? text : `${text}\n`);
  return REPORT_EXIT.done;
}
