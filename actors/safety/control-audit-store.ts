import type { Journal } from '../kernel/journal';
import type { Store } from '../kernel/store';
import type { AuditEntry, AuditLog } from './control-plane';

/** Kv key of the audit trail (`predator:{inst}:kv:safety:audit`). */
export const AUDIT_KEY = 'safety:audit';

/** Entries kept in the store; the journal keeps every attempt as a transition besides. */
export const AUDIT_CAPACITY = 1_000;

/**
 * The control plane's audit trail in the instance's store: the last {@link AUDIT_CAPACITY}
 * attempts as one value (readable with `redis-cli GET`), and each attempt journaled as a transition
 * of actor `control-plane`, machine `audit` (event = the command, to = the outcome), so it also
 * shows in the journal, the dashboard and post-mortems. Appends are serialized in this process, the
 * only writer of its instance's key; an append resolves once the entry is stored.
 */
export class StoreAuditLog implements AuditLog {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Pick<Store, 'getValue' | 'setValue'>,
    private readonly journal?: Pick<Journal, 'record'>,
  ) {}

  append(entry: AuditEntry): Promise<void> {
    this.journal?.record({
      t: entry.t,
      actor: 'control-plane',
      machine: 'audit',
      from: `${entry.identity.id} (${entry.identity.role}, ${entry.identity.via}) ${entry.phase}`,
      event: entry.command === '' ? '(none)' : entry.command,
      to: entry.reason === undefined ? entry.outcome : `${entry.outcome} ${entry.reason}`,
    });
    const write = this.chain.then(async () => {
      const entries = (await this.store.getValue<AuditEntry[]>(AUDIT_KEY)) ?? [];
      entries.push(entry);
      await this.store.setValue(AUDIT_KEY, entries.slice(-AUDIT_CAPACITY));
    });
    this.chain = write.catch(() => {});
    return write;
  }

  async list(limit?: number): Promise<AuditEntry[]> {
    await this.chain;
    const entries = (await this.store.getValue<AuditEntry[]>(AUDIT_KEY)) ?? [];
    return limit === undefined ? entries : entries.slice(-limit);
  }
}
