import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../../test/support/harness.js';
import { InvalidUserCode, PermissionDenied } from '../../core/errors.js';
import { abilitiesFor, roleMap } from '../permissions.js';
import { makeUser } from '../testing.js';
import { roleChanges } from './grants.js';
import { createCustomerWithManagers } from './onboarding.js';

describeEachBackend('hr onboarding of a new customer', (h) => {
  const db = () => h().system.context.db.kysely;

  it('staff create a customer with its first managers in one transaction, every grant logged', async () => {
    const staff = await makeUser(db(), { is_staff: true });
    const boss = await makeUser(db());
    const { customer, grants } = await createCustomerWithManagers(db(), {
      actorUserId: staff.id,
      asStaff: true,
      customer: { name: 'Neukunde GmbH' },
      managers: [{ userCode: boss.user_code, roles: { employee_manager: ['can_add_new_employee', 'can_give_manager_role'], customer_manager: [] } }],
    });
    assert.equal(grants.length, 2);
    assert.deepEqual(await abilitiesFor(db(), boss.id, customer.id, 'employee_manager'), ['can_add_new_employee', 'can_give_manager_role']);
    assert.deepEqual(Object.keys((await roleMap(db(), boss.id))[0]!.roles).sort(), ['customer_manager', 'employee_manager']);
    assert.ok((await roleChanges(db(), { customerId: customer.id })).every((r) => r.actorUserId === staff.id && r.action === 'grant'));
  });

  it('is refused for non-staff, and rolls back the customer when a manager code is wrong', async () => {
    const user = await makeUser(db());
    await assert.rejects(createCustomerWithManagers(db(), { actorUserId: user.id, asStaff: true, customer: { name: 'Nope' } }), PermissionDenied);
    await assert.rejects(createCustomerWithManagers(db(), { actorUserId: user.id, customer: { name: 'Nope' } }), PermissionDenied);
    await assert.rejects(
      createCustomerWithManagers(db(), { actorUserId: null, asStaff: true, customer: { name: 'Halb' }, managers: [{ userCode: 'NIEMAND', roles: { customer_manager: [] } }] }),
      InvalidUserCode,
    );
    const names = (await db().selectFrom('crm_customers').select('name').execute()).map((c) => c.name);
    assert.ok(!names.includes('Nope') && !names.includes('Halb'));
  });
});
