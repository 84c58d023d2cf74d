import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../test/support/harness.js';
import { InvalidInput, PermissionDenied } from '../core/errors.js';
import { contractsOfUser, deactivateContract } from '../nadooit_hr/services/contracts.js';
import { giveRole, makeCustomer, makeUser } from '../nadooit_hr/testing.js';
import type { TestUser } from '../nadooit_hr/testing.js';
import { createProgram, getProgram, updateProgram } from '../nadooit_program/services.js';
import { createCustomerTimeAccount, setCustomerTimeAccountActive } from '../nadooit_time_account/services.js';
import {
  createCustomerProgram,
  createProgramShare,
  customerProgramsOf,
  deactivateCustomerProgram,
  priceForSeconds,
  pricePerRun,
  programShareLabel,
  programShares,
  updateCustomerProgram,
} from './services.js';

describeEachBackend('programs and customer programs', (h) => {
  const db = () => h().system.context.db.kysely;
  const staff = { actorUserId: null, asStaff: true } as const;

  async function deactivateAllContracts(user: TestUser): Promise<void> {
    for (const c of await contractsOfUser(db(), user.id)) await deactivateContract(db(), { ...staff, contractId: c.contractId });
  }

  it('customer_program_manager.can_create_customer_program: own customer yes, other no, inactive contract no', async () => {
    const program = await createProgram(db(), { name: 'Rechnungsbot', description: 'liest Rechnungen' });
    const own = await makeCustomer(db());
    const other = await makeCustomer(db());
    const user = await makeUser(db());
    await giveRole(db(), user, own, 'customer_program_manager', ['can_create_customer_program']);
    const cp = await createCustomerProgram(db(), { actorUserId: user.id, customerId: own, programId: program.id, defaultSecondsPerRun: 120 });
    assert.equal(cp.pricing_mode, 'tiered', 'customer-side licences use the standard tier prices');
    await assert.rejects(createCustomerProgram(db(), { actorUserId: user.id, customerId: other, programId: program.id }), PermissionDenied);
    await deactivateAllContracts(user);
    await assert.rejects(createCustomerProgram(db(), { actorUserId: user.id, customerId: own, programId: program.id }), PermissionDenied);
    const withoutAbility = await makeUser(db());
    await giveRole(db(), withoutAbility, own, 'customer_program_manager', ['can_delete_customer_program', 'can_give_manager_role']);
    await assert.rejects(createCustomerProgram(db(), { actorUserId: withoutAbility.id, customerId: own, programId: program.id }), PermissionDenied);
  });

  it('customer-side users may not set prices nor use another customer’s time account', async () => {
    const program = await createProgram(db(), { name: 'P', description: '' });
    const own = await makeCustomer(db());
    const other = await makeCustomer(db());
    const user = await makeUser(db());
    await giveRole(db(), user, own, 'customer_program_manager', ['can_create_customer_program']);
    await assert.rejects(createCustomerProgram(db(), { actorUserId: user.id, customerId: own, programId: program.id, pricePerSecondMicros: 0 }), PermissionDenied);
    const foreign = await createCustomerTimeAccount(db(), { ...staff, customerId: other, name: 'fremd' });
    const mine = await createCustomerTimeAccount(db(), { ...staff, customerId: own, name: 'eigen' });
    await assert.rejects(
      createCustomerProgram(db(), { actorUserId: user.id, customerId: own, programId: program.id, timeAccountId: foreign.timeAccountId }),
      PermissionDenied,
    );
    const cp = await createCustomerProgram(db(), { actorUserId: user.id, customerId: own, programId: program.id, timeAccountId: mine.timeAccountId });
    await assert.rejects(updateCustomerProgram(db(), { actorUserId: user.id, id: cp.id, patch: { pricingMode: 'fixed' } }), PermissionDenied);
    assert.equal((await updateCustomerProgram(db(), { actorUserId: user.id, id: cp.id, patch: { defaultSecondsPerRun: 30 } })).program_time_saved_per_execution_in_seconds, 30);
  });

  it('customer_program_manager.can_delete_customer_program: deactivates for its own customer only, not when inactive', async () => {
    const program = await createProgram(db(), { name: 'P', description: '' });
    const own = await makeCustomer(db());
    const other = await makeCustomer(db());
    const ownCp = await createCustomerProgram(db(), { ...staff, customerId: own, programId: program.id });
    const otherCp = await createCustomerProgram(db(), { ...staff, customerId: other, programId: program.id });
    const user = await makeUser(db());
    await giveRole(db(), user, own, 'customer_program_manager', ['can_delete_customer_program']);
    await giveRole(db(), user, other, 'customer_program_manager', ['can_create_customer_program']);
    assert.equal((await deactivateCustomerProgram(db(), { actorUserId: user.id, id: ownCp.id })).is_active, false);
    await assert.rejects(deactivateCustomerProgram(db(), { actorUserId: user.id, id: otherCp.id }), PermissionDenied);
    const again = await createCustomerProgram(db(), { ...staff, customerId: own, programId: program.id });
    await deactivateAllContracts(user);
    await assert.rejects(deactivateCustomerProgram(db(), { actorUserId: user.id, id: again.id }), PermissionDenied);
    assert.deepEqual((await customerProgramsOf(db(), own, { activeOnly: true })).map((c) => c.id), [again.id]);
  });

  it('time_account_manager.can_create_time_accounts: own customer yes, other no, inactive no; no free balance', async () => {
    const own = await makeCustomer(db());
    const other = await makeCustomer(db());
    const user = await makeUser(db());
    await giveRole(db(), user, own, 'time_account_manager', ['can_create_time_accounts']);
    const account = await createCustomerTimeAccount(db(), { actorUserId: user.id, customerId: own, name: 'Support' });
    assert.deepEqual([account.balanceSeconds, account.isActive], [0, true]);
    await assert.rejects(createCustomerTimeAccount(db(), { actorUserId: user.id, customerId: own, name: 'Gratis', openingBalanceSeconds: 3600 }), PermissionDenied);
    await assert.rejects(createCustomerTimeAccount(db(), { actorUserId: user.id, customerId: other, name: 'X' }), PermissionDenied);
    await deactivateAllContracts(user);
    await assert.rejects(createCustomerTimeAccount(db(), { actorUserId: user.id, customerId: own, name: 'Y' }), PermissionDenied);
  });

  it('time_account_manager.can_delete_time_accounts: deactivates its own customer’s accounts only, not when inactive', async () => {
    const own = await makeCustomer(db());
    const other = await makeCustomer(db());
    const ownAccount = await createCustomerTimeAccount(db(), { ...staff, customerId: own, name: 'A', openingBalanceSeconds: 60 });
    const otherAccount = await createCustomerTimeAccount(db(), { ...staff, customerId: other, name: 'B' });
    const user = await makeUser(db());
    await giveRole(db(), user, own, 'time_account_manager', ['can_delete_time_accounts']);
    await giveRole(db(), user, other, 'time_account_manager', ['can_create_time_accounts']);
    const off = await setCustomerTimeAccountActive(db(), { actorUserId: user.id, customerTimeAccountId: ownAccount.customerTimeAccountId, active: false });
    assert.deepEqual([off.isActive, off.balanceSeconds], [false, 60]);
    await assert.rejects(setCustomerTimeAccountActive(db(), { actorUserId: user.id, customerTimeAccountId: otherAccount.customerTimeAccountId, active: false }), PermissionDenied);
    await assert.rejects(setCustomerTimeAccountActive(db(), { actorUserId: user.id, customerTimeAccountId: ownAccount.customerTimeAccountId, active: true }), PermissionDenied);
    await deactivateAllContracts(user);
    const fresh = await createCustomerTimeAccount(db(), { ...staff, customerId: own, name: 'C' });
    await assert.rejects(setCustomerTimeAccountActive(db(), { actorUserId: user.id, customerTimeAccountId: fresh.customerTimeAccountId, active: false }), PermissionDenied);
  });

  it('price per run is price per second × default seconds in exact micro-units', async () => {
    assert.equal(priceForSeconds(63_889, 3600), 230_000_400);
    assert.equal(pricePerRun({ price_per_second: 10_000, program_time_saved_per_execution_in_seconds: 300 }), 3_000_000);
    assert.throws(() => priceForSeconds(Number.MAX_SAFE_INTEGER, 2), RangeError);
    const program = await createProgram(db(), { name: 'P', description: '' });
    const customer = await makeCustomer(db());
    await createCustomerProgram(db(), { ...staff, customerId: customer, programId: program.id, defaultSecondsPerRun: 90, pricePerSecondMicros: 1_111 });
    const [view] = await customerProgramsOf(db(), customer);
    assert.deepEqual([view!.programName, view!.pricePerRunMicros, view!.pricing_mode], ['P', 99_990, 'fixed']);
    await assert.rejects(createCustomerProgram(db(), { ...staff, customerId: customer, programId: program.id, defaultSecondsPerRun: -1 }), InvalidInput);
    await assert.rejects(createCustomerProgram(db(), { ...staff, customerId: customer, programId: program.id, pricePerSecondMicros: 0.5 }), InvalidInput);
  });

  it('programs and shares: create, update, label without crashing', async () => {
    const program = await createProgram(db(), { name: '  Bot  ', description: 'd', programDependencies: null });
    assert.deepEqual([program.name, program.program_dependencies], ['Bot', '']);
    assert.equal((await updateProgram(db(), program.id, { description: 'neu' }))?.description, 'neu');
    assert.equal((await getProgram(db(), program.id))?.description, 'neu');
    assert.equal(await getProgram(db(), 'x'), undefined);
    const share = await createProgramShare(db(), program.id);
    assert.deepEqual((await programShares(db(), program.id)).map((s) => s.id), [share.id]);
    assert.equal(programShareLabel(share, 'Bot'), 'Anteil an Bot');
    assert.equal(programShareLabel(await createProgramShare(db(), null)).startsWith('Anteil '), true);
  });
});
