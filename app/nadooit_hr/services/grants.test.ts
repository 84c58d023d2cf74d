import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../../test/support/harness.js';
import { abilitiesFor, hasRole } from '../permissions.js';
import { MANAGER_ROLES, MANAGER_ROLE_NAMES } from '../roles.js';
import { InvalidCustomer, InvalidInput, InvalidUserCode, PermissionDenied } from '../../core/errors.js';
import { giveRole, makeCustomer, makeUser } from '../testing.js';
import { contractOf, deactivateContract } from './contracts.js';
import { employeeOfUser } from './employees.js';
import { grantRole, revokeAbilities, revokeRole, roleChanges } from './grants.js';

describeEachBackend('hr role grants and revocations', (h) => {
  const db = () => h().system.context.db.kysely;

  for (const role of MANAGER_ROLE_NAMES) {
    const all = MANAGER_ROLES[role].abilities;
    it(`${role}: can_give_manager_role lets a manager grant for their own customer only`, async () => {
      const own = await makeCustomer(db());
      const other = await makeCustomer(db());
      const granter = await makeUser(db());
      const target = await makeUser(db());
      await giveRole(db(), granter, own, role, all);
      const result = await grantRole(db(), { actorUserId: granter.id, targetUserCode: target.user_code, customerId: own, role, abilities: all });
      assert.deepEqual(result.granted, [...all]);
      assert.equal(result.roleCreated, true);
      assert.deepEqual(await abilitiesFor(db(), target.id, own, role), [...all]);
      await assert.rejects(
        grantRole(db(), { actorUserId: granter.id, targetUserCode: target.user_code, customerId: other, role, abilities: [] }),
        PermissionDenied,
      );
      // refusal happens before anything is created: no contract with the other customer appeared
      const employee = await employeeOfUser(db(), target.id);
      assert.equal(await contractOf(db(), employee!.id, other), undefined);
    });

    it(`${role}: without can_give_manager_role, or with an inactive contract, granting is refused`, async () => {
      const customer = await makeCustomer(db());
      const granter = await makeUser(db());
      const target = await makeUser(db());
      const withoutGive = all.filter((a) => a !== 'can_give_manager_role');
      await giveRole(db(), granter, customer, role, withoutGive);
      await assert.rejects(
        grantRole(db(), { actorUserId: granter.id, targetUserCode: target.user_code, customerId: customer, role, abilities: [] }),
        PermissionDenied,
      );
      await giveRole(db(), granter, customer, role, ['can_give_manager_role']);
      const contract = await contractOf(db(), (await employeeOfUser(db(), granter.id))!.id, customer);
      await deactivateContract(db(), { actorUserId: null, asStaff: true, contractId: contract!.id });
      await assert.rejects(
        grantRole(db(), { actorUserId: granter.id, targetUserCode: target.user_code, customerId: customer, role, abilities: [] }),
        PermissionDenied,
      );
      assert.equal(await employeeOfUser(db(), target.id), undefined);
    });
  }

  it('granting beyond one’s own abilities is refused, granting what one holds works', async () => {
    const customer = await makeCustomer(db());
    const granter = await makeUser(db());
    const target = await makeUser(db());
    await giveRole(db(), granter, customer, 'time_account_manager', ['can_give_manager_role', 'can_create_time_accounts']);
    await assert.rejects(
      grantRole(db(), {
        actorUserId: granter.id,
        targetUserCode: target.user_code,
        customerId: customer,
        role: 'time_account_manager',
        abilities: ['can_create_time_accounts', 'can_delete_time_accounts'],
      }),
      (error: unknown) => error instanceof PermissionDenied && /can_delete_time_accounts/.test(error.message),
    );
    assert.equal(await hasRole(db(), target.id, customer, 'time_account_manager'), false);
    await grantRole(db(), { actorUserId: granter.id, targetUserCode: target.user_code, customerId: customer, role: 'time_account_manager', abilities: ['can_create_time_accounts'] });
    assert.deepEqual(await abilitiesFor(db(), target.id, customer, 'time_account_manager'), ['can_create_time_accounts']);
  });

  it('abilities held for another customer do not count (no cross-customer leak, the original’s S6)', async () => {
    const a = await makeCustomer(db());
    const b = await makeCustomer(db());
    const granter = await makeUser(db());
    const target = await makeUser(db());
    await giveRole(db(), granter, a, 'customer_program_execution_manager', MANAGER_ROLES.customer_program_execution_manager.abilities);
    await giveRole(db(), granter, b, 'customer_program_execution_manager', ['can_give_manager_role']);
    await assert.rejects(
      grantRole(db(), {
        actorUserId: granter.id,
        targetUserCode: target.user_code,
        customerId: b,
        role: 'customer_program_execution_manager',
        abilities: ['can_delete_customer_program_execution'],
      }),
      PermissionDenied,
    );
    await grantRole(db(), { actorUserId: granter.id, targetUserCode: target.user_code, customerId: a, role: 'customer_program_execution_manager', abilities: ['can_delete_customer_program_execution'] });
    assert.equal(await hasRole(db(), target.id, b, 'customer_program_execution_manager'), false);
  });

  it('one role’s can_give_manager_role does not let a manager grant another role', async () => {
    const customer = await makeCustomer(db());
    const granter = await makeUser(db());
    const target = await makeUser(db());
    await giveRole(db(), granter, customer, 'time_account_manager', MANAGER_ROLES.time_account_manager.abilities);
    await assert.rejects(
      grantRole(db(), { actorUserId: granter.id, targetUserCode: target.user_code, customerId: customer, role: 'employee_manager', abilities: [] }),
      PermissionDenied,
    );
  });

  it('refuses unknown user codes, unknown customers and abilities of another role with clear errors', async () => {
    const customer = await makeCustomer(db());
    const granter = await makeUser(db());
    await giveRole(db(), granter, customer, 'employee_manager', MANAGER_ROLES.employee_manager.abilities);
    await assert.rejects(
      grantRole(db(), { actorUserId: granter.id, targetUserCode: 'NOPE99', customerId: customer, role: 'employee_manager', abilities: [] }),
      (e: unknown) => e instanceof InvalidUserCode && e.message === 'Kein gültiger Benutzercode eingegeben',
    );
    await assert.rejects(
      grantRole(db(), { actorUserId: granter.id, targetUserCode: granter.user_code, customerId: 'not-a-uuid', role: 'employee_manager', abilities: [] }),
      (e: unknown) => e instanceof InvalidCustomer && e.message === 'Kein gültiger Kunde eingegeben',
    );
    await assert.rejects(
      grantRole(db(), { actorUserId: granter.id, targetUserCode: granter.user_code, customerId: customer, role: 'employee_manager', abilities: ['can_create_time_accounts'] }),
      InvalidInput,
    );
  });

  it('a false staff claim is refused; a real staff user may grant anything', async () => {
    const customer = await makeCustomer(db());
    const pretender = await makeUser(db());
    const staff = await makeUser(db(), { is_staff: true });
    const target = await makeUser(db());
    const input = { targetUserCode: target.user_code, customerId: customer, role: 'employee_manager' as const, abilities: ['can_delete_employee'] };
    await assert.rejects(grantRole(db(), { ...input, actorUserId: pretender.id, asStaff: true }), PermissionDenied);
    await grantRole(db(), { ...input, actorUserId: staff.id, asStaff: true });
    assert.equal(await hasRole(db(), target.id, customer, 'employee_manager', 'can_delete_employee'), true);
  });

  it('a grant on a deactivated contract is stored but does not count until the contract is active', async () => {
    const customer = await makeCustomer(db());
    const granter = await makeUser(db());
    const target = await makeUser(db());
    await giveRole(db(), granter, customer, 'employee_manager', MANAGER_ROLES.employee_manager.abilities);
    await giveRole(db(), target, customer, 'customer_manager', []);
    const contract = await contractOf(db(), (await employeeOfUser(db(), target.id))!.id, customer);
    await deactivateContract(db(), { actorUserId: granter.id, contractId: contract!.id });
    const result = await grantRole(db(), { actorUserId: granter.id, targetUserCode: target.user_code, customerId: customer, role: 'employee_manager', abilities: ['can_add_new_employee'] });
    assert.equal(result.contractActive, false);
    assert.equal(await hasRole(db(), target.id, customer, 'employee_manager'), false);
  });

  it('revoking abilities and roles works, follows the same authority rule, and is logged', async () => {
    const customer = await makeCustomer(db());
    const boss = await makeUser(db(), { display_name: 'Chefin' });
    const weak = await makeUser(db());
    const target = await makeUser(db(), { display_name: 'Ziel' });
    const all = MANAGER_ROLES.customer_program_manager.abilities;
    await giveRole(db(), boss, customer, 'customer_program_manager', all);
    await giveRole(db(), weak, customer, 'customer_program_manager', ['can_give_manager_role']);
    const role = 'customer_program_manager' as const;
    await grantRole(db(), { actorUserId: boss.id, targetUserCode: target.user_code, customerId: customer, role, abilities: ['can_create_customer_program', 'can_delete_customer_program'] });

    // the weak manager holds can_give but not can_delete_customer_program: may not take it away, nor the whole role
    await assert.rejects(revokeAbilities(db(), { actorUserId: weak.id, targetUserCode: target.user_code, customerId: customer, role, abilities: ['can_delete_customer_program'] }), PermissionDenied);
    await assert.rejects(revokeRole(db(), { actorUserId: weak.id, targetUserCode: target.user_code, customerId: customer, role }), PermissionDenied);
    // a manager of another customer may not either
    const elsewhere = await makeUser(db());
    await giveRole(db(), elsewhere, await makeCustomer(db()), role, all);
    await assert.rejects(revokeRole(db(), { actorUserId: elsewhere.id, targetUserCode: target.user_code, customerId: customer, role }), PermissionDenied);

    const revoked = await revokeAbilities(db(), { actorUserId: boss.id, targetUserCode: target.user_code, customerId: customer, role, abilities: ['can_delete_customer_program'] });
    assert.deepEqual(revoked.revoked, ['can_delete_customer_program']);
    assert.deepEqual(await abilitiesFor(db(), target.id, customer, role), ['can_create_customer_program']);
    const removed = await revokeRole(db(), { actorUserId: boss.id, targetUserCode: target.user_code, customerId: customer, role });
    assert.deepEqual(removed, { removed: true, revoked: ['can_create_customer_program'] });
    assert.equal(await hasRole(db(), target.id, customer, role), false);

    const history = await roleChanges(db(), { customerId: customer, targetEmployeeId: (await employeeOfUser(db(), target.id))!.id });
    const summary = history
      .map((r) => `${r.action}:${r.ability ?? '(role)'}:${r.actorDisplayName}`)
      .sort();
    assert.deepEqual(summary, [
      'grant:(role):Chefin',
      'grant:can_create_customer_program:Chefin',
      'grant:can_delete_customer_program:Chefin',
      'revoke:(role):Chefin',
      'revoke:can_create_customer_program:Chefin',
      'revoke:can_delete_customer_program:Chefin',
    ]);
    assert.ok(history.every((r) => r.targetDisplayName === 'Ziel' && r.role === role && r.customerId === customer && r.createdAt));
  });

  it('granting the same abilities twice changes nothing and logs nothing new', async () => {
    const customer = await makeCustomer(db());
    const target = await makeUser(db());
    await giveRole(db(), target, customer, 'customer_manager', ['can_give_manager_role']);
    const again = await grantRole(db(), { actorUserId: null, asStaff: true, targetUserCode: target.user_code, customerId: customer, role: 'customer_manager', abilities: ['can_give_manager_role'] });
    assert.deepEqual(again.granted, []);
    assert.equal(again.roleCreated, false);
    assert.equal((await roleChanges(db(), { customerId: customer })).length, 2);
  });
});
