import type { StateValue } from 'xstate';

/**
 * A state value as one string: the dotted path of each active leaf, from the root, joined with `,`
 * in key order — `running`, `tracking.above`, `tracking.a.x,tracking.b.y` for parallel regions.
 * This is the `from`/`to` of every journal entry, and each part names one state node.
 */
export function statePath(value: StateValue): string {
  if (typeof value === 'string') return value;
  // Hot path (every hosted event): a chain of single-key objects needs no sorting or arrays.
  let only: string | undefined;
  let count = 0;
  for (const key in value) {
    if (++count > 1) break;
    only = key;
  }
  if (count === 1 && only !== undefined) {
    const child = value[only];
    if (child === undefined) return only;
    const inner = statePath(child as StateValue);
    if (inner === '') return only;
    return inner.includes(',') ? prefixEach(only, inner) : `${only}.${inner}`;
  }
  const parts: string[] = [];
  for (const key of Object.keys(value).sort()) {
    const child = value[key];
    if (child === undefined) continue;
    const inner = statePath(child as StateValue);
    parts.push(inner === '' ? key : prefixEach(key, inner));
  }
  return parts.join(',');
}

function prefixEach(prefix: string, paths: string): string {
  return paths
    .split(',')
    .map((p) => `${prefix}.${p}`)
    .join(',');
}
