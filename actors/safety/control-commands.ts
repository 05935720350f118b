import { z } from 'zod';
import { ControlCommandError, Words, bounded, printable, scrub } from './command-words';
import type { KillScope, KillStep } from './kill-switches';
import { KILL_STEPS } from './kill-switches';
import type { OpsCommand, OpsCommandName } from './ops-commands';
import {
  OPS_COMMAND_USAGE,
  describeOpsCommand,
  isOpsCommand,
  isOpsCommandName,
  opsChangesState,
  parseOpsCommand,
} from './ops-commands';

export { ControlCommandError } from './command-words';
export type { ControlCommandProblem } from './command-words';

/** A command as an operator typed it: a name and its words, e.g. `kill_engine maker flatten`. */
export interface ControlCommandInput {
  readonly command: string;
  readonly args: readonly string[];
}

/** The trading mode an engine runs in: `shadow` decides and records but sends nothing to a venue. */
export type EngineMode = 'shadow' | 'live';

/**
 * A parsed operator command. `kill` covers `kill_engine`, `kill_strategy` and `kill_all`, and
 * `resume` likewise `resume_engine`, `resume_strategy` and `resume` (global); a `null` engine or
 * scenario means "all" or "the default". The commands on incidents, post-mortems and the stability
 * gate are the {@link OpsCommand}s (`ops-commands.ts`).
 */
export type ControlCommand =
  | { readonly type: 'status' }
  | { readonly type: 'halt'; readonly reason: string }
  | { readonly type: 'resume'; readonly scope: KillScope; readonly to: 'ACTIVE' | 'REDUCING' }
  | { readonly type: 'kill'; readonly scope: KillScope; readonly step: KillStep }
  | { readonly type: 'set_mode'; readonly mode: EngineMode; readonly engine: string | null }
  | { readonly type: 'reset_breaker'; readonly name: string }
  | { readonly type: 'chaos'; readonly action: 'start' | 'stop'; readonly scenario: string | null }
  | OpsCommand;

/** The `type` of a {@link ControlCommand}. */
export type ControlCommandType = ControlCommand['type'];

/** A command name an operator can type (`kill_engine`, not the parsed `kill`). */
export type ControlCommandName =
  | 'status'
  | 'halt'
  | 'resume'
  | 'resume_engine'
  | 'resume_strategy'
  | 'kill_engine'
  | 'kill_strategy'
  | 'kill_all'
  | 'set_mode'
  | 'reset_breaker'
  | 'chaos'
  | OpsCommandName;

/** The usage line of every command an operator can type, in help order. */
export const COMMAND_USAGE: Readonly<Record<ControlCommandName, string>> = Object.freeze({
  status: 'status',
  halt: 'halt [reason words...]',
  resume: 'resume [ACTIVE|REDUCING]',
  resume_engine: 'resume_engine <engine> [ACTIVE|REDUCING]',
  resume_strategy: 'resume_strategy <strategy> [ACTIVE|REDUCING]',
  kill_engine: 'kill_engine <engine> [reduce|cancel|flatten]',
  kill_strategy: 'kill_strategy <strategy> [reduce|cancel|flatten]',
  kill_all: 'kill_all [reduce|cancel|flatten]',
  set_mode: 'set_mode <shadow|live> [engine]',
  reset_breaker: 'reset_breaker <name>',
  chaos: 'chaos <start|stop> [scenario]',
  ...OPS_COMMAND_USAGE,
});

/** Reason recorded for a `halt` typed without one. */
export const DEFAULT_HALT_REASON = 'operator halt';

const inputSchema = z.object({ command: z.string(), args: z.array(z.string()) });

const GLOBAL: KillScope = Object.freeze({ level: 'global', id: 'global' });
const RESUME_STATES = ['ACTIVE', 'REDUCING'] as const;
const MAX_REASON = 200;

/**
 * Parses what an operator typed into a {@link ControlCommand}. Throws {@link ControlCommandError}
 * on anything else; the input is validated at runtime too, since it arrives from the gateway and
 * chat as well as the CLI.
 *
 * @example
 * parseCommand({ command: 'kill_engine', args: ['maker'] });
 * // { type: 'kill', scope: { level: 'engine', id: 'maker' }, step: 'cancel' }
 */
export function parseCommand(input: ControlCommandInput): ControlCommand {
  const shape = inputSchema.safeParse(input);
  if (!shape.success) {
    const expected = '{ command: string; args: string[] }';
    throw new ControlCommandError('MALFORMED_INPUT', '', expected, `malformed command: expected ${expected}`);
  }
  const { command, args } = shape.data;
  if (!isCommandName(command)) {
    const known = Object.keys(COMMAND_USAGE).join(', ');
    const shown = command === '' ? 'empty command' : `unknown command "${printable(command)}"`;
    throw new ControlCommandError('UNKNOWN_COMMAND', command, known, `${shown}; known commands: ${known}`);
  }
  const words = new Words(command, COMMAND_USAGE[command], args);
  const parsed = isOpsCommandName(command) ? parseOpsCommand(command, words) : parseKnown(command, words);
  words.end();
  return parsed;
}

function isCommandName(command: string): command is ControlCommandName {
  return Object.hasOwn(COMMAND_USAGE, command);
}

function parseKnown(command: Exclude<ControlCommandName, OpsCommandName>, words: Words): ControlCommand {
  switch (command) {
    case 'status':
      return { type: 'status' };
    case 'halt': {
      const reason = words.rest('reason', MAX_REASON);
      return { type: 'halt', reason: reason === '' ? DEFAULT_HALT_REASON : reason };
    }
    case 'resume':
      return { type: 'resume', scope: GLOBAL, to: words.optionalOneOf('state', RESUME_STATES) ?? 'ACTIVE' };
    case 'resume_engine':
    case 'resume_strategy': {
      const level = command === 'resume_engine' ? 'engine' : 'strategy';
      const id = words.name(level);
      return {
        type: 'resume',
        scope: { level, id },
        to: words.optionalOneOf('state', RESUME_STATES) ?? 'ACTIVE',
      };
    }
    case 'kill_engine':
    case 'kill_strategy': {
      const level = command === 'kill_engine' ? 'engine' : 'strategy';
      const id = words.name(level);
      return {
        type: 'kill',
        scope: { level, id },
        step: words.optionalOneOf('step', KILL_STEPS) ?? 'cancel',
      };
    }
    case 'kill_all':
      return {
        type: 'kill',
        scope: GLOBAL,
        step: words.optionalOneOf('step', KILL_STEPS) ?? 'cancel',
      };
    case 'set_mode': {
      const mode = words.oneOf('mode', ['shadow', 'live'] as const);
      return { type: 'set_mode', mode, engine: words.optionalName('engine') };
    }
    case 'reset_breaker':
      return { type: 'reset_breaker', name: words.name('breaker name') };
    case 'chaos': {
      const action = words.oneOf('action', ['start', 'stop'] as const);
      return { type: 'chaos', action, scenario: words.optionalName('scenario') };
    }
  }
}

const STEP_TEXT: Readonly<Record<KillStep, string>> = {
  reduce: 'reduce only (no new exposure)',
  cancel: 'cancel open orders',
  flatten: 'cancel open orders and flatten positions',
};

/**
 * One line of plain text saying what a command will do, for confirmation prompts and chat.
 *
 * @example
 * describeCommand({ type: 'kill', scope: { level: 'engine', id: 'maker' }, step: 'cancel' });
 * // 'kill engine maker: cancel open orders'
 */
export function describeCommand(cmd: ControlCommand): string {
  if (isOpsCommand(cmd)) return describeOpsCommand(cmd);
  switch (cmd.type) {
    case 'status':
      return 'show status';
    case 'halt':
      return `halt all trading: ${cmd.reason}`;
    case 'resume': {
      const what = cmd.scope.level === 'global' ? 'trading' : where(cmd.scope);
      return cmd.to === 'ACTIVE' ? `resume ${what} (ACTIVE)` : `resume ${what} reduce-only (REDUCING)`;
    }
    case 'kill':
      return `kill ${where(cmd.scope)}: ${STEP_TEXT[cmd.step]}`;
    case 'set_mode':
      return `set ${cmd.engine === null ? 'all engines' : `engine ${cmd.engine}`} to ${cmd.mode} mode`;
    case 'reset_breaker':
      return `reset circuit breaker ${cmd.name}`;
    case 'chaos':
      if (cmd.action === 'stop')
        return cmd.scenario === null ? 'stop chaos' : `stop chaos scenario ${cmd.scenario}`;
      return cmd.scenario === null ? 'start chaos' : `start chaos scenario ${cmd.scenario}`;
  }
}

function where(scope: KillScope): string {
  return scope.level === 'global' ? 'all engines' : `${scope.level} ${scope.id}`;
}

/**
 * Whether a command changes anything (and so needs a confirmation): all but `status`, `incidents`
 * and `postmortem`.
 */
export function changesState(cmd: ControlCommand): boolean {
  if (isOpsCommand(cmd)) return opsChangesState(cmd);
  return cmd.type !== 'status';
}

/**
 * The command line as typed, for the audit log: words joined by spaces, control characters
 * replaced and the length bounded, so a hostile input cannot forge or flood audit lines.
 */
export function commandLine(input: ControlCommandInput): string {
  // Why: the input may be whatever a client sent; the audit line must be written even for garbage.
  const raw: unknown = input;
  const record = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const word = (value: unknown): string => (typeof value === 'string' ? value : '?');
  const args = Array.isArray(record.args) ? record.args.map(word) : [];
  return bounded(scrub([word(record.command), ...args].join(' ').trim()), 300);
}
