import type { Selection } from './tree';

const KINDS = new Set<Selection['kind']>(['system', 'supervisor', 'component']);

/** The selection named by the location hash (`#component/feed`), so a reload or a shared link keeps it. */
export function readSelectionHash(hash: string): Selection | null {
  const match = /^#(system|supervisor|component)\/(.+)$/.exec(hash);
  if (match === null) return null;
  const kind = match[1] as Selection['kind'];
  return KINDS.has(kind) ? { kind, id: decodeURIComponent(match[2]!) } : null;
}

/** The location hash for a selection. */
export function selectionHash(selection: Selection | null): string {
  return selection === null ? '' : `#${selection.kind}/${encodeURIComponent(selection.id)}`;
}
