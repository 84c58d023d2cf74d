import { it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describeEachBackend } from '../../test/support/harness.js';
import { InvalidInput, NotFound, PermissionDenied } from '../core/errors.js';
import { giveRole, makeCustomer, makeUser } from '../nadooit_hr/testing.js';
import { createCustomerTimeAccount, customerTimeAccount, customerTimeAccounts, setCustomerTimeAccountActive, setLowBalanceThreshold } from './services.js';

const SYSTEM = { actorUserId: null, asStaff: true } as const;

describeEachBackend('customer time accounts', (h) => {
  const db = () => h().system.context.db.kysely;

  it('customerTimeAccount finds one account by its customer label, with the same view as the list (booleans as booleans)', async () => {
    const customer = await makeCustomer(db());
    const created = await createCustomerTimeAccount(db(), { ...SYSTEM, customerId: customer, name: 'Hauptkonto', openingBalanceSeconds: 3600, lowBalanceThresholdSeconds: 600 });
    const one = await customerTimeAccount(db(), created.customerTimeAccountId);
    assert.deepEqual(one, (await customerTimeAccounts(db(), customer))[0]);
    assert.deepEqual(one, { ...created, balanceSeconds: 3600, lowBalanceThresholdSeconds: 600 });
    assert.ok(one!.isActive === true);
    const off = await setCustomerTimeAccountActive(db(), { ...SYSTEM, customerTimeAccountId: created.customerTimeAccountId, active: false });
    assert.ok(off.isActive === false);
    assert.equal(await customerTimeAccount(db(), randomUUID()), undefined);
    assert.equal(await customerTimeAccount(db(), 'kein-uuid'), undefined);
  });

  it('setLowBalanceThreshold: time-account managers of the customer and staff only; null clears; negative refused', async () => {
    const customer = await makeCustomer(db());
    const other = await makeCustomer(db());
    const { customerTimeAccountId } = await createCustomerTimeAccount(db(), { ...SYSTEM, customerId: customer, name: 'Konto' });
    const manager = await makeUser(db());
    const foreign = await makeUser(db());
    const stranger = await makeUser(db());
    await giveRole(db(), manager, customer, 'time_account_manager', []);
    await giveRole(db(), foreign, other, 'time_account_manager', ['can_create_time_accounts', 'can_delete_time_accounts']);
    await giveRole(db(), stranger, customer, 'employee_manager', ['can_add_new_employee']);
    const set = await setLowBalanceThreshold(db(), { actorUserId: manager.id, customerTimeAccountId, seconds: 7200 });
    assert.equal(set.lowBalanceThresholdSeconds, 7200);
    for (const user of [foreign, stranger]) {
      await assert.rejects(setLowBalanceThreshold(db(), { actorUserId: user.id, customerTimeAccountId, seconds: 1 }), PermissionDenied);
    }
    await assert.rejects(setLowBalanceThreshold(db(), { actorUserId: manager.id, customerTimeAccountId, seconds: -1 }), InvalidInput);
    await assert.rejects(setLowBalanceThreshold(db(), { actorUserId: manager.id, customerTimeAccountId: randomUUID(), seconds: 1 }), NotFound);
    assert.equal((await customerTimeAccount(db(), customerTimeAccountId))!.lowBalanceThresholdSeconds, 7200);
    await setLowBalanceThreshold(db(), { ...SYSTEM, customerTimeAccountId, seconds: null });
    assert.equal((await customerTimeAccount(db(), customerTimeAccountId))!.lowBalanceThresholdSeconds, null);
  });
});
