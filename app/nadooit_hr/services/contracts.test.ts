import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../../test/support/harness.js';
import { ADD_EMPLOYEE_DENIED, InvalidCustomer, InvalidUserCode, NotFound, PermissionDenied } from '../../core/errors.js';
import { giveRole, makeCustomer, makeUser } from '../testing.js';
import { activateContract, addEmployeeToCustomer, contractsOfCustomer, contractsOfUser, deactivateContract } from './contracts.js';
import { employeeByUserCode, employeeLabel, getOrCreateEmployee } from './employees.js';

describeEachBackend('hr employees and contracts', (h) => {
  const db = () => h().system.context.db.kysely;

  it('employee_manager.can_add_new_employee: adds for its own customer, refused for another and when inactive', async () => {
    const own = await makeCustomer(db());
    const other = await makeCustomer(db());
    const manager = await makeUser(db());
    const person = await makeUser(db());
    await giveRole(db(), manager, own, 'employee_manager', ['can_add_new_employee']);
    const added = await addEmployeeToCustomer(db(), { actorUserId: manager.id, userCode: person.user_code, customerId: own });
    assert.equal(added.outcome, 'created');
    assert.equal(added.contract.is_active, true);
    assert.equal((await addEmployeeToCustomer(db(), { actorUserId: manager.id, userCode: person.user_code, customerId: own })).outcome, 'exists');
    await assert.rejects(
      addEmployeeToCustomer(db(), { actorUserId: manager.id, userCode: person.user_code, customerId: other }),
      (e: unknown) => e instanceof PermissionDenied && e.message === ADD_EMPLOYEE_DENIED,
    );
    const managerContract = (await contractsOfUser(db(), manager.id))[0]!;
    await deactivateContract(db(), { actorUserId: null, asStaff: true, contractId: managerContract.contractId });
    await assert.rejects(addEmployeeToCustomer(db(), { actorUserId: manager.id, userCode: (await makeUser(db())).user_code, customerId: own }), PermissionDenied);
  });

  it('a manager without can_add_new_employee is refused; unknown code and customer give the original texts', async () => {
    const customer = await makeCustomer(db());
    const manager = await makeUser(db());
    await giveRole(db(), manager, customer, 'employee_manager', ['can_delete_employee', 'can_give_manager_role']);
    await assert.rejects(addEmployeeToCustomer(db(), { actorUserId: manager.id, userCode: (await makeUser(db())).user_code, customerId: customer }), PermissionDenied);
    await giveRole(db(), manager, customer, 'employee_manager', ['can_add_new_employee']);
    await assert.rejects(addEmployeeToCustomer(db(), { actorUserId: manager.id, userCode: 'XXXXXX', customerId: customer }), InvalidUserCode);
    await assert.rejects(addEmployeeToCustomer(db(), { actorUserId: manager.id, userCode: manager.user_code, customerId: '00000000-0000-4000-8000-000000000000' }), InvalidCustomer);
  });

  it('re-adding a deactivated employee reactivates only with can_delete_employee', async () => {
    const customer = await makeCustomer(db());
    const adder = await makeUser(db());
    const full = await makeUser(db());
    const person = await makeUser(db());
    await giveRole(db(), adder, customer, 'employee_manager', ['can_add_new_employee']);
    await giveRole(db(), full, customer, 'employee_manager', ['can_add_new_employee', 'can_delete_employee']);
    const { contract } = await addEmployeeToCustomer(db(), { actorUserId: adder.id, userCode: person.user_code, customerId: customer });
    await deactivateContract(db(), { actorUserId: full.id, contractId: contract.id });
    await assert.rejects(addEmployeeToCustomer(db(), { actorUserId: adder.id, userCode: person.user_code, customerId: customer }), PermissionDenied);
    const again = await addEmployeeToCustomer(db(), { actorUserId: full.id, userCode: person.user_code, customerId: customer });
    assert.equal(again.outcome, 'reactivated');
    assert.equal(again.contract.id, contract.id);
    assert.equal(again.contract.is_active, true);
    assert.equal(again.contract.deactivation_date, null);
  });

  it('employee_manager.can_delete_employee: (de)activates contracts of its own customer only, not when inactive', async () => {
    const own = await makeCustomer(db());
    const other = await makeCustomer(db());
    const manager = await makeUser(db());
    const person = await makeUser(db());
    await giveRole(db(), manager, own, 'employee_manager', ['can_delete_employee']);
    await giveRole(db(), manager, other, 'employee_manager', ['can_add_new_employee']);
    const ownContract = (await addEmployeeToCustomer(db(), { actorUserId: null, asStaff: true, userCode: person.user_code, customerId: own })).contract;
    const otherContract = (await addEmployeeToCustomer(db(), { actorUserId: null, asStaff: true, userCode: person.user_code, customerId: other })).contract;
    const dayBefore = new Date().toISOString().slice(0, 10);
    const off = await deactivateContract(db(), { actorUserId: manager.id, contractId: ownContract.id });
    const dayAfter = new Date().toISOString().slice(0, 10);
    assert.equal(off.is_active, false);
    // The day of the call (either side of midnight, should the call straddle it).
    assert.ok([dayBefore, dayAfter].includes(off.deactivation_date!), `deactivation_date ${off.deactivation_date}`);
    assert.equal((await activateContract(db(), { actorUserId: manager.id, contractId: ownContract.id })).is_active, true);
    await assert.rejects(deactivateContract(db(), { actorUserId: manager.id, contractId: otherContract.id }), PermissionDenied);
    await assert.rejects(deactivateContract(db(), { actorUserId: manager.id, contractId: 'nope' }), NotFound);
    const managerContract = (await contractsOfUser(db(), manager.id)).find((c) => c.customerId === own)!;
    await deactivateContract(db(), { actorUserId: null, asStaff: true, contractId: managerContract.contractId });
    await assert.rejects(deactivateContract(db(), { actorUserId: manager.id, contractId: ownContract.id }), PermissionDenied);
  });

  it('employees: one per user even when created concurrently; lookup by code is exact', async () => {
    const user = await makeUser(db(), { user_code: 'AbC123' });
    const rows = await Promise.all(Array.from({ length: 10 }, () => getOrCreateEmployee(db(), user.id)));
    assert.equal(new Set(rows.map((r) => r.id)).size, 1);
    assert.equal((await employeeByUserCode(db(), 'AbC123'))?.employee.id, rows[0]!.id);
    assert.equal(await employeeByUserCode(db(), 'abc123'), undefined);
    assert.equal(employeeLabel({ display_name: '', username: null, user_code: 'AbC123' }), 'AbC123');
  });

  it('the customer overview lists active contracts first and hides staff unless asked', async () => {
    const customer = await makeCustomer(db());
    const a = await makeUser(db(), { display_name: 'Anna' });
    const b = await makeUser(db(), { display_name: 'Bert' });
    const s = await makeUser(db(), { display_name: 'Staff', is_staff: true });
    for (const u of [a, b, s]) await addEmployeeToCustomer(db(), { actorUserId: null, asStaff: true, userCode: u.user_code, customerId: customer });
    const annaContract = (await contractsOfUser(db(), a.id))[0]!;
    await deactivateContract(db(), { actorUserId: null, asStaff: true, contractId: annaContract.contractId });
    assert.deepEqual((await contractsOfCustomer(db(), customer)).map((c) => [c.displayName, c.isActive]), [['Bert', true], ['Anna', false]]);
    assert.equal((await contractsOfCustomer(db(), customer, { includeStaff: true })).length, 3);
  });
});
