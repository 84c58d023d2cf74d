import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../../test/support/harness.js';
import { giveRole, makeCustomer, makeUser } from '../testing.js';
import { contractsOfCustomer, contractsOfUser, deactivateContract } from './contracts.js';
import { roleHolders } from './holders.js';

const SYSTEM = { actorUserId: null, asStaff: true } as const;

describeEachBackend('hr listings: role holders and contract flags', (h) => {
  const db = () => h().system.context.db.kysely;

  it('roleHolders lists who holds a role for one customer, with their abilities there and the contract state, by name', async () => {
    const customer = await makeCustomer(db());
    const other = await makeCustomer(db());
    const bert = await makeUser(db(), { display_name: 'Bert' });
    const anna = await makeUser(db(), { display_name: 'Anna' });
    const elsewhere = await makeUser(db(), { display_name: 'Egon' });
    await giveRole(db(), bert, customer, 'time_account_manager', ['can_create_time_accounts']);
    await giveRole(db(), anna, customer, 'time_account_manager', ['can_delete_time_accounts', 'can_give_manager_role']);
    await giveRole(db(), anna, customer, 'employee_manager', ['can_add_new_employee']);
    await giveRole(db(), elsewhere, other, 'time_account_manager', ['can_create_time_accounts']);
    await deactivateContract(db(), { ...SYSTEM, contractId: (await contractsOfUser(db(), bert.id))[0]!.contractId });
    const holders = await roleHolders(db(), customer, 'time_account_manager');
    assert.deepEqual(
      holders.map((r) => [r.displayName, r.userCode, r.abilities, r.contractActive]),
      [
        ['Anna', anna.user_code, ['can_delete_time_accounts', 'can_give_manager_role'], true],
        ['Bert', bert.user_code, ['can_create_time_accounts'], false],
      ],
    );
    assert.deepEqual((await roleHolders(db(), customer, 'customer_manager')), []);
  });

  it('contract listings return real booleans on every backend (SQLite converts by column name, not by alias)', async () => {
    const customer = await makeCustomer(db());
    const active = await makeUser(db(), { display_name: 'Aktiv' });
    const staff = await makeUser(db(), { display_name: 'Stab', is_staff: true });
    const gone = await makeUser(db(), { display_name: 'Weg' });
    for (const user of [active, staff, gone]) await giveRole(db(), user, customer, 'customer_manager', []);
    await deactivateContract(db(), { ...SYSTEM, contractId: (await contractsOfUser(db(), gone.id))[0]!.contractId });
    const [mine] = await contractsOfUser(db(), active.id);
    assert.ok(mine!.isActive === true, `isActive is ${String(mine!.isActive)} (${typeof mine!.isActive})`);
    assert.ok((await contractsOfUser(db(), gone.id))[0]!.isActive === false);
    const listing = await contractsOfCustomer(db(), customer, { includeStaff: true });
    const byName = new Map(listing.map((c) => [c.displayName, c]));
    assert.ok(byName.get('Aktiv')!.isActive === true && byName.get('Aktiv')!.isStaff === false);
    assert.ok(byName.get('Stab')!.isStaff === true);
    assert.ok(byName.get('Weg')!.isActive === false);
  });
});
