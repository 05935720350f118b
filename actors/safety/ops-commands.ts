import type { IncidentState } from '../../machines/incident.machine';
import { INCIDENT_STATES } from '../../machines/incident.machine';
import type { Words } from './command-words';
import { bounded } from './command-words';

/**
 * A post-mortem field an operator writes from the command line: `rootCause` and `actions` replace
 * the text, `followUp` adds one follow-up to the list and `followUps` starts the list over with it.
 */
export type PostmortemField = 'rootCause' | 'actions' | 'followUp' | 'followUps';

/** The fields `complete_postmortem` accepts, in usage order. */
export const POSTMORTEM_FIELDS: readonly PostmortemField[] = [
  'rootCause',
  'actions',
  'followUp',
  'followUps',
];

/** The commands on the operations records: the incident book and the stability gate. */
export type OpsCommand =
  | { readonly type: 'incidents'; readonly state: IncidentState | null }
  | { readonly type: 'resolve_incident'; readonly id: number; readonly note: string }
  | { readonly type: 'reopen_incident'; readonly id: number; readonly reason: string }
  | { readonly type: 'postmortem'; readonly id: number }
  | {
      readonly type: 'complete_postmortem';
      readonly id: number;
      readonly field: PostmortemField;
      readonly text: string;
    }
  | { readonly type: 'sign_postmortem'; readonly id: number }
  | { readonly type: 'signoff_gate'; readonly note: string };

/** The `type` (and the typed name) of an {@link OpsCommand}. */
export type OpsCommandName = OpsCommand['type'];

/** The usage line of every operations command, in help order. */
export const OPS_COMMAND_USAGE: Readonly<Record<OpsCommandName, string>> = Object.freeze({
  incidents: `incidents [${INCIDENT_STATES.join('|')}]`,
  resolve_incident: 'resolve_incident <id> [note words...]',
  reopen_incident: 'reopen_incident <id> <reason words...>',
  postmortem: 'postmortem <id>',
  complete_postmortem: `complete_postmortem <id> <${POSTMORTEM_FIELDS.join('|')}> <text words...>`,
  sign_postmortem: 'sign_postmortem <id>',
  signoff_gate: 'signoff_gate [note words...]',
});

/** The operations commands that only read (a first post-mortem draft is a derived view, see `postmortem`). */
const READ_ONLY: ReadonlySet<OpsCommandName> = new Set(['incidents', 'postmortem']);

/** Longest note or reason, as for a halt's reason: it is quoted in the audit and in chat. */
const MAX_NOTE = 200;
/** Longest root cause or actions text; the book takes more, a command line is not the place for it. */
const MAX_TEXT = 2_000;
/** Longest follow-up: the incident book's limit for one item. */
const MAX_FOLLOW_UP = 500;

/** Whether `name` is an operations command. */
export function isOpsCommandName(name: string): name is OpsCommandName {
  return Object.hasOwn(OPS_COMMAND_USAGE, name);
}

/** Whether a parsed command is an operations command (one the ops target carries out). */
export function isOpsCommand<T extends { readonly type: string }>(cmd: T): cmd is Extract<T, OpsCommand> {
  return isOpsCommandName(cmd.type);
}

/** Whether an operations command changes anything (and so needs a confirmation). */
export function opsChangesState(cmd: OpsCommand): boolean {
  return !READ_ONLY.has(cmd.type);
}

/**
 * Parses the words of an operations command; `words` throws `ControlCommandError` on anything
 * else, naming the command's usage.
 *
 * @example
 * parseOpsCommand('complete_postmortem', new Words(name, usage, ['7', 'followUp', 'alert', 'on', 'acks']));
 * // { type: 'complete_postmortem', id: 7, field: 'followUp', text: 'alert on acks' }
 */
export function parseOpsCommand(command: OpsCommandName, words: Words): OpsCommand {
  switch (command) {
    case 'incidents':
      return { type: 'incidents', state: words.optionalOneOf('state', INCIDENT_STATES) };
    case 'resolve_incident':
      return {
        type: 'resolve_incident',
        id: words.positiveInteger('incident id'),
        note: words.rest('note', MAX_NOTE),
      };
    case 'reopen_incident':
      return {
        type: 'reopen_incident',
        id: words.positiveInteger('incident id'),
        reason: words.requiredRest('reason', MAX_NOTE),
      };
    case 'postmortem':
      return { type: 'postmortem', id: words.positiveInteger('incident id') };
    case 'complete_postmortem': {
      const id = words.positiveInteger('incident id');
      const field = words.oneOf('field', POSTMORTEM_FIELDS);
      const max = field === 'followUp' || field === 'followUps' ? MAX_FOLLOW_UP : MAX_TEXT;
      return { type: 'complete_postmortem', id, field, text: words.requiredRest('text', max) };
    }
    case 'sign_postmortem':
      return { type: 'sign_postmortem', id: words.positiveInteger('incident id') };
    case 'signoff_gate':
      return { type: 'signoff_gate', note: words.rest('note', MAX_NOTE) };
  }
}

const FIELD_TEXT: Readonly<Record<PostmortemField, string>> = {
  rootCause: 'set the root cause',
  actions: 'set the actions',
  followUp: 'add a follow-up',
  followUps: 'replace the follow-ups',
};

/** One line saying what an operations command will do (see `describeCommand`). */
export function describeOpsCommand(cmd: OpsCommand): string {
  switch (cmd.type) {
    case 'incidents':
      return cmd.state === null ? 'list incidents' : `list ${cmd.state} incidents`;
    case 'resolve_incident':
      return `resolve incident #${cmd.id}${cmd.note === '' ? '' : `: ${cmd.note}`}`;
    case 'reopen_incident':
      return `reopen incident #${cmd.id}: ${cmd.reason}`;
    case 'postmortem':
      return `show the post-mortem of incident #${cmd.id}`;
    case 'complete_postmortem':
      return `post-mortem of incident #${cmd.id}: ${FIELD_TEXT[cmd.field]}: ${bounded(cmd.text, 80)}`;
    case 'sign_postmortem':
      return `sign the post-mortem of incident #${cmd.id} (final: it can no longer change)`;
    case 'signoff_gate':
      return `sign off the stability gate${cmd.note === '' ? '' : `: ${cmd.note}`}`;
  }
}
