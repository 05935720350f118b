import * as v8 from 'node:v8';
import * as vm from 'node:vm';

/** `global.gc` without `--expose-gc` on the command line (undefined where V8 refuses). */
export function exposeGc(): (() => void) | undefined {
  try {
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

/** Heap in use after a full collection (when `gc` is given), in MB. */
export function heapMB(gc: (() => void) | undefined): number {
  gc?.();
  return process.memoryUsage().heapUsed / 1_048_576;
}

/** Least-squares slope of `mb` over `day`; 0 with fewer than two points. */
export function slope(points: readonly { day: number; mb: number }[]): number {
  if (points.length < 2) return 0;
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.day, 0) / n;
  const my = points.reduce((s, p) => s + p.mb, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.day - mx) * (p.mb - my);
    den += (p.day - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/** `value` rounded to `digits` decimals. */
export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
