import type { IncidentState, PostmortemFields } from '../../machines/incident.machine';
import type { Clock } from '../kernel/clock';
import type { Incident, IncidentLog } from '../kernel/incidents';
import type { Journal } from '../kernel/journal';
import type { JournalEntry } from '../kernel/journal-entry';
import type { Logger } from '../kernel/logger';
import type { Store } from '../kernel/store';
import type { KillSwitches } from '../safety/kill-switches';
import type {
  IncidentBookConfig,
  IncidentBookConfigInput,
  PostmortemWindowConfig,
} from './incident-book.config';
import { parseIncidentBookConfig } from './incident-book.config';
import { PostmortemError } from './incident-errors';
import {
  completeSchema,
  draftSchema,
  mitigateSchema,
  parseInput,
  reopenSchema,
  resolveSchema,
  signSchema,
} from './incident-inputs';
import { IncidentLedger } from './incident-ledger';
import type { Restriction } from './incident-mitigation';
import {
  restrictionCovers,
  restrictionNow,
  restrictionOf,
  restrictionOfKill,
  scopeOf,
} from './incident-mitigation';
import type { FillSource, PostmortemDeps } from './incident-postmortems';
import { completePostmortem, draftPostmortem, signPostmortem } from './incident-postmortems';
import { IncidentRecords } from './incident-records';
import type { IncidentRecord } from './incident-records';
import type { IncidentView } from './incident-view';
import { viewOf } from './incident-view';
import type { Postmortem } from './postmortem';
import { postmortemMarkdown } from './postmortem-markdown';

/** What {@link IncidentBook.open} needs. */
export interface IncidentBookOptions {
  readonly store: Pick<Store, 'getValue' | 'setValue'>;
  /** The runtime's journal: the book records its transitions there and drafts post-mortems from it. */
  readonly journal: Pick<Journal, 'record' | 'query' | 'onTransition'>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly config?: IncidentBookConfigInput;
}

/** What the book listens to once {@link IncidentBook.attach}ed; every part is optional. */
export interface IncidentSources {
  /** The kernel's incidents: each raise opens an incident (or counts as a recurrence). */
  readonly incidents?: Pick<IncidentLog, 'onRaise'> & Partial<Pick<IncidentLog, 'raised'>>;
  /** Kill switches: an engaged kill mitigates the incidents it covers; drafts list those engaged. */
  readonly kills?: Pick<KillSwitches, 'onChange' | 'list'>;
  /** A component's state (`Runtime.component(id)?.behaviourState`): is the scope already restricted? */
  readonly stateOf?: (actor: string) => string | undefined;
  /** The execution store, for the positions a post-mortem's window moved. */
  readonly fills?: FillSource;
}

/**
 * Durable incidents. Each raise of the kernel's `IncidentLog` becomes an incident with an id unique
 * across restarts, its life run by `machines/incident.machine.ts`, stored (`kv:incidents:*`, see
 * `docs/redis-keys.md`) and journaled (actor `incident/<id>`, machine `incident`) on every
 * transition. A raise by the same actor of the same kind while one is open or mitigated is a
 * recurrence of it, not a new incident.
 *
 * Automatic mitigation: an open incident is mitigated when its scope (its engine, its strategy, or
 * everything) is restricted after its raise — a trading state going REDUCING or HALTED, a GLOBAL
 * HALT, a kill switch engaging — or already was when it was raised.
 *
 * Commands are validated (zod) and run one at a time; each either changes the store and the journal
 * or throws an `IncidentBookError` and changes nothing.
 *
 * @example
 * const book = await IncidentBook.open({ store, journal: runtime.kernel.journal, clock, logger });
 * const detach = book.attach({ incidents, kills, stateOf: (id) => runtime.component(id)?.behaviourState });
 * await book.resolve(7, 'alice', 'venue back to normal');
 * await book.completePostmortem(7, 'alice', { rootCause: '…', actions: '…', followUps: ['…'] });
 * await book.signPostmortem(7, 'alice');
 * const markdown = await book.postmortemMarkdown(7);
 */
export class IncidentBook {
  private chain: Promise<unknown> = Promise.resolve();
  private sources: IncidentSources = {};
  private detach: () => void = () => {};

  private constructor(
    private readonly options: IncidentBookOptions,
    readonly config: IncidentBookConfig,
    private readonly ledger: IncidentLedger,
  ) {}

  /** Validates the config and loads every retained incident from the store. */
  static async open(options: IncidentBookOptions): Promise<IncidentBook> {
    const config = parseIncidentBookConfig(options.config ?? {});
    const records = await IncidentRecords.load(options.store, config.capacity, options.logger);
    const ledger = new IncidentLedger(
      records,
      options.journal,
      options.clock,
      options.logger,
      config.recurrenceWindowMs,
    );
    return new IncidentBook(options, config, ledger);
  }

  /**
   * Subscribes to the runtime's incidents, journal and kill switches; returns the detach function.
   * Attaching again replaces the previous sources. Raises the incident log already holds that the
   * book has not taken in (those of the tree's boot, before the book existed) are taken in first;
   * whether their scope was already restricted is judged at the attach.
   */
  attach(sources: IncidentSources): () => void {
    this.detach();
    this.sources = sources;
    const taken = this.ledger.records.meta.lastRaiseSeq;
    for (const { incident, entry } of sources.incidents?.raised?.() ?? [])
      if (entry.seq > taken) void this.ingest(incident, entry).catch(this.failed);
    const offs = [
      sources.incidents?.onRaise((incident, entry) => void this.ingest(incident, entry).catch(this.failed)),
      this.options.journal.onTransition((entry) => {
        const restriction = restrictionOf(entry);
        if (restriction) void this.mitigateCovered(restriction, entry.seq).catch(this.failed);
      }),
      sources.kills?.onChange((change) => {
        if (change.type === 'engaged')
          void this.mitigateCovered(restrictionOfKill(change.record), Infinity).catch(this.failed);
      }),
    ];
    const detach = () => {
      if (this.detach !== detach) return;
      for (const off of offs) off?.();
      this.sources = {};
      this.detach = () => {};
    };
    this.detach = detach;
    return detach;
  }

  /**
   * Takes in one raise (the hook of `IncidentLog.onRaise`): a new incident, a recurrence of a live
   * one, or a reopening of one resolved within the recurrence window (`IncidentLedger.take`). Call
   * it synchronously from the raise, as `attach` does: whether the scope is already restricted is
   * judged at the call. Resolves with the incident it landed in (undefined for a raise taken twice).
   */
  ingest(incident: Incident, entry: JournalEntry): Promise<IncidentView | undefined> {
    // Why probe before queuing: the raiser's own reaction (e.g. `trading.reduce`) comes right after
    // the raise; it must show as the mitigation it is, not as a restriction already in place.
    const scope = scopeOf(incident.actor, incident.data);
    const already = restrictionNow(scope, this.sources, this.options.clock.now());
    return this.run(async () => {
      const taken = await this.ledger.take(incident, entry);
      if (taken?.opened && already) return viewOf(await this.autoMitigate(taken.record, already));
      return taken && viewOf(taken.record);
    });
  }

  /** Every retained incident, oldest first, optionally only those in `state`. */
  list(state?: IncidentState): IncidentView[] {
    const all = this.ledger.records.list().map(viewOf);
    return state === undefined ? all : all.filter((v) => v.state === state);
  }

  /** Incidents still without a signed post-mortem (what the stability gate counts). */
  withoutPostmortem(): IncidentView[] {
    return this.list().filter((v) => v.state !== 'postmortem_written');
  }

  /** One incident; throws `IncidentNotFoundError`. */
  get(id: number): IncidentView {
    return viewOf(this.ledger.need(id));
  }

  /** An operator marks an open incident mitigated, saying what contained it. */
  async mitigate(id: number, by: string, note: string): Promise<IncidentView> {
    const input = parseInput(mitigateSchema, { id, by, note }, 'mitigate');
    return this.command(input.id, 'mitigate', (t) => ({
      type: 'incident.mitigate',
      by: input.by,
      auto: false,
      evidence: input.note,
      t,
    }));
  }

  /** An operator resolves an open or mitigated incident. */
  async resolve(id: number, by: string, note = ''): Promise<IncidentView> {
    const input = parseInput(resolveSchema, { id, by, note }, 'resolve');
    return this.command(input.id, 'resolve', (t) => ({
      type: 'incident.resolve',
      by: input.by,
      note: input.note,
      t,
    }));
  }

  /** An operator reopens a resolved incident whose post-mortem is not signed. */
  async reopen(id: number, by: string, reason: string): Promise<IncidentView> {
    const input = parseInput(reopenSchema, { id, by, reason }, 'reopen');
    return this.command(input.id, 'reopen', (t) => ({
      type: 'incident.reopen',
      by: input.by,
      reason: input.reason,
      t,
    }));
  }

  /** Drafts (or redrafts) the post-mortem from the journal; `window` overrides the book's. */
  async draftPostmortem(id: number, window: Partial<PostmortemWindowConfig> = {}): Promise<Postmortem> {
    const input = parseInput(draftSchema, { id, window }, 'draft');
    const settings = { ...this.config.postmortem, ...input.window };
    return this.run(() => draftPostmortem(this.deps(), this.ledger.need(input.id), settings));
  }

  /** The stored post-mortem of an incident, if one was drafted. */
  async postmortem(id: number): Promise<Postmortem | undefined> {
    return this.run(() => this.ledger.records.loadPostmortem(this.ledger.need(id).id));
  }

  /** An operator writes fields of the post-mortem (any subset, drafting it if needed); refused once signed. */
  async completePostmortem(id: number, by: string, fields: Partial<PostmortemFields>): Promise<Postmortem> {
    const input = parseInput(completeSchema, { id, by, fields }, 'complete');
    return this.run(() =>
      completePostmortem(
        this.deps(),
        this.ledger.need(input.id),
        this.config.postmortem,
        input.by,
        input.fields,
      ),
    );
  }

  /** An operator signs the complete post-mortem of a resolved incident: the incident is final. */
  async signPostmortem(id: number, by: string): Promise<Postmortem> {
    const input = parseInput(signSchema, { id, by }, 'sign');
    return this.run(
      async () => (await signPostmortem(this.deps(), this.ledger.need(input.id), input.by)).postmortem,
    );
  }

  /** The post-mortem as Markdown (`postmortem-markdown.ts`); throws if none was drafted. */
  async postmortemMarkdown(id: number): Promise<string> {
    const postmortem = await this.postmortem(id);
    if (!postmortem)
      throw new PostmortemError(
        id,
        'not_drafted',
        [],
        `incident #${id} has no post-mortem yet; draft it first`,
      );
    return postmortemMarkdown(postmortem);
  }

  /** Calls `listener` after every stored change of an incident; returns the unsubscribe function. */
  onChange(listener: (incident: IncidentView) => void): () => void {
    return this.ledger.onChange(listener);
  }

  /** Resolves once every command and every raise taken in so far is stored. */
  async idle(): Promise<void> {
    for (let seen: unknown; seen !== this.chain;) {
      seen = this.chain;
      await seen;
    }
  }

  /** Mitigates every open incident a restriction covers that was raised before it (by `seq` and time). */
  private mitigateCovered(restriction: Restriction, seq: number): Promise<void> {
    return this.run(async () => {
      for (const record of this.ledger.records.list()) {
        if (record.state !== 'open' || !restrictionCovers(restriction, record.scope)) continue;
        if (record.raisedSeq >= seq || record.raisedAt > restriction.t) continue;
        await this.autoMitigate(record, restriction);
      }
    });
  }

  private async autoMitigate(record: IncidentRecord, restriction: Restriction): Promise<IncidentRecord> {
    const t = Math.max(restriction.t, record.raisedAt);
    const { by, evidence } = restriction;
    return (
      (await this.ledger.offer(record, { type: 'incident.mitigate', by, auto: true, evidence, t })) ?? record
    );
  }

  private command(
    id: number,
    action: string,
    event: (t: number) => Parameters<IncidentLedger['apply']>[1],
  ): Promise<IncidentView> {
    return this.run(async () =>
      viewOf(await this.ledger.apply(this.ledger.need(id), event(this.options.clock.now()), action)),
    );
  }

  private deps(): PostmortemDeps {
    return {
      records: this.ledger.records,
      journal: this.options.journal,
      now: () => this.options.clock.now(),
      apply: (record, event, action) => this.ledger.apply(record, event, action),
      ...(this.sources.kills ? { kills: this.sources.kills } : {}),
      ...(this.sources.fills ? { fillSource: this.sources.fills } : {}),
    };
  }

  /** One change at a time: one writer, so what a command reads from the store is never stale. */
  private run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.chain.then(task);
    this.chain = result.catch(() => undefined);
    return result;
  }

  private readonly failed = (error: unknown): void => {
    this.options.logger.error({ err: error }, 'incident book: taking in a raise or a restriction failed');
  };
}
