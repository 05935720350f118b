import { readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

/** A rotated log file, as found in the directory. */
export interface RotatedFile {
  readonly file: string;
  /** Rotation number, increasing for ever in a directory. */
  readonly seq: number;
  /** Clock time of the rotation: when the file's last line was written, at the latest. */
  readonly t: number;
}

/**
 * Name of the `seq`-th rotated file, rotated at `t`: `predator-000042-20260101T000000.000Z.log`.
 * The number sorts them even if the clock was stepped back; the UTC stamp is for people and for
 * retention by age.
 */
export function rotatedName(name: string, seq: number, t: number): string {
  const stamp = new Date(t).toISOString().replace(/[-:]/g, '');
  return `${name}-${String(seq).padStart(6, '0')}-${stamp}.log`;
}

/** Rotated files of `name` in `dir`, oldest (lowest number) first; other files are ignored. */
export function listRotated(dir: string, name: string): RotatedFile[] {
  const pattern = new RegExp(
    `^${escape(name)}-(\\d{6,})-(\\d{4})(\\d{2})(\\d{2})T(\\d{2})(\\d{2})(\\d{2})\\.(\\d{3})Z\\.log$`,
  );
  const found: RotatedFile[] = [];
  for (const file of readdirSync(dir)) {
    const m = pattern.exec(file);
    if (m === null) continue;
    const [y, mo, d, h, mi, s, ms] = m.slice(2).map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    found.push({ file, seq: Number(m[1]), t: Date.UTC(y, mo - 1, d, h, mi, s, ms) });
  }
  return found.sort((a, b) => a.seq - b.seq);
}

/**
 * Deletes rotated files older than `retainMs` at `now`, then the oldest beyond `maxFiles`.
 * Returns the files deleted. A file that cannot be deleted is left for the next pass.
 */
export function pruneRotated(
  dir: string,
  name: string,
  now: number,
  limits: { readonly maxFiles: number; readonly retainMs: number },
): string[] {
  const files = listRotated(dir, name);
  const doomed = new Set<RotatedFile>();
  for (const f of files) if (f.t < now - limits.retainMs) doomed.add(f);
  const kept = files.filter((f) => !doomed.has(f));
  for (const f of kept.slice(0, Math.max(0, kept.length - limits.maxFiles))) doomed.add(f);
  const deleted: string[] = [];
  for (const f of doomed) {
    try {
      unlinkSync(join(dir, f.file));
      deleted.push(f.file);
    } catch {
      // Already gone (an operator tidied up) or not ours to delete: the next pass tries again.
    }
  }
  return deleted;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
