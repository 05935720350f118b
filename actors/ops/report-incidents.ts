import type { IncidentSection, NearMissSection, ReportNearMissRow } from './report-data';
import type { ReportAnomaly, ReportInputs } from './report-inputs';
import { overlaps } from './report-inputs';

/** The incident machine's states, in its order: every report lists each, zero or not. */
const INCIDENT_STATES = ['open', 'mitigated', 'resolved', 'postmortem_written'] as const;

/** The kind reconciliation raises for a balance change no fill, fee or transfer explains. */
export const UNEXPLAINED_BALANCE_KIND = 'UNEXPLAINED_BALANCE_CHANGE';

/** Incidents raised in `[from, until)`, by state and kind, with those still lacking a signed post-mortem. */
export function incidentSection(inputs: ReportInputs, until: number): IncidentSection {
  const { from } = inputs.week;
  const raised = inputs.incidents
    .filter((i) => i.raisedAt >= from && i.raisedAt < until)
    .sort((a, b) => a.id - b.id);
  const byState: Record<string, number> = {};
  for (const state of INCIDENT_STATES) byState[state] = 0;
  const kinds = new Map<string, number>();
  for (const incident of raised) {
    byState[incident.state] = (byState[incident.state] ?? 0) + 1;
    kinds.set(incident.kind, (kinds.get(incident.kind) ?? 0) + 1);
  }
  const byKind: Record<string, number> = {};
  for (const kind of [...kinds.keys()].sort()) byKind[kind] = kinds.get(kind) as number;
  return {
    total: raised.length,
    byState,
    byKind,
    withoutPostmortem: raised.filter((i) => i.state !== 'postmortem_written').map((i) => i.id),
    list: raised.map((i) => ({
      id: i.id,
      kind: i.kind,
      actor: i.actor,
      state: i.state,
      raisedAt: i.raisedAt,
      occurrences: i.occurrences,
      detail: i.detail,
    })),
  };
}

/**
 * Unexplained balance events seen during the week: every occurrence of an
 * `UNEXPLAINED_BALANCE_CHANGE` incident raised or recurring in it (all of an incident's occurrences
 * when it spans weeks: this figure must be 0, so it errs on the side of counting).
 */
export function unexplainedBalance(
  inputs: ReportInputs,
  until: number,
): { readonly events: number; readonly incidents: number[] } {
  const seen = inputs.incidents
    .filter((i) => i.kind === UNEXPLAINED_BALANCE_KIND)
    .filter((i) => overlaps(i.raisedAt, i.lastSeenAt, inputs.week.from, until))
    .sort((a, b) => a.id - b.id);
  let events = 0;
  for (const incident of seen) events += Math.max(1, incident.occurrences);
  return { events, incidents: seen.map((i) => i.id) };
}

function subjectOf(anomaly: ReportAnomaly): string {
  return typeof anomaly.subject === 'string'
    ? anomaly.subject
    : `${anomaly.subject.type}:${anomaly.subject.id}`;
}

/** Code-unit order: `localeCompare` would make the bytes depend on the host's locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const SEVERITY_ORDER: Readonly<Record<string, number>> = { critical: 0, warning: 1, info: 2 };

/** Anomaly records seen during the week, worst first, then by first sighting. */
export function nearMissSection(inputs: ReportInputs, until: number): NearMissSection {
  const rows: ReportNearMissRow[] = inputs.anomalies
    .filter((a) => overlaps(a.firstSeen, a.lastSeen, inputs.week.from, until))
    .map((a) => ({
      kind: a.kind,
      severity: a.severity,
      subject: subjectOf(a),
      firstSeen: a.firstSeen,
      lastSeen: a.lastSeen,
      count: a.count,
      summary: a.summary ?? '',
    }))
    .sort(
      (a, b) =>
        (SEVERITY_ORDER[a.severity] ?? 3) - (SEVERITY_ORDER[b.severity] ?? 3) ||
        a.firstSeen - b.firstSeen ||
        compareText(a.kind, b.kind) ||
        compareText(a.subject, b.subject),
    );
  const bySeverity = { critical: 0, warning: 0, info: 0 };
  for (const row of rows) {
    if (row.severity === 'critical' || row.severity === 'warning' || row.severity === 'info')
      bySeverity[row.severity]++;
  }
  return { total: rows.length, bySeverity, list: rows };
}
