import type { IncidentEvent, PostmortemFields } from '../../machines/incident.machine';
import { postmortemMissing } from '../../machines/incident.machine';
import type { KillSwitches } from '../safety/kill-switches';
import type { PostmortemWindowConfig } from './incident-book.config';
import { IncidentTransitionError, PostmortemError } from './incident-errors';
import type { IncidentRecord, IncidentRecords } from './incident-records';
import type { IncidentView } from './incident-view';
import { viewOf } from './incident-view';
import type { Postmortem } from './postmortem';
import { EMPTY_FIELDS, buildPostmortemDraft, withIncident } from './postmortem';
import type { ImpactFill } from './postmortem-impact';
import type { JournalReader } from './postmortem-window';
import { readJournalWindow } from './postmortem-window';

/** Where the execution store's fills come from (`ExecutionStore` satisfies it). */
export interface FillSource {
  fills(query: { since: number; limit: number }): Promise<readonly ImpactFill[]>;
}

/** What the post-mortem commands need from the book. */
export interface PostmortemDeps {
  readonly records: IncidentRecords;
  readonly journal: JournalReader;
  readonly now: () => number;
  readonly kills?: Pick<KillSwitches, 'list'>;
  readonly fillSource?: FillSource;
  /** Runs an event through the incident's machine, stores and journals it (the book's `apply`). */
  readonly apply: (record: IncidentRecord, event: IncidentEvent, action: string) => Promise<IncidentRecord>;
}

/** Fills read for one draft at most: the impact of a window, not an export of the fills list. */
const MAX_FILLS = 10_000;

function refuseSigned(id: number, postmortem: Postmortem | undefined): void {
  if (postmortem?.signature)
    throw new PostmortemError(
      id,
      'signed',
      [],
      `the post-mortem of incident #${id} was signed by ${postmortem.signature.by}; it can no longer change`,
    );
}

/** Drafts (or redrafts) a post-mortem from the journal, keeping what the operator already wrote. */
export async function draftPostmortem(
  deps: PostmortemDeps,
  record: IncidentRecord,
  window: PostmortemWindowConfig,
): Promise<Postmortem> {
  const existing = await deps.records.loadPostmortem(record.id);
  refuseSigned(record.id, existing);
  const journalWindow = await readJournalWindow(deps.journal, {
    raisedSeq: record.raisedSeq,
    raisedAt: record.raisedAt,
    beforeMs: window.beforeMs,
    afterMs: window.afterMs,
    maxEntries: window.maxEntries,
  });
  const fills = deps.fillSource
    ? await deps.fillSource.fills({ since: journalWindow.from, limit: MAX_FILLS })
    : undefined;
  const draft = buildPostmortemDraft({
    incident: viewOf(record),
    window: journalWindow,
    beforeMs: window.beforeMs,
    afterMs: window.afterMs,
    maxTimelineRows: window.maxTimelineRows,
    generatedAt: deps.now(),
    ...(deps.kills ? { kills: deps.kills.list() } : {}),
    ...(fills ? { fills, fillsCapped: fills.length >= MAX_FILLS } : {}),
  });
  const postmortem: Postmortem = {
    draft,
    fields: existing?.fields ?? EMPTY_FIELDS,
    editedBy: existing?.editedBy ?? null,
    editedAt: existing?.editedAt ?? null,
    signature: null,
  };
  await deps.records.savePostmortem(postmortem);
  return postmortem;
}

/** Writes the operator's fields (drafting first if there is no draft yet). */
export async function completePostmortem(
  deps: PostmortemDeps,
  record: IncidentRecord,
  window: PostmortemWindowConfig,
  by: string,
  fields: Partial<PostmortemFields>,
): Promise<Postmortem> {
  const stored = await deps.records.loadPostmortem(record.id);
  refuseSigned(record.id, stored);
  const base = stored ?? (await draftPostmortem(deps, record, window));
  const postmortem: Postmortem = {
    ...base,
    draft: withIncident(base.draft, viewOf(record)),
    fields: { ...base.fields, ...fields },
    editedBy: by,
    editedAt: deps.now(),
  };
  await deps.records.savePostmortem(postmortem);
  return postmortem;
}

/**
 * Signs a complete post-mortem of a resolved incident, moving the incident to its final state.
 * The post-mortem is written signed first, then the incident: a crash between the two is finished
 * by signing again (the same signature is used), never by a second signature.
 */
export async function signPostmortem(
  deps: PostmortemDeps,
  record: IncidentRecord,
  by: string,
): Promise<{ postmortem: Postmortem; incident: IncidentView }> {
  const stored = await deps.records.loadPostmortem(record.id);
  if (stored?.signature && record.state === 'resolved')
    return finish(deps, record, stored, stored.signature.by, stored.signature.t);
  if (!stored)
    throw new PostmortemError(
      record.id,
      'not_drafted',
      [],
      `incident #${record.id} has no post-mortem yet; draft and complete it first`,
    );
  refuseSigned(record.id, stored);
  const missing = postmortemMissing(stored.fields);
  if (missing.length > 0)
    throw new PostmortemError(
      record.id,
      'incomplete',
      missing,
      `the post-mortem of incident #${record.id} is incomplete: fill in ${missing.join(', ')} before signing`,
    );
  if (record.state !== 'resolved')
    throw new IncidentTransitionError(
      record.id,
      'sign',
      record.state,
      'resolve it before signing its post-mortem',
    );
  const t = deps.now();
  const signed: Postmortem = { ...stored, signature: { by, t } };
  await deps.records.savePostmortem(signed);
  return finish(deps, record, signed, by, t);
}

async function finish(
  deps: PostmortemDeps,
  record: IncidentRecord,
  postmortem: Postmortem,
  by: string,
  t: number,
): Promise<{ postmortem: Postmortem; incident: IncidentView }> {
  const after = await deps.apply(
    record,
    { type: 'incident.sign', by, postmortem: postmortem.fields, t },
    'sign',
  );
  const final: Postmortem = { ...postmortem, draft: withIncident(postmortem.draft, viewOf(after)) };
  await deps.records.savePostmortem(final);
  return { postmortem: final, incident: viewOf(after) };
}
