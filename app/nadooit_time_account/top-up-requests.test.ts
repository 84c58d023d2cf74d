import { beforeEach, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describeEachBackend } from '../../test/support/harness.js';
import { Conflict, InvalidInput, NotFound, PermissionDenied } from '../core/errors.js';
import { giveRole, makeCustomer, makeUser } from '../nadooit_hr/testing.js';
import type { TestUser } from '../nadooit_hr/testing.js';
import { balanceOf, ledgerEntries, verifyLedger } from './ledger.js';
import { createCustomerTimeAccount, setCustomerTimeAccountActive } from './services.js';
import { approveTopUpRequest, openTopUpRequests, rejectTopUpRequest, requestTopUp, topUpRequestsOf } from './top-up-requests.js';

const SYSTEM = { actorUserId: null, asStaff: true } as const;

describeEachBackend('time-account top-up requests', (h) => {
  const db = () => h().system.context.db.kysely;
  let customer: string;
  let account: { customerTimeAccountId: string; timeAccountId: string };
  let manager: TestUser;
  let staff: { actorUserId: string; asStaff: true };

  // Each test gets its own customer, account, manager and staff member: no test sees another's requests.
  beforeEach(async () => {
    customer = await makeCustomer(db());
    account = await createCustomerTimeAccount(db(), { ...SYSTEM, customerId: customer, name: 'Hauptkonto', openingBalanceSeconds: 600 });
    manager = await makeUser(db(), { display_name: 'Maria Manager' });
    await giveRole(db(), manager, customer, 'time_account_manager', ['can_create_time_accounts']);
    staff = { actorUserId: (await makeUser(db(), { is_staff: true })).id, asStaff: true };
  });

  const ask = (seconds: number, note: string | null = null) =>
    requestTopUp(db(), { actorUserId: manager.id, customerTimeAccountId: account.customerTimeAccountId, seconds, note });

  it('a time-account manager with can_create_time_accounts requests a top-up for their customer’s account', async () => {
    const request = await ask(10 * 3600, '  Paket 10 Stunden, Bestellung 4711 ');
    assert.deepEqual([request.status, request.seconds, request.note, request.customer_id, request.time_account_id], ['open', 36_000, 'Paket 10 Stunden, Bestellung 4711', customer, account.timeAccountId]);
    const listed = await topUpRequestsOf(db(), account.customerTimeAccountId);
    assert.equal(listed[0]!.id, request.id);
    assert.equal(listed[0]!.requested_by_name, 'Maria Manager');
    assert.deepEqual((await openTopUpRequests(db(), customer)).get(account.customerTimeAccountId), { count: 1, seconds: 36_000 });
    assert.equal(await balanceOf(db(), account.timeAccountId), 600, 'a request credits nothing');
  });

  it('refused for another customer’s manager, without the ability, for bad amounts and for inactive accounts', async () => {
    const before = (await topUpRequestsOf(db(), account.customerTimeAccountId)).length;
    const other = await makeCustomer(db());
    const foreign = await makeUser(db());
    await giveRole(db(), foreign, other, 'time_account_manager', ['can_create_time_accounts', 'can_delete_time_accounts', 'can_give_manager_role']);
    const withoutAbility = await makeUser(db());
    await giveRole(db(), withoutAbility, customer, 'time_account_manager', ['can_delete_time_accounts', 'can_give_manager_role']);
    const otherRole = await makeUser(db());
    await giveRole(db(), otherRole, customer, 'employee_manager', ['can_add_new_employee', 'can_delete_employee']);
    for (const user of [foreign, withoutAbility, otherRole]) {
      await assert.rejects(requestTopUp(db(), { actorUserId: user.id, customerTimeAccountId: account.customerTimeAccountId, seconds: 3600 }), PermissionDenied);
    }
    await assert.rejects(requestTopUp(db(), { actorUserId: null, customerTimeAccountId: account.customerTimeAccountId, seconds: 3600 }), PermissionDenied);
    for (const seconds of [0, -60, 1.5, 100_000 * 3600 + 1]) await assert.rejects(ask(seconds), InvalidInput);
    await assert.rejects(ask(60, 'x'.repeat(501)), InvalidInput);
    await assert.rejects(requestTopUp(db(), { actorUserId: manager.id, customerTimeAccountId: randomUUID(), seconds: 60 }), NotFound);
    const closed = await createCustomerTimeAccount(db(), { ...SYSTEM, customerId: customer, name: 'Stillgelegt' });
    await setCustomerTimeAccountActive(db(), { ...SYSTEM, customerTimeAccountId: closed.customerTimeAccountId, active: false });
    await assert.rejects(requestTopUp(db(), { actorUserId: manager.id, customerTimeAccountId: closed.customerTimeAccountId, seconds: 60 }), Conflict);
    assert.equal((await topUpRequestsOf(db(), account.customerTimeAccountId)).length, before);
    assert.deepEqual(await topUpRequestsOf(db(), closed.customerTimeAccountId), []);
  });

  it('approval credits exactly once, as one top_up entry referencing the request; a second approval or a rejection is refused', async () => {
    const request = await ask(7200, 'Bestellung 4712');
    const start = await balanceOf(db(), account.timeAccountId);
    const { change, request: approved } = await approveTopUpRequest(db(), { ...staff, requestId: request.id });
    assert.equal(change.balanceAfter, start + 7200);
    assert.deepEqual([approved.status, approved.decided_by_user_id, approved.ledger_entry_id], ['approved', staff.actorUserId, change.entryId]);
    await assert.rejects(approveTopUpRequest(db(), { ...staff, requestId: request.id }), Conflict);
    await assert.rejects(rejectTopUpRequest(db(), { ...staff, requestId: request.id, reason: 'zu spät' }), Conflict);
    assert.equal(await balanceOf(db(), account.timeAccountId), start + 7200);
    const entries = (await ledgerEntries(db(), account.timeAccountId)).filter((e) => e.reference === request.id);
    assert.deepEqual(entries.map((e) => [e.id, e.kind, Number(e.seconds), e.note, e.author_user_id]), [[change.entryId, 'top_up', 7200, 'Bestellung 4712', staff.actorUserId]]);
    const stored = (await topUpRequestsOf(db(), account.customerTimeAccountId)).find((r) => r.id === request.id)!;
    assert.equal(stored.ledger_entry_id, change.entryId);
    assert.deepEqual(await verifyLedger(db()), []);
  });

  it('concurrent approvals of one request credit it once', async () => {
    const request = await ask(900);
    const start = await balanceOf(db(), account.timeAccountId);
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => approveTopUpRequest(db(), { ...staff, requestId: request.id })));
    assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1);
    assert.ok(outcomes.every((o) => o.status === 'fulfilled' || o.reason instanceof Conflict));
    assert.equal(await balanceOf(db(), account.timeAccountId), start + 900);
    assert.equal((await ledgerEntries(db(), account.timeAccountId, { limit: 1000 })).filter((e) => e.reference === request.id).length, 1);
    assert.deepEqual(await verifyLedger(db()), []);
  });

  it('rejection needs a reason, credits nothing and is final', async () => {
    const request = await ask(3600);
    const start = await balanceOf(db(), account.timeAccountId);
    const entriesBefore = (await ledgerEntries(db(), account.timeAccountId, { limit: 1000 })).length;
    await assert.rejects(rejectTopUpRequest(db(), { ...staff, requestId: request.id, reason: '   ' }), InvalidInput);
    const rejected = await rejectTopUpRequest(db(), { ...staff, requestId: request.id, reason: 'Bestellung fehlt' });
    assert.deepEqual([rejected.status, rejected.decision_note, rejected.ledger_entry_id], ['rejected', 'Bestellung fehlt', null]);
    await assert.rejects(approveTopUpRequest(db(), { ...staff, requestId: request.id }), Conflict);
    assert.equal(await balanceOf(db(), account.timeAccountId), start);
    assert.equal((await ledgerEntries(db(), account.timeAccountId, { limit: 1000 })).length, entriesBefore);
    assert.equal((await openTopUpRequests(db(), customer)).get(account.customerTimeAccountId)?.count ?? 0, 0, 'a rejected request is no longer open');
    assert.deepEqual(await verifyLedger(db()), []);
  });

  it('only staff decide: the requesting manager and non-staff claiming staff are refused; unknown ids are 404', async () => {
    const request = await ask(60);
    await assert.rejects(approveTopUpRequest(db(), { actorUserId: manager.id, requestId: request.id }), PermissionDenied);
    await assert.rejects(approveTopUpRequest(db(), { actorUserId: manager.id, asStaff: true, requestId: request.id }), PermissionDenied);
    await assert.rejects(rejectTopUpRequest(db(), { actorUserId: manager.id, requestId: request.id, reason: 'nein' }), PermissionDenied);
    await assert.rejects(approveTopUpRequest(db(), { ...staff, requestId: randomUUID() }), NotFound);
    await assert.rejects(rejectTopUpRequest(db(), { ...staff, requestId: 'kaputt', reason: 'x' }), NotFound);
    assert.equal((await topUpRequestsOf(db(), account.customerTimeAccountId)).find((r) => r.id === request.id)!.status, 'open');
  });
});
