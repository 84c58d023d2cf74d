import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../test/support/harness.js';
import type { TestClient } from '../../test/support/http.js';
import { transaction } from '../core/db/transaction.js';
import { createUser } from '../nadooit_auth/services/users.js';
import { person } from '../nadooit_api_executions_system/testing/fixtures.js';
import type { Person } from '../nadooit_api_executions_system/testing/fixtures.js';
import { apiKeyManagerOf, apiKeysManagedBy, appointApiKeyManager, createApiKey } from '../nadooit_api_key/services/index.js';
import { grantKeyManager, listPeople } from '../nadooit_key/services.js';
import { paths } from '../nadooit_os/paths.js';
import { clientAs } from '../nadooit_os/testing/session.js';
import { hasRole } from './permissions.js';
import { MANAGER_ROLES, MANAGER_ROLE_NAMES } from './roles.js';
import type { ManagerRole } from './roles.js';
import { addEmployeeToCustomer, contractOf, deactivateContract } from './services/contracts.js';
import { makeCustomer } from './testing.js';

const SYSTEM = { actorUserId: null, asStaff: true } as const;

/** Per manager role, a request only a holder of that role for the customer gets answered. */
const ROLE_PROBES: Record<ManagerRole, { url: (customerId: string) => string; allowed: number; refused: number }> = {
  employee_manager: { url: () => paths.employees, allowed: 200, refused: 403 },
  customer_program_manager: { url: () => paths.programs, allowed: 200, refused: 403 },
  customer_program_execution_manager: { url: () => paths.bookings, allowed: 200, refused: 403 },
  time_account_manager: { url: () => paths.timeAccounts, allowed: 200, refused: 403 },
  customer_manager: { url: (customerId) => `/api/v1/customers/${customerId}`, allowed: 200, refused: 404 },
};

/**
 * Issue 10, finding 3: every role — the five manager roles, the API-key manager and the key manager's reach —
 * holds only while the holder's contract with the customer is active (and the account is active).
 */
describeEachBackend('a role ends with its contract', (h) => {
  const db = () => h().system.context.db.kysely;
  const client = async (userId: string): Promise<TestClient> => clientAs(await h().app(), db(), h().settings, userId);
  const endContract = async (who: Person, customerId: string) =>
    deactivateContract(db(), { ...SYSTEM, contractId: (await contractOf(db(), who.employeeId, customerId))!.id });

  for (const role of MANAGER_ROLE_NAMES) {
    it(`${role}: answered while the contract is active, refused once it is deactivated`, async () => {
      const name = `Kunde ${randomUUID().slice(0, 6)}`;
      const customer = await makeCustomer(db(), name);
      const holder = await person(db(), { customerId: customer, roles: { [role]: [...MANAGER_ROLES[role].abilities] } });
      const probe = ROLE_PROBES[role];
      const c = await client(holder.userId);
      const before = await c.get(probe.url(customer));
      assert.equal(before.statusCode, probe.allowed, before.body.slice(0, 300));
      assert.match(before.body, new RegExp(name));
      await endContract(holder, customer);
      const after = await c.get(probe.url(customer));
      assert.equal(after.statusCode, probe.refused, after.body.slice(0, 300));
      assert.doesNotMatch(after.body, new RegExp(name));
    });
  }

  it('API-key manager: lists, creates, revokes and appoints for the customer only while the contract is active', async () => {
    const customer = await makeCustomer(db());
    const manager = await person(db(), { customerId: customer });
    await appointApiKeyManager(db(), { ...SYSTEM, targetEmployeeId: manager.employeeId, customerIds: [customer], abilities: ['can_create_api_key', 'can_delete_api_key', 'can_give_manager_role'] });
    const bot = await person(db(), { customerId: customer, displayName: 'Bot Eins' });
    const key = await createApiKey(db(), { ...SYSTEM, ownerUserId: bot.userId, name: `Bot-Key ${randomUUID().slice(0, 6)}`, customerId: customer });
    const candidate = await person(db(), { customerId: customer });
    const c = await client(manager.userId);
    assert.match((await c.get(paths.apiKeys)).body, new RegExp(key.name), 'listed while the contract is active');

    await endContract(manager, customer);
    assert.equal(await apiKeyManagerOf(db(), manager.userId), undefined);
    const list = await c.get(paths.apiKeys);
    assert.doesNotMatch(list.body, new RegExp(key.name), 'no longer listed');
    const create = await c.post(paths.createApiKey, { name: 'Nach Vertragsende', customer });
    assert.equal(create.statusCode, 403);
    assert.equal(await db().selectFrom('api_keys').select('id').where('name', '=', 'Nach Vertragsende').executeTakeFirst(), undefined);
    assert.equal((await c.post(paths.revokeApiKey(key.id))).statusCode, 403);
    const stored = await db().selectFrom('api_keys').select('is_active').where('id', '=', key.id).executeTakeFirstOrThrow();
    assert.equal(stored.is_active, true, 'the key was not revoked');
    const appoint = await c.post(paths.apiKeyManagerGrant, { customers: customer, user_code: candidate.userCode, role: ['can_create_api_key'] });
    assert.equal(appoint.statusCode, 403);
    assert.equal(await apiKeyManagerOf(db(), candidate.userId), undefined);
  });

  it('API-key manager: a key without customer is in reach only while its owner’s contract with the customer is active', async () => {
    const customer = await makeCustomer(db());
    const manager = await person(db(), { customerId: customer });
    await appointApiKeyManager(db(), { ...SYSTEM, targetEmployeeId: manager.employeeId, customerIds: [customer], abilities: ['can_delete_api_key'] });
    const former = await person(db(), { customerId: customer, displayName: 'Ehemalig' });
    const personal = await createApiKey(db(), { ...SYSTEM, ownerUserId: former.userId, name: `Privat ${randomUUID().slice(0, 6)}` });
    assert.deepEqual((await apiKeysManagedBy(db(), manager.userId)).map((k) => k.id), [personal.id]);
    await endContract(former, customer);
    assert.deepEqual(await apiKeysManagedBy(db(), manager.userId), []);
    const c = await client(manager.userId);
    assert.equal((await c.post(paths.revokeApiKey(personal.id))).statusCode, 403);
  });

  it('key manager: reaches the people of a customer only while the manager’s contract there is active', async () => {
    const customer = await makeCustomer(db());
    const manager = await person(db(), { customerId: customer });
    await transaction(db(), (tx) => grantKeyManager(tx, manager.userId, { can_update_keys: true }));
    const colleague = await person(db(), { customerId: customer, displayName: `Kollegin ${randomUUID().slice(0, 6)}` });
    const c = await client(manager.userId);
    assert.match((await c.get('/keys/people')).body, new RegExp(colleague.userCode));
    await endContract(manager, customer);
    assert.doesNotMatch((await c.get('/keys/people')).body, new RegExp(colleague.userCode));
    assert.equal((await c.post(`/keys/people/${colleague.userId}/enrolment-link`)).statusCode, 404);
    assert.equal((await db().selectFrom('auth_tokens').select('id').where('user_id', '=', colleague.userId).execute()).length, 0);
  });

  it('an inactive account holds no role of any kind, even on an active contract', async () => {
    const customer = await makeCustomer(db());
    const roles = Object.fromEntries(MANAGER_ROLE_NAMES.map((r) => [r, [...MANAGER_ROLES[r].abilities]]));
    const holder = await person(db(), { customerId: customer, roles });
    await appointApiKeyManager(db(), { ...SYSTEM, targetEmployeeId: holder.employeeId, customerIds: [customer], abilities: ['can_create_api_key'] });
    await transaction(db(), (tx) => grantKeyManager(tx, holder.userId, { can_update_keys: true }));
    const colleague = await person(db(), { customerId: customer });
    const actor = { id: holder.userId, isStaff: false, isSuperuser: false, secondFactorVerified: false };
    assert.ok((await listPeople(db(), actor)).some((p) => p.id === colleague.userId));
    await db().updateTable('users').set({ is_active: false }).where('id', '=', holder.userId).execute();
    for (const role of MANAGER_ROLE_NAMES) assert.equal(await hasRole(db(), holder.userId, customer, role), false, role);
    assert.equal(await apiKeyManagerOf(db(), holder.userId), undefined);
    assert.deepEqual(await listPeople(db(), actor), []);
  });

  it('appointing an API-key manager gives an active contract where there was none, but never revives an ended one', async () => {
    const customer = await makeCustomer(db());
    const newcomer = await transaction(db(), (tx) => createUser(tx, { displayName: 'Neu' }));
    await appointApiKeyManager(db(), { ...SYSTEM, targetUserCode: newcomer.user_code, customerIds: [customer], abilities: ['can_create_api_key'] });
    assert.deepEqual((await apiKeyManagerOf(db(), newcomer.id))?.customerIds, [customer]);
    const ended = await person(db(), { customerId: customer, contractActive: false });
    await appointApiKeyManager(db(), { ...SYSTEM, targetEmployeeId: ended.employeeId, customerIds: [customer], abilities: ['can_create_api_key'] });
    assert.equal(await apiKeyManagerOf(db(), ended.userId), undefined);
    await addEmployeeToCustomer(db(), { ...SYSTEM, userCode: ended.userCode, customerId: customer });
    assert.deepEqual((await apiKeyManagerOf(db(), ended.userId))?.customerIds, [customer], 'reactivating the contract brings the role back');
  });
});
