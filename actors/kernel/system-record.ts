/** Key of the persisted system record (`kv:system`): a GLOBAL HALT survives restarts. */
export const SYSTEM_KEY = 'system';

/** Persisted system record: a GLOBAL HALT outlives the process until an operator resumes. */
export interface SystemRecord {
  readonly state: 'halted' | 'running';
  readonly reason: string | null;
  readonly t: number;
}
