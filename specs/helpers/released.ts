import { exposeGc } from '../../actors/sim/heap';

const gc = exposeGc();

/**
 * How many of `refs`' targets a full collection frees. Why the turn of the event loop first: a
 * `WeakRef` keeps its target alive until the job that created or read it has ended.
 */
export async function releasedCount(refs: readonly WeakRef<object>[]): Promise<number> {
  if (gc === undefined) throw new Error('releasedCount needs global.gc, which V8 refused to expose');
  await new Promise<void>((resolve) => setImmediate(resolve));
  gc();
  return refs.filter((ref) => ref.deref() === undefined).length;
}
