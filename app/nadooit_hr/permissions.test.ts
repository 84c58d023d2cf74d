import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../test/support/harness.js';
import { abilitiesFor, assertRole, customersWithRole, hasRole, roleMap } from './permissions.js';
import { MANAGER_ROLES, MANAGER_ROLE_NAMES } from './roles.js';
import { deactivateContract } from './services/contracts.js';
import { PermissionDenied } from '../core/errors.js';
import { giveRole, makeCustomer, makeUser } from './testing.js';

describeEachBackend('hr permission service', (h) => {
  const db = () => h().system.context.db.kysely;

  for (const role of MANAGER_ROLE_NAMES) {
    for (const ability of MANAGER_ROLES[role].abilities) {
      it(`${role}.${ability}: own customer yes, other customer no, inactive contract no`, async () => {
        const own = await makeCustomer(db());
        const other = await makeCustomer(db());
        const user = await makeUser(db());
        await giveRole(db(), user, own, role, [ability]);
        assert.equal(await hasRole(db(), user.id, own, role, ability as never), true);
        assert.equal(await hasRole(db(), user.id, own, role), true);
        assert.equal(await hasRole(db(), user.id, other, role, ability as never), false);
        assert.deepEqual(await customersWithRole(db(), user.id, role, ability as never), [own]);
        const contract = await db()
          .selectFrom('hr_employee_contracts as c')
          .innerJoin('hr_employees as e', 'e.id', 'c.employee_id')
          .where('e.user_id', '=', user.id)
          .select('c.id')
          .executeTakeFirstOrThrow();
        await deactivateContract(db(), { actorUserId: null, asStaff: true, contractId: contract.id });
        assert.equal(await hasRole(db(), user.id, own, role, ability as never), false);
        assert.deepEqual(await customersWithRole(db(), user.id, role, ability as never), []);
        await assert.rejects(assertRole(db(), user.id, own, role, ability as never), PermissionDenied);
      });
    }
  }

  it('a role without the ability does not grant the ability', async () => {
    const customer = await makeCustomer(db());
    const user = await makeUser(db());
    await giveRole(db(), user, customer, 'employee_manager', ['can_add_new_employee']);
    assert.equal(await hasRole(db(), user.id, customer, 'employee_manager', 'can_delete_employee'), false);
    assert.deepEqual(await abilitiesFor(db(), user.id, customer, 'employee_manager'), ['can_add_new_employee']);
    assert.equal(await abilitiesFor(db(), user.id, customer, 'time_account_manager'), null);
  });

  it('malformed ids (e.g. from a URL) answer "no" instead of failing the query', async () => {
    const customer = await makeCustomer(db());
    const user = await makeUser(db());
    await giveRole(db(), user, customer, 'customer_manager', ['can_give_manager_role']);
    assert.equal(await hasRole(db(), user.id, 'not-a-uuid', 'customer_manager'), false);
    assert.equal(await hasRole(db(), "x' or 1=1 --", customer, 'customer_manager'), false);
    assert.equal(await abilitiesFor(db(), user.id, '42', 'customer_manager'), null);
    assert.deepEqual(await customersWithRole(db(), 'nope', 'customer_manager'), []);
    assert.deepEqual(await roleMap(db(), 'nope'), []);
  });

  it('an inactive user account holds no roles', async () => {
    const customer = await makeCustomer(db());
    const user = await makeUser(db());
    await giveRole(db(), user, customer, 'customer_manager', ['can_give_manager_role']);
    await db().updateTable('users').set({ is_active: false }).where('id', '=', user.id).execute();
    assert.equal(await hasRole(db(), user.id, customer, 'customer_manager'), false);
  });

  it('roleMap lists per customer the roles and abilities on active contracts only', async () => {
    const a = await makeCustomer(db(), 'Alpha GmbH');
    const b = await makeCustomer(db(), 'Beta AG');
    const user = await makeUser(db());
    await giveRole(db(), user, a, 'employee_manager', ['can_add_new_employee', 'can_give_manager_role']);
    await giveRole(db(), user, a, 'time_account_manager', []);
    await giveRole(db(), user, b, 'customer_program_execution_manager', ['can_create_customer_program_execution']);
    const map = await roleMap(db(), user.id);
    assert.deepEqual(
      map.map((m) => [m.customerName, m.roles]),
      [
        ['Alpha GmbH', { employee_manager: ['can_add_new_employee', 'can_give_manager_role'], time_account_manager: [] }],
        ['Beta AG', { customer_program_execution_manager: ['can_create_customer_program_execution'] }],
      ],
    );
  });
});
