import { createInterface } from 'node:readline/promises';
import { AdminTokenError, readAdminToken } from '../../actors/safety/admin-token';
import type { AuditEntry, ControlAnswer } from '../../actors/safety/control-plane';
import { UsageError } from '../usage';
import { instanceUrl } from './instance-url';
import { DEFAULT_DATA_DIR } from './start-control';

/** Exit codes of `predator ctl`. */
export const CTL_EXIT = { done: 0, failed: 1, usage: 2, refused: 3, unreachable: 4 } as const;

interface CtlFlags {
  dataDir: string;
  url?: string;
  as?: string;
  yes: boolean;
  json: boolean;
  words: string[];
}

function parseCtlArgs(argv: readonly string[]): CtlFlags {
  const flags: CtlFlags = {
    dataDir: process.env.PREDATOR_DATA_DIR ?? DEFAULT_DATA_DIR,
    yes: false,
    json: false,
    words: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      return next;
    };
    if (arg === '--data-dir') flags.dataDir = value();
    else if (arg === '--url') flags.url = value();
    else if (arg === '--as') flags.as = value();
    else if (arg === '--yes') flags.yes = true;
    else if (arg === '--json') flags.json = true;
    else if (arg.startsWith('--')) throw new UsageError(`predator ctl: unknown flag ${arg}`);
    else flags.words.push(arg);
  }
  if (flags.words.length === 0)
    throw new UsageError('predator ctl: a command is required (try `predator ctl status`)');
  return flags;
}

/** One request to the gateway; the answer's JSON whatever the status. */
async function call(
  url: string,
  token: string,
  flags: CtlFlags,
  route: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${url}${route}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      Authorization: `Bearer ${token}`,
      'User-Agent': 'predator-ctl',
      ...(flags.as === undefined ? {} : { 'X-Predator-Operator': flags.as }),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as unknown };
}

function show(flags: CtlFlags, answer: unknown, text: string): void {
  console.log(flags.json ? JSON.stringify(answer) : text);
}

async function askYes(summary: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const reply = await rl.question(`${summary}\nType "yes" to confirm: `);
    return reply.trim().toLowerCase() === 'yes';
  } finally {
    rl.close();
  }
}

/** Prints an answer of the control plane and returns the exit code it means. */
function report(flags: CtlFlags, status: number, json: unknown): number {
  const error = (json as { error?: { message?: string } }).error;
  if (error) {
    show(flags, json, `predator ctl: ${error.message ?? `HTTP ${status}`}`);
    return CTL_EXIT.refused;
  }
  const answer = json as ControlAnswer;
  switch (answer.status) {
    case 'done': {
      // A text result (a post-mortem's Markdown) reads as itself, not as one escaped JSON string.
      const result =
        typeof answer.result === 'string' ? answer.result : JSON.stringify(answer.result, null, 2);
      show(flags, answer, `done: ${answer.summary}\n${result}`);
      return CTL_EXIT.done;
    }
    case 'refused':
      show(flags, answer, `refused (${answer.reason}): ${answer.message}`);
      return CTL_EXIT.refused;
    case 'failed':
      show(flags, answer, `failed: ${answer.summary}: ${answer.error}`);
      return CTL_EXIT.failed;
    case 'confirm':
      show(flags, answer, `to confirm: predator ctl confirm ${answer.nonce}`);
      return CTL_EXIT.refused;
  }
}

/**
 * `predator ctl <command> [args…] [--yes] [--json] [--as NAME] [--data-dir DIR] [--url URL]`: sends
 * an operator command to the running instance's control plane through its gateway, with the admin
 * token the instance wrote to its data directory. Commands that change state need a confirmation:
 * `--yes` gives it, a terminal asks for it, otherwise the nonce is printed for `predator ctl confirm`.
 * `predator ctl audit` prints the audit trail.
 */
export async function runCtlCommand(argv: readonly string[]): Promise<number> {
  const flags = parseCtlArgs(argv);
  let token: string;
  try {
    token = await readAdminToken(flags.dataDir);
  } catch (error) {
    if (error instanceof AdminTokenError) {
      console.error(`predator ctl: ${error.message}`);
      return CTL_EXIT.usage;
    }
    throw error;
  }
  const url = await instanceUrl(flags.url, flags.dataDir);
  const [command, ...args] = flags.words as [string, ...string[]];
  try {
    if (command === 'audit') {
      const { status, json } = await call(url, token, flags, '/api/control/audit?limit=100');
      const entries = (json as { entries?: AuditEntry[] }).entries;
      if (!entries) return report(flags, status, json);
      show(
        flags,
        json,
        entries
          .map(
            (e) =>
              `${e.t} ${e.identity.id}/${e.identity.role}/${e.identity.via} ${e.phase} "${e.command}" → ${e.outcome}${e.reason ? ` ${e.reason}` : ''}`,
          )
          .join('\n'),
      );
      return CTL_EXIT.done;
    }
    if (command === 'confirm') {
      if (args.length !== 1) throw new UsageError('predator ctl confirm <nonce>');
      const { status, json } = await call(url, token, flags, '/api/control/confirm', { nonce: args[0] });
      return report(flags, status, json);
    }
    const first = await call(url, token, flags, '/api/control', { command, args });
    const answer = first.json as ControlAnswer;
    if (answer.status !== 'confirm') return report(flags, first.status, first.json);
    const go = flags.yes || (process.stdin.isTTY === true && (await askYes(answer.summary)));
    if (!go) return report(flags, first.status, first.json);
    const second = await call(url, token, flags, '/api/control/confirm', { nonce: answer.nonce });
    return report(flags, second.status, second.json);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    console.error(
      `predator ctl: cannot reach ${url}: ${error instanceof Error ? error.message : String(error)}`,
    );
    return CTL_EXIT.unreachable;
  }
}
