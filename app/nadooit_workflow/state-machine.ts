import type { Tx } from '../core/db/transaction.js';
import { Conflict } from '../core/errors.js';

/**
 * A small typed state machine for status workflows (complaints, top-up requests …). A machine names its
 * states and its transitions (events); each transition leaves from some states, arrives in one, may refuse
 * (guard) and may act (effect, e.g. the conditional UPDATE that moves the row and whatever follows from it).
 * Every transition that happens is written to a history store with actor, time and note, inside the caller's
 * transaction — so a refused guard or a failing effect leaves neither the move nor its history behind.
 */

/** One entry of a subject's history; `from` null means the subject was created in `to`. */
export interface TransitionRecord<S extends string = string, E extends string = string> {
  machine: string;
  subjectId: string;
  event: E | 'create';
  from: S | null;
  to: S;
  actorUserId: string | null;
  note: string | null;
  /** ISO-8601 UTC. */
  at: string;
}

/**
 * Where a machine writes its history (the default: nadooit_workflow's wf_transitions, see transitions.ts).
 * `context` is the caller's context of the move (absent for `start`), after the effect ran — so a store can
 * keep what the effect found out (e.g. the seconds a cancellation credited back).
 */
export interface HistoryStore<C = unknown> {
  record(tx: Tx, entry: TransitionRecord, context?: C): Promise<void>;
}

/** What guards and effects get: the transaction, who acts, the note, and the caller's own context. */
export type TransitionInput<S extends string, C> = {
  tx: Tx;
  subjectId: string;
  from: S;
  to: S;
  actorUserId: string | null;
  note: string | null;
} & C;

export interface TransitionSpec<S extends string, C> {
  from: readonly S[];
  to: S;
  /** Returns a reason to refuse (→ Conflict with that text), or throws an error of its own; nothing = allowed. */
  guard?(input: TransitionInput<S, C>): string | null | undefined | void | Promise<string | null | undefined | void>;
  /** Performs the move; runs after the guard, before the history entry is written. */
  effect?(input: TransitionInput<S, C>): void | Promise<void>;
}

export interface MachineSpec<S extends string, E extends string, C> {
  name: string;
  states: readonly S[];
  initial: S;
  transitions: Readonly<Record<E, TransitionSpec<S, C>>>;
  history: HistoryStore<C>;
  /** The text of the Conflict when no transition leads from the current state to the wanted one. */
  refusal?(from: S, to: S): string;
  /** The instant of a transition (default: the system clock). */
  now?(): Date;
}

export class StateMachine<S extends string, E extends string, C = Record<never, never>> {
  constructor(readonly spec: MachineSpec<S, E, C>) {
    for (const [event, t] of Object.entries(spec.transitions) as [E, TransitionSpec<S, C>][]) {
      for (const state of [...t.from, t.to]) {
        if (!spec.states.includes(state)) throw new Error(`machine ${spec.name}: transition ${event} names unknown state ${state}`);
      }
    }
  }

  get name(): string {
    return this.spec.name;
  }

  get events(): E[] {
    return Object.keys(this.spec.transitions) as E[];
  }

  /** True when `event` leaves from `from`. */
  can(from: S, event: E): boolean {
    return this.spec.transitions[event]?.from.includes(from) ?? false;
  }

  /** The events that leave from `from`, in declaration order. */
  eventsFrom(from: S): E[] {
    return this.events.filter((event) => this.can(from, event));
  }

  /** The states reachable from `from` in one step. */
  targetsFrom(from: S): S[] {
    return [...new Set(this.eventsFrom(from).map((event) => this.spec.transitions[event].to))];
  }

  /** For every state, the states reachable from it in one step. */
  targetTable(): Readonly<Record<S, readonly S[]>> {
    return Object.fromEntries(this.spec.states.map((s) => [s, this.targetsFrom(s)])) as Record<S, S[]>;
  }

  /** A state no event leaves from. */
  isFinal(state: S): boolean {
    return this.eventsFrom(state).length === 0;
  }

  /** The event that moves `from` to `to`, if there is one. */
  eventBetween(from: S, to: S): E | undefined {
    return this.eventsFrom(from).find((event) => this.spec.transitions[event].to === to);
  }

  /** Records that a subject was created in the initial state. */
  async start(tx: Tx, input: { subjectId: string; actorUserId: string | null; note?: string | null }): Promise<TransitionRecord<S, E>> {
    return this.write(tx, { subjectId: input.subjectId, event: 'create', from: null, to: this.spec.initial, actorUserId: input.actorUserId, note: input.note });
  }

  /**
   * Moves a subject that is in `from` by `event`: refused with Conflict when the event does not leave from
   * `from` or the guard gives a reason; otherwise the effect runs and the history entry is written.
   */
  async fire(
    tx: Tx,
    input: { subjectId: string; from: S; event: E; actorUserId: string | null; note?: string | null } & C,
  ): Promise<TransitionRecord<S, E>> {
    const spec = this.spec.transitions[input.event];
    if (!spec || !spec.from.includes(input.from)) throw this.refused(input.from, spec?.to ?? input.from);
    const args = { ...input, tx, to: spec.to, note: input.note?.trim() || null } as TransitionInput<S, C>;
    const reason = await spec.guard?.(args);
    if (reason) throw new Conflict(reason);
    await spec.effect?.(args);
    return this.write(tx, { subjectId: input.subjectId, event: input.event, from: input.from, to: spec.to, actorUserId: input.actorUserId, note: input.note }, input);
  }

  /** Moves a subject from `from` to `to` by the event between them; Conflict when there is none. */
  async moveTo(
    tx: Tx,
    input: { subjectId: string; from: S; to: S; actorUserId: string | null; note?: string | null } & C,
  ): Promise<TransitionRecord<S, E>> {
    const event = this.eventBetween(input.from, input.to);
    if (!event) throw this.refused(input.from, input.to);
    return this.fire(tx, { ...input, event });
  }

  private refused(from: S, to: S): Conflict {
    return new Conflict(this.spec.refusal?.(from, to) ?? `Der Status ${from} kann nicht auf ${to} gesetzt werden.`);
  }

  private async write(
    tx: Tx,
    entry: { subjectId: string; event: E | 'create'; from: S | null; to: S; actorUserId: string | null; note?: string | null },
    context?: C,
  ): Promise<TransitionRecord<S, E>> {
    const record: TransitionRecord<S, E> = {
      machine: this.spec.name,
      subjectId: entry.subjectId,
      event: entry.event,
      from: entry.from,
      to: entry.to,
      actorUserId: entry.actorUserId,
      note: entry.note?.trim() || null,
      at: (this.spec.now?.() ?? new Date()).toISOString(),
    };
    await this.spec.history.record(tx, record, context);
    return record;
  }
}

/** Defines a machine; the types of states and events are inferred from the definition. */
export function defineMachine<S extends string, E extends string, C = Record<never, never>>(spec: MachineSpec<S, E, C>): StateMachine<S, E, C> {
  return new StateMachine(spec);
}
