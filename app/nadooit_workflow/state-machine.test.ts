import { it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describeEachBackend } from '../../test/support/harness.js';
import { transaction } from '../core/db/transaction.js';
import { makeUser } from '../nadooit_hr/testing.js';
import { defineMachine } from './state-machine.js';
import { transitionHistory, workflowHistory } from './transitions.js';

const refused = (status: number, text?: string) => (e: Error & { statusCode?: number }) => e.statusCode === status && (!text || e.message.includes(text));

/** An order workflow with a guard (needs a paid amount) and an effect that writes where the test can see it. */
function orderMachine(effects: string[]) {
  return defineMachine<'draft' | 'placed' | 'shipped' | 'cancelled', 'place' | 'ship' | 'cancel', { paid: number; failEffect?: boolean }>({
    name: 'test_order',
    states: ['draft', 'placed', 'shipped', 'cancelled'],
    initial: 'draft',
    transitions: {
      place: { from: ['draft'], to: 'placed', guard: ({ paid }) => (paid > 0 ? null : 'Erst bezahlen.') },
      ship: {
        from: ['placed'],
        to: 'shipped',
        effect: ({ failEffect, subjectId }) => {
          if (failEffect) throw new Error('Lager nicht erreichbar');
          effects.push(subjectId);
        },
      },
      cancel: { from: ['draft', 'placed'], to: 'cancelled' },
    },
    history: workflowHistory,
    now: () => new Date('2025-03-30T00:30:00.000Z'),
  });
}

it('a machine knows which events leave a state, their targets and its final states', () => {
  const m = orderMachine([]);
  assert.deepEqual(m.eventsFrom('draft'), ['place', 'cancel']);
  assert.deepEqual(m.targetsFrom('placed'), ['shipped', 'cancelled']);
  assert.equal(m.eventBetween('placed', 'cancelled'), 'cancel');
  assert.equal(m.eventBetween('shipped', 'draft'), undefined);
  assert.deepEqual([m.isFinal('shipped'), m.isFinal('cancelled'), m.isFinal('draft')], [true, true, false]);
  assert.equal(m.can('shipped', 'cancel'), false);
});

it('a definition naming an unknown state is refused when it is made', () => {
  assert.throws(
    () => defineMachine({ name: 'bad', states: ['a'], initial: 'a', transitions: { go: { from: ['a'], to: 'b' as 'a' } }, history: workflowHistory }),
    /unknown state b/,
  );
});

describeEachBackend('state machine: guards, effects and the transition history', (h) => {
  const db = () => h().system.context.db.kysely;

  it('records creation and every move with actor, time and note, oldest first', async () => {
    const m = orderMachine([]);
    const actor = await makeUser(db(), { display_name: 'Bea Berg' });
    const id = randomUUID();
    await m.start(db(), { subjectId: id, actorUserId: actor.id });
    const placed = await m.fire(db(), { subjectId: id, from: 'draft', event: 'place', actorUserId: actor.id, note: '  per Telefon ', paid: 10 });
    assert.deepEqual([placed.from, placed.to, placed.note], ['draft', 'placed', 'per Telefon']);
    await m.moveTo(db(), { subjectId: id, from: 'placed', to: 'cancelled', actorUserId: null, paid: 10 });
    const history = await transitionHistory(db(), 'test_order', id);
    assert.deepEqual(
      history.map((e) => [e.event, e.from, e.to, e.actorName, e.note]),
      [
        ['create', null, 'draft', 'Bea Berg', null],
        ['place', 'draft', 'placed', 'Bea Berg', 'per Telefon'],
        ['cancel', 'placed', 'cancelled', null, null],
      ],
    );
    assert.ok(history.every((e, i) => i === 0 || e.at > history[i - 1]!.at), 'entries of the same instant keep their order');
    assert.deepEqual(await transitionHistory(db(), 'other_machine', id), []);
  });

  it('refuses an event from the wrong state and a guard with its reason; nothing is recorded', async () => {
    const m = orderMachine([]);
    const id = randomUUID();
    await assert.rejects(m.fire(db(), { subjectId: id, from: 'shipped', event: 'cancel', actorUserId: null, paid: 1 }), refused(409));
    await assert.rejects(m.moveTo(db(), { subjectId: id, from: 'draft', to: 'shipped', actorUserId: null, paid: 1 }), refused(409));
    await assert.rejects(m.fire(db(), { subjectId: id, from: 'draft', event: 'place', actorUserId: null, paid: 0 }), refused(409, 'Erst bezahlen.'));
    assert.deepEqual(await transitionHistory(db(), 'test_order', id), []);
  });

  it('a failing effect rolls back with the caller’s transaction: no move, no history', async () => {
    const effects: string[] = [];
    const m = orderMachine(effects);
    const id = randomUUID();
    await assert.rejects(
      transaction(db(), async (tx) => {
        await m.start(tx, { subjectId: id, actorUserId: null });
        await m.fire(tx, { subjectId: id, from: 'draft', event: 'place', actorUserId: null, paid: 5 });
        await m.fire(tx, { subjectId: id, from: 'placed', event: 'ship', actorUserId: null, paid: 5, failEffect: true });
      }),
      /Lager nicht erreichbar/,
    );
    assert.deepEqual(await transitionHistory(db(), 'test_order', id), []);
    await m.fire(db(), { subjectId: id, from: 'placed', event: 'ship', actorUserId: null, paid: 5 });
    assert.deepEqual(effects, [id]);
  });
});
