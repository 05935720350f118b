import type { PostmortemFields } from '../../machines/incident.machine';
import { postmortemMissing } from '../../machines/incident.machine';
import type { IncidentBook } from '../ops/incident-book';
import { IncidentBookError } from '../ops/incident-errors';
import type { IncidentView } from '../ops/incident-view';
import type { StabilityGate } from '../ops/stability-gate';
import { StabilityGateError } from '../ops/stability-gate-errors';
import type { StabilityGateResult } from '../ops/stability-gate-result';
import { bounded } from './command-words';
import type { ControlCommand } from './control-commands';
import type { ControlTarget, Identity } from './control-plane';
import { ControlTargetRefusal } from './control-plane';
import type { OpsCommand } from './ops-commands';
import { isOpsCommand } from './ops-commands';

/** What {@link OpsControl} needs of the incident book. */
export type OpsIncidentBook = Pick<
  IncidentBook,
  | 'list'
  | 'get'
  | 'resolve'
  | 'reopen'
  | 'postmortem'
  | 'draftPostmortem'
  | 'completePostmortem'
  | 'signPostmortem'
  | 'postmortemMarkdown'
>;

/** One line of `incidents`: enough to pick the id to act on. */
export interface IncidentLine {
  readonly id: number;
  readonly state: IncidentView['state'];
  readonly kind: string;
  readonly actor: string;
  /** Clock time of the raise, ISO 8601. */
  readonly raised: string;
  readonly occurrences: number;
  readonly detail: string;
}

/**
 * The incident book and the stability gate as operator commands reach them. Each check reads the
 * book or judges the gate, so a command that would be refused (no such incident, the wrong state,
 * an incomplete post-mortem, a gate not ready) is refused before a nonce is issued; a refusal the
 * book or the gate still makes at execution (the state moved in between) changed nothing and comes
 * back as a {@link ControlTargetRefusal}. Executions run one at a time, so two follow-ups added at
 * once both land. Any other command is refused: `TradingControl` hands these to it, and a target
 * made of it alone serves the incident and gate commands only.
 *
 * @example
 * const ops = new OpsControl(records.incidents, records.gate);
 * await ops.check({ type: 'sign_postmortem', id: 7 }); // 'the post-mortem of incident #7 is incomplete: …'
 */
export class OpsControl implements ControlTarget {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly book: OpsIncidentBook,
    private readonly gate: Pick<StabilityGate, 'evaluate' | 'signOff'>,
  ) {}

  async check(cmd: ControlCommand): Promise<string | null> {
    if (!isOpsCommand(cmd))
      return `${cmd.type} is not available here: only the incident and gate commands are`;
    if (cmd.type === 'incidents') return null;
    if (cmd.type === 'signoff_gate') return gateRefusal(await this.gate.evaluate());
    let incident: IncidentView;
    try {
      incident = this.book.get(cmd.id);
    } catch (error) {
      if (error instanceof IncidentBookError) return error.message;
      throw error;
    }
    const { id, state } = incident;
    switch (cmd.type) {
      case 'postmortem':
        return null;
      case 'resolve_incident':
        return state === 'open' || state === 'mitigated'
          ? null
          : `incident #${id} is ${state}: only an open or mitigated incident can be resolved`;
      case 'reopen_incident':
        return state === 'resolved'
          ? null
          : `incident #${id} is ${state}: only a resolved incident whose post-mortem is not signed can be reopened`;
      case 'complete_postmortem':
        return state === 'postmortem_written' ? finalRefusal(incident) : null;
      case 'sign_postmortem':
        return this.signRefusal(incident);
    }
  }

  execute(cmd: ControlCommand, by: Identity): Promise<unknown> {
    if (!isOpsCommand(cmd))
      return Promise.reject(new ControlTargetRefusal(`${cmd.type} is not available here`));
    const result = this.chain.then(() => this.run(cmd, by.id));
    this.chain = result.catch(() => undefined);
    return result.catch((error: unknown) => {
      // The book and the gate change nothing when they refuse: a refusal, not a failure.
      if (error instanceof IncidentBookError || error instanceof StabilityGateError)
        throw new ControlTargetRefusal(error.message, { cause: error });
      throw error;
    });
  }

  private async run(cmd: OpsCommand, by: string): Promise<unknown> {
    switch (cmd.type) {
      case 'incidents':
        return { incidents: this.book.list(cmd.state ?? undefined).map(lineOf) };
      case 'resolve_incident':
        return { incident: await this.book.resolve(cmd.id, by, cmd.note) };
      case 'reopen_incident':
        return { incident: await this.book.reopen(cmd.id, by, cmd.reason) };
      case 'postmortem':
        // A first draft is derived from the journal and changes no incident: GET
        // /api/incidents/:id/postmortem drafts it for any reader in the same way.
        if ((await this.book.postmortem(cmd.id)) === undefined) await this.book.draftPostmortem(cmd.id);
        return this.book.postmortemMarkdown(cmd.id);
      case 'complete_postmortem': {
        const written = await this.book.completePostmortem(cmd.id, by, await this.fieldsOf(cmd));
        return {
          id: cmd.id,
          fields: written.fields,
          editedBy: written.editedBy,
          missingToSign: postmortemMissing(written.fields),
        };
      }
      case 'sign_postmortem': {
        const signed = await this.book.signPostmortem(cmd.id, by);
        return { incident: lineOf(this.book.get(cmd.id)), signature: signed.signature };
      }
      case 'signoff_gate': {
        const result = await this.gate.signOff(by, cmd.note);
        return { state: result.state, passed: result.passed, signOff: result.signOff };
      }
    }
  }

  private async fieldsOf(
    cmd: Extract<OpsCommand, { type: 'complete_postmortem' }>,
  ): Promise<Partial<PostmortemFields>> {
    switch (cmd.field) {
      case 'rootCause':
        return { rootCause: cmd.text };
      case 'actions':
        return { actions: cmd.text };
      case 'followUps':
        return { followUps: [cmd.text] };
      case 'followUp': {
        const written = (await this.book.postmortem(cmd.id))?.fields.followUps ?? [];
        return { followUps: [...written, cmd.text] };
      }
    }
  }

  private async signRefusal(incident: IncidentView): Promise<string | null> {
    const { id, state } = incident;
    if (state === 'postmortem_written') return finalRefusal(incident);
    if (state !== 'resolved')
      return `incident #${id} is ${state}: resolve it (resolve_incident ${id}) before signing its post-mortem`;
    const postmortem = await this.book.postmortem(id);
    if (postmortem === undefined)
      return `incident #${id} has no post-mortem yet: write it with complete_postmortem ${id} <field> <text>`;
    // Why: a signature stored without the incident's final step (a crash between the two) is
    // finished by signing again.
    if (postmortem.signature) return null;
    const missing = postmortemMissing(postmortem.fields);
    return missing.length === 0
      ? null
      : `the post-mortem of incident #${id} is incomplete: fill in ${missing.join(', ')} with complete_postmortem ${id} <field> <text>`;
  }
}

function lineOf(view: IncidentView): IncidentLine {
  return {
    id: view.id,
    state: view.state,
    kind: view.kind,
    actor: view.actor,
    raised: new Date(view.raisedAt).toISOString(),
    occurrences: view.occurrences,
    detail: bounded(view.detail, 120),
  };
}

function finalRefusal(incident: IncidentView): string {
  const by = incident.signature?.by ?? '?';
  return `incident #${incident.id} is final: its post-mortem was signed by ${by} and can no longer change`;
}

/** Why the gate may not be signed off now, or null when it is ready. */
function gateRefusal(result: StabilityGateResult): string | null {
  if (result.state === 'ready_for_signoff') return null;
  if (result.state === 'passed')
    return `the stability gate is already signed off by ${result.signOff?.by ?? '?'}; it has passed`;
  const failing = Object.entries(result.criteria)
    .filter(([id, criterion]) => id !== 'signOff' && !criterion.met)
    .map(([id, criterion]) => `${id}: ${criterion.detail}`);
  return failing.length > 0
    ? `the stability gate is not ready for sign-off: ${failing.join('; ')}`
    : 'the stability gate is not ready for sign-off: its record could not be written; try again';
}
