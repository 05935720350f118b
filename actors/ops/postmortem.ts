import type { PostmortemFields } from '../../machines/incident.machine';
import type { KillRecord } from '../safety/kill-switches';
import type { IncidentView } from './incident-view';
import type { WindowActions } from './postmortem-actions';
import { windowActions } from './postmortem-actions';
import type { RootCauseCandidate } from './postmortem-causes';
import { rootCauseCandidates } from './postmortem-causes';
import { iso, plural, relative } from './postmortem-format';
import type { Impact, ImpactFill } from './postmortem-impact';
import { windowImpact } from './postmortem-impact';
import type { Timeline } from './postmortem-timeline';
import { buildTimeline } from './postmortem-timeline';
import type { JournalWindow } from './postmortem-window';

/** The window a draft was built from. */
export interface DraftWindow {
  readonly from: number;
  readonly to: number;
  readonly beforeMs: number;
  readonly afterMs: number;
  /** Journal entries read, and the first and last `seq` (null when none). */
  readonly entries: number;
  readonly firstSeq: number | null;
  readonly lastSeq: number | null;
  readonly truncated: boolean;
}

/**
 * What the runtime knows about an incident, generated from the journal: the part of a post-mortem
 * no one has to write. Plain data (JSON-safe), stored with the post-mortem.
 */
export interface PostmortemDraft {
  /** The incident as it stood when the draft was made. */
  readonly incident: IncidentView;
  readonly generatedAt: number;
  readonly window: DraftWindow;
  readonly summary: string;
  readonly timeline: Timeline;
  readonly actions: WindowActions;
  readonly impact: Impact;
  readonly rootCauseCandidates: readonly RootCauseCandidate[];
}

/**
 * A post-mortem: the generated draft, what the operator wrote, and the signature. Once signed it
 * is immutable: the book refuses every change to it.
 */
export interface Postmortem {
  readonly draft: PostmortemDraft;
  readonly fields: PostmortemFields;
  /** Who last wrote the operator's fields, and when; null while untouched. */
  readonly editedBy: string | null;
  readonly editedAt: number | null;
  readonly signature: { readonly by: string; readonly t: number } | null;
}

/** Everything a draft is built from; the same input always gives the same draft. */
export interface DraftInput {
  readonly incident: IncidentView;
  readonly window: JournalWindow;
  readonly beforeMs: number;
  readonly afterMs: number;
  readonly maxTimelineRows: number;
  readonly generatedAt: number;
  /** The engaged kill switches (`KillSwitches.list()`): those engaged in the window are actions. */
  readonly kills?: readonly KillRecord[];
  /** The execution store's fills around the window, for the positions they moved. */
  readonly fills?: readonly ImpactFill[];
  /** Whether `fills` stopped at a read limit, so the oldest fills of the window may be missing. */
  readonly fillsCapped?: boolean;
}

/** The empty operator fields of a fresh post-mortem. */
export const EMPTY_FIELDS: PostmortemFields = Object.freeze({ rootCause: '', actions: '', followUps: [] });

/**
 * Builds the draft of an incident's post-mortem from the journal window around it: a summary, the
 * grouped timeline, the actions taken (automatic and by operators), the impact, and ranked
 * root-cause candidates. Pure: no clock, no I/O.
 */
export function buildPostmortemDraft(input: DraftInput): PostmortemDraft {
  const { incident, window } = input;
  const entries = window.entries;
  const subject = incident;
  const causes = rootCauseCandidates(entries, subject, input.beforeMs);
  const evidence = new Set(causes.map((c) => c.seq));
  const timeline = buildTimeline(entries, subject, input.maxTimelineRows, evidence);
  const actions = windowActions(entries, window, input.kills);
  const impact = windowImpact(entries, subject, window, input.fills, input.fillsCapped ?? false);
  const draftWindow: DraftWindow = {
    from: window.from,
    to: window.to,
    beforeMs: input.beforeMs,
    afterMs: input.afterMs,
    entries: entries.length,
    firstSeq: entries[0]?.seq ?? null,
    lastSeq: entries[entries.length - 1]?.seq ?? null,
    truncated: window.truncated,
  };
  return {
    incident,
    generatedAt: input.generatedAt,
    window: draftWindow,
    summary: summarize(incident, draftWindow, actions, impact, causes),
    timeline,
    actions,
    impact,
    rootCauseCandidates: causes,
  };
}

/**
 * The draft with the incident as it stands now, its summary rewritten to match: a post-mortem
 * drafted while the incident was open still reads right once it is resolved and signed. The
 * journal-derived parts are kept as drafted.
 */
export function withIncident(draft: PostmortemDraft, incident: IncidentView): PostmortemDraft {
  return {
    ...draft,
    incident,
    summary: summarize(incident, draft.window, draft.actions, draft.impact, draft.rootCauseCandidates),
  };
}

/** Text ending like a sentence, so the summary's next sentence does not run into it. */
function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

function summarize(
  incident: IncidentView,
  window: DraftWindow,
  actions: WindowActions,
  impact: Impact,
  causes: readonly RootCauseCandidate[],
): string {
  const at = (t: number) => `${iso(t)} (${relative(t, incident.raisedAt)})`;
  const lines = [
    `Incident #${incident.id} ${incident.kind} was raised by \`${incident.actor}\` at ${iso(incident.raisedAt)}: ${sentence(incident.detail)}`,
    incident.occurrences > 1
      ? `It was raised ${plural(incident.occurrences, 'time')}, last at ${at(incident.lastSeenAt)}.`
      : 'It was raised once.',
  ];
  const m = incident.mitigation;
  lines.push(
    m === null
      ? 'It was not mitigated.'
      : `It was mitigated ${m.auto ? 'automatically' : `by ${m.by}`} at ${at(m.t)}: ${m.evidence}.`,
  );
  const r = incident.resolution;
  lines.push(r === null ? 'It is not resolved yet.' : `It was resolved by ${r.by} at ${at(r.t)}.`);
  const fills = impact.orders.byEngine.reduce((n, e) => n + e.reachedFill, 0);
  lines.push(
    `In the window (${iso(window.from)} to ${iso(window.to)}, ${plural(window.entries, 'journal entry', 'journal entries')}${window.truncated ? ', truncated' : ''}): ` +
      `${plural(actions.automatic.items.length + actions.automatic.omitted, 'automatic action')}, ` +
      `${plural(actions.operator.items.length + actions.operator.omitted, 'operator action')}, ` +
      `${plural(impact.orders.total, 'order')} touched, ${plural(fills, 'order')} with fills.`,
  );
  const top = causes[0];
  lines.push(
    top === undefined
      ? 'No anomalous transition precedes it in the window: look outside the journal (venue status, network, configuration).'
      : `Most likely cause from the journal: ${top.title} (score ${top.score}, first at ${at(top.t)}).`,
  );
  return lines.join(' ');
}
