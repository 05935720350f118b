import { createActor } from 'xstate';
import type { AnyActorRef } from 'xstate';
import { orderMachine } from '../../machines/order.machine';
import { decideFill } from '../../machines/order.policy';
import type { OrderCommand, OrderContext, OrderEvent, OrderInput } from '../../machines/order.machine';
import type { Clock } from '../kernel/clock';
import { statePath } from '../kernel/state-path';
import type { OrderRecord } from './execution-store';

/** What one event did to an order. */
export interface OrderStep {
  readonly from: string;
  readonly to: string;
  /** Commands the machine emitted, in order, for the execution layer to carry out. */
  readonly commands: readonly OrderCommand[];
  /** Quantity newly counted by this event (a fill applied), 0 otherwise. */
  readonly filledQty: number;
  /** Whether the order just reached an outcome. */
  readonly closed: boolean;
}

/** Journals one transition of an order machine. */
export type RecordTransition = (transition: {
  actor: string;
  machine: string;
  from: string;
  event: string;
  to: string;
}) => void;

/**
 * One order machine, hosted in-process by execution: events in, commands out, every state change
 * journaled under the actor `<engine>/<clientOrderId>`. Its persisted snapshot is what
 * {@link OrderRecord} stores, so an order resumes exactly where it was after a restart.
 */
export class OrderSlot {
  readonly clientOrderId: string;
  readonly journalId: string;
  private readonly actor: AnyActorRef;
  private emitted: OrderCommand[] = [];
  private current: string;
  /** Cached after every step: asked for every working order on every intent (risk). */
  private isTerminal: boolean;

  private constructor(
    input: OrderInput,
    clock: Clock,
    private readonly record: RecordTransition,
    snapshot: unknown,
  ) {
    this.clientOrderId = input.clientOrderId;
    this.journalId = `${input.intent.engine}/${input.clientOrderId}`;
    this.actor = createActor(orderMachine, {
      input,
      clock,
      ...(snapshot === undefined ? {} : { snapshot: snapshot as never }),
    });
    this.actor.on('*', (command: OrderCommand) => this.emitted.push(command));
    this.actor.start();
    this.current = statePath(this.actor.getSnapshot().value);
    this.isTerminal = this.actor.getSnapshot().hasTag('terminal') as boolean;
  }

  /** A new order in `pending`. */
  static create(input: OrderInput, clock: Clock, record: RecordTransition): OrderSlot {
    const slot = new OrderSlot(input, clock, record, undefined);
    record({ actor: slot.journalId, machine: 'order', from: '', event: 'order.created', to: slot.state });
    return slot;
  }

  /** An order resumed from its stored record. */
  static restore(stored: OrderRecord, clock: Clock, record: RecordTransition): OrderSlot {
    const context = (stored.snapshot as { context: OrderContext }).context;
    const input: OrderInput = {
      clientOrderId: context.clientOrderId,
      intent: context.intent,
      lotSize: context.lotSize,
      policy: context.policy,
    };
    return new OrderSlot(input, clock, record, stored.snapshot);
  }

  /** Dotted state. */
  get state(): string {
    return this.current;
  }

  get context(): OrderContext {
    return this.actor.getSnapshot().context as OrderContext;
  }

  /** No outcome yet (pending, submitted, open, partially filled, unknown). */
  get live(): boolean {
    return !this.terminal;
  }

  /** Reached an outcome; late fills may still be counted. */
  get terminal(): boolean {
    return this.isTerminal;
  }

  /** Whether the machine would count `fill` (well-formed, not a replay, within the quantity). */
  wouldCount(fill: { readonly fillId: unknown; readonly qty: unknown; readonly price: unknown }): boolean {
    const c = this.context;
    return decideFill({ ...c, qty: c.intent.qty, lotSize: c.lotSize }, fill).kind === 'apply';
  }

  /** Handles one event synchronously. */
  send(event: OrderEvent): OrderStep {
    const from = this.current;
    const before = this.context.filledQty;
    const wasTerminal = this.isTerminal;
    this.actor.send(event);
    const snapshot = this.actor.getSnapshot();
    this.current = statePath(snapshot.value);
    this.isTerminal = snapshot.hasTag('terminal') as boolean;
    if (from !== this.current) {
      this.record({ actor: this.journalId, machine: 'order', from, event: event.type, to: this.current });
    }
    const commands = this.emitted;
    this.emitted = [];
    const filledQty = Number((this.context.filledQty - before).toFixed(12));
    return { from, to: this.current, commands, filledQty, closed: !wasTerminal && this.terminal };
  }

  /** The record to store now. */
  toRecord(t: number): OrderRecord {
    const { intent, filledQty, avgPrice } = this.context;
    return {
      clientOrderId: this.clientOrderId,
      intentId: intent.intentId,
      engine: intent.engine,
      strategy: intent.strategy,
      symbol: intent.symbol,
      side: intent.side,
      type: intent.type,
      qty: intent.qty,
      price: intent.price ?? null,
      filledQty,
      avgPrice,
      state: this.current,
      terminal: this.terminal,
      snapshot: this.actor.getPersistedSnapshot(),
      t,
    };
  }

  /** Stops the machine (the engine's incarnation ended). */
  stop(): void {
    this.actor.stop();
  }
}
