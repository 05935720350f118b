import type { Postmortem } from './postmortem';
import type { ActionList } from './postmortem-actions';
import { amount, iso, pathText, plural, relative } from './postmortem-format';
import type { Impact } from './postmortem-impact';
import type { Timeline } from './postmortem-timeline';

/** Text on one line: a newline in someone's note must not break the document's structure. */
function line(text: string): string {
  return text.replace(/\r?\n/g, ' ').trim();
}

/** A table cell: on one line, with its pipes escaped. */
function cell(text: string): string {
  return line(text).replace(/\|/g, '\\|');
}

/** Actors a routine row names before `and N more`. */
const MAX_NAMED = 3;

function minutes(ms: number): string {
  return ms % 60_000 === 0 ? plural(ms / 60_000, 'minute') : `${amount(ms / 1000)} s`;
}

/**
 * A post-mortem as Markdown. Deterministic: built only from the post-mortem's own data (times are
 * the stored clock times, sorted data is sorted by value), so the same post-mortem always gives the
 * same bytes. Ends with a newline.
 *
 * @example
 * const postmortem = await book.draftPostmortem(7);
 * writeFileSync('incident-7.md', postmortemMarkdown(postmortem));
 */
export function postmortemMarkdown(postmortem: Postmortem): string {
  const { draft, fields, signature } = postmortem;
  const i = draft.incident;
  const w = draft.window;
  const at = (t: number) => `${iso(t)} (${relative(t, i.raisedAt)})`;
  const out: string[] = [];
  out.push(`# Post-mortem: incident #${i.id} ${i.kind}`, '');
  out.push(
    `- **Status:** ${signature === null ? 'draft, not signed' : `signed by ${line(signature.by)} at ${iso(signature.t)}`}`,
    `- **Incident:** #${i.id} \`${i.kind}\` raised by \`${i.actor}\` at ${iso(i.raisedAt)} (journal seq ${i.raisedSeq})`,
    `- **Detail:** ${line(i.detail)}`,
    `- **Scope:** engine \`${i.scope.engine}\`${i.scope.strategy === null ? '' : `, strategy \`${i.scope.strategy}\``}`,
    `- **State:** ${i.state} (as of the draft)`,
    `- **Occurrences:** ${i.occurrences}${i.reopened > 0 ? `, reopened ${plural(i.reopened, 'time')}` : ''}`,
  );
  if (i.relatedTo !== null) out.push(`- **Recurs after:** incident #${i.relatedTo}`);
  const m = i.mitigation;
  out.push(
    `- **Mitigated:** ${m === null ? 'no' : `${m.auto ? 'automatically' : `by ${line(m.by)}`} at ${at(m.t)}: ${line(m.evidence)}`}`,
  );
  const r = i.resolution;
  out.push(
    `- **Resolved:** ${r === null ? 'no' : `by ${line(r.by)} at ${at(r.t)}${r.note.trim() === '' ? '' : `: ${line(r.note)}`}`}`,
    `- **Window:** ${iso(w.from)} to ${iso(w.to)} (${minutes(w.beforeMs)} before, ${minutes(w.afterMs)} after), ` +
      `${plural(w.entries, 'journal entry', 'journal entries')}` +
      `${w.firstSeq === null ? '' : `, seq ${w.firstSeq}–${w.lastSeq}`}${w.truncated ? ', truncated' : ''}`,
    `- **Draft generated:** ${iso(draft.generatedAt)}`,
    '',
    '## Summary',
    '',
    line(draft.summary),
    '',
  );
  out.push(...timeline(draft.timeline, i.raisedAt));
  out.push(...actions('Actions taken automatically', draft.actions.automatic, i.raisedAt));
  out.push(...actions('Operator actions', draft.actions.operator, i.raisedAt));
  out.push(...impact(draft.impact, i.raisedAt));
  out.push('## Root-cause candidates', '');
  if (draft.rootCauseCandidates.length === 0)
    out.push('_No anomalous transition precedes the incident in the window._', '');
  for (const c of draft.rootCauseCandidates) {
    const why = c.reasons.length === 0 ? '' : `; ${c.reasons.join('; ')}`;
    out.push(
      `${c.rank}. **${cell(c.title)}** (score ${c.score}, ${c.category}, ${plural(c.count, 'transition')}${why})`,
    );
    for (const e of c.evidence) out.push(`   - ${line(e)}`);
  }
  if (draft.rootCauseCandidates.length > 0) out.push('');
  const todo = '_To be completed by the operator._';
  out.push('## Root cause', '', fields.rootCause.trim() === '' ? todo : line(fields.rootCause), '');
  out.push('## Actions', '', fields.actions.trim() === '' ? todo : line(fields.actions), '');
  out.push('## Follow-ups', '');
  const followUps = fields.followUps.filter((f) => f.trim() !== '');
  out.push(...(followUps.length === 0 ? [todo] : followUps.map((f) => `- ${line(f)}`)), '');
  out.push('## Sign-off', '');
  out.push(
    signature === null
      ? '_Not signed._'
      : `Signed by ${line(signature.by)} at ${iso(signature.t)}. This post-mortem is final.`,
  );
  return `${out.join('\n')}\n`;
}

function timeline(t: Timeline, origin: number): string[] {
  const out = [
    '## Timeline',
    '',
    `Times are relative to the incident (T+00:00:00.000 = ${iso(origin)}).`,
    '',
  ];
  out.push('| T | seq | actor | machine | transitions | events |', '|---|---|---|---|---|---|');
  for (const r of t.rows) {
    const seq = r.lastSeq === r.seq ? `${r.seq}` : `${r.seq}–${r.lastSeq}`;
    const more = r.actors > MAX_NAMED ? ` and ${r.actors - MAX_NAMED} more` : '';
    const actor =
      r.category === 'routine'
        ? `${r.actor}${more}`
        : `\`${r.actor}\`${r.related ? ' (named by the incident)' : ''}`;
    const transitions =
      r.category === 'routine'
        ? `routine start/stop (${r.count})`
        : `${pathText(r.path, r.skipped)}${r.count > 1 ? ` (${r.count})` : ''}`;
    out.push(
      `| ${relative(r.t, origin)} | ${seq} | ${cell(actor)} | ${r.machine} | ${cell(transitions)} | ${cell(r.events.join(', '))} |`,
    );
  }
  const omitted = Object.entries(t.omitted).sort(([a], [b]) => (a < b ? -1 : 1));
  if (omitted.length > 0)
    out.push(
      '',
      `_Left out to stay readable: ${omitted.map(([c, n]) => `${plural(n, `${c} row`)}`).join(', ')}._`,
    );
  out.push('');
  return out;
}

function actions(title: string, list: ActionList, origin: number): string[] {
  const out = [`## ${title}`, ''];
  if (list.items.length === 0) out.push('_None in the window._');
  for (const a of list.items)
    out.push(`- ${relative(a.t, origin)}${a.seq === null ? '' : ` (seq ${a.seq})`}: ${line(a.text)}`);
  if (list.omitted > 0) out.push(`- … and ${list.omitted} more`);
  out.push('');
  return out;
}

function impact(x: Impact, origin: number): string[] {
  const out = ['## Impact', '', '### Orders', ''];
  if (x.orders.total === 0) out.push('_No order had a transition in the window._');
  else {
    out.push(
      '| engine | touched | with fills | filled | cancelled | rejected | resolved | unknown | live |',
      '|---|---|---|---|---|---|---|---|---|',
    );
    for (const e of x.orders.byEngine)
      out.push(
        `| ${cell(e.engine)} | ${e.touched} | ${e.reachedFill} | ${e.filled} | ${e.cancelled} | ${e.rejected} | ${e.resolved} | ${e.unknown} | ${e.live} |`,
      );
  }
  out.push('');
  if (x.notableOrders.length > 0) {
    out.push('Orders worth naming:', '');
    for (const o of x.notableOrders) {
      const tag = o.related ? ' (named by the incident)' : o.trouble ? ' (venue trouble)' : '';
      out.push(`- \`${o.actor}\`${tag}, from ${relative(o.t, origin)}: ${line(o.path)}`);
    }
    if (x.notableOmitted > 0) out.push(`- … and ${x.notableOmitted} more`);
    out.push('');
  }
  out.push('### Positions', '');
  if (x.positions === null) out.push('_Not derivable from the journal; see the notes._');
  else if (x.positions.length === 0) out.push('_No fill in the window._');
  else {
    out.push(
      '| engine | strategy | symbol | fills | net qty | notional | fees |',
      '|---|---|---|---|---|---|---|',
    );
    for (const p of x.positions) {
      const fees = Object.entries(p.fees).map(([asset, fee]) => `${amount(fee)} ${asset}`);
      out.push(
        `| ${cell(p.engine)} | ${cell(p.strategy)} | ${cell(p.symbol)} | ${p.fills} | ${amount(p.netQty)} | ${amount(p.notional)} | ${cell(fees.join(', '))} |`,
      );
    }
  }
  out.push('', '### Notes', '', ...x.notes.map((n) => `- ${n}`), '');
  return out;
}
