import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../test/support/harness.js';
import { sha256Hex } from '../core/http/tokens.js';
import { InvalidInput, PermissionDenied } from '../core/errors.js';
import { addEmployeeToCustomer } from '../nadooit_hr/services/contracts.js';
import { roleChanges } from '../nadooit_hr/services/grants.js';
import { makeCustomer, makeUser } from '../nadooit_hr/testing.js';
import type { TestUser } from '../nadooit_hr/testing.js';
import {
  apiKeyManagerOf,
  apiKeyManagersOfCustomer,
  apiKeysManagedBy,
  appointApiKeyManager,
  createApiKey,
  importLegacyApiKey,
  listApiKeys,
  removeApiKeyManagerCustomers,
  revokeAllOwnApiKeys,
  revokeApiKey,
  verifyApiKey,
} from './services/index.js';
import type { ApiKeyManagerAbility } from './services/index.js';
import { LEGACY_EXECUTIONS_ERRORS, parseKeyFromRequest } from '../nadooit_api_executions_system/legacy/api-keys.js';

describeEachBackend('API keys and API-key managers', (h) => {
  const db = () => h().system.context.db.kysely;

  async function manager(abilities: ApiKeyManagerAbility[], customerIds: string[]): Promise<TestUser> {
    const user = await makeUser(db());
    await appointApiKeyManager(db(), { actorUserId: null, asStaff: true, targetUserCode: user.user_code, customerIds, abilities });
    return user;
  }

  it('a new key is shown once, only its SHA-256 is stored, and it verifies with the owner’s code', async () => {
    const customer = await makeCustomer(db());
    const owner = await manager(['can_create_api_key'], [customer]);
    const created = await createApiKey(db(), { actorUserId: owner.id, name: 'Bot 1' });
    assert.match(created.secret, /^nadooit_[a-z2-9]{8}_[A-Za-z0-9_-]{43}$/);
    assert.ok(created.secret.startsWith(`${created.prefix}_`));
    const rows = await db().selectFrom('api_keys').selectAll().where('id', '=', created.id).execute();
    assert.equal(rows[0]!.key_hash, sha256Hex(created.secret));
    assert.ok(!JSON.stringify(rows).includes(created.secret.slice(created.prefix.length + 1)), 'the secret part is nowhere in the row');
    const listed = await listApiKeys(db(), owner.id);
    assert.equal(listed.length, 1);
    assert.ok(!('key_hash' in listed[0]!));
    const ok = await verifyApiKey(db(), created.secret, owner.user_code);
    assert.ok(ok.ok && ok.userId === owner.id && ok.keyId === created.id && ok.user.is_active === true);
    const after = await db().selectFrom('api_keys').select('last_used_at').where('id', '=', created.id).executeTakeFirstOrThrow();
    assert.ok(after.last_used_at);
  });

  it('unknown, revoked and expired keys, a wrong user code and an inactive owner are rejected with distinct reasons', async () => {
    const owner = await manager(['can_create_api_key'], [await makeCustomer(db())]);
    const key = await createApiKey(db(), { actorUserId: owner.id, name: 'k' });
    assert.deepEqual(await verifyApiKey(db(), undefined), { ok: false, reason: 'missing' });
    assert.deepEqual(await verifyApiKey(db(), 42), { ok: false, reason: 'missing' });
    assert.deepEqual(await verifyApiKey(db(), 'invalid api key', owner.user_code), { ok: false, reason: 'unknown' });
    assert.deepEqual(await verifyApiKey(db(), 'x'.repeat(10_000)), { ok: false, reason: 'unknown' });
    assert.deepEqual(await verifyApiKey(db(), key.secret, owner.user_code.toLowerCase()), { ok: false, reason: 'user_code_mismatch' });
    assert.deepEqual(await verifyApiKey(db(), key.secret, null), { ok: false, reason: 'user_code_mismatch' });
    await db().updateTable('users').set({ is_active: false }).where('id', '=', owner.id).execute();
    assert.deepEqual(await verifyApiKey(db(), key.secret, owner.user_code), { ok: false, reason: 'user_inactive' });
    await db().updateTable('users').set({ is_active: true }).where('id', '=', owner.id).execute();
    await db().updateTable('api_keys').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', key.id).execute();
    assert.deepEqual(await verifyApiKey(db(), key.secret, owner.user_code), { ok: false, reason: 'expired' });
    await revokeApiKey(db(), { actorUserId: owner.id, keyId: key.id });
    assert.deepEqual(await verifyApiKey(db(), key.secret, owner.user_code), { ok: false, reason: 'revoked' });
    assert.equal(LEGACY_EXECUTIONS_ERRORS.revoked.error, 'Invalid API Key');
    assert.equal(LEGACY_EXECUTIONS_ERRORS.unknown.status, 403);
  });

  it('a key imported from the original (SHA-256 of a UUID string) is accepted as the plain UUID', async () => {
    const owner = await makeUser(db(), { user_code: 'YFttKo' });
    const legacy = '407de0db-1a05-4dbc-982c-7921318c1020';
    await importLegacyApiKey(db(), { userId: owner.id, legacyHash: sha256Hex(legacy), isActive: true });
    const result = await verifyApiKey(db(), legacy, 'YFttKo');
    assert.ok(result.ok && result.userId === owner.id);
    assert.deepEqual(await verifyApiKey(db(), legacy.toUpperCase(), 'YFttKo'), { ok: false, reason: 'unknown' });
  });

  it('an expiry in the past or an empty name is refused at creation', async () => {
    const owner = await manager(['can_create_api_key'], []);
    await assert.rejects(createApiKey(db(), { actorUserId: owner.id, name: ' ' }), InvalidInput);
    await assert.rejects(createApiKey(db(), { actorUserId: owner.id, name: 'n', expiresAt: '2000-01-01T00:00:00Z' }), InvalidInput);
  });

  it('can_create_api_key: required; a customer must be in the manager’s list; not without the ability', async () => {
    const own = await makeCustomer(db());
    const other = await makeCustomer(db());
    const creator = await manager(['can_create_api_key'], [own]);
    const created = await createApiKey(db(), { actorUserId: creator.id, name: 'for own', customerId: own });
    assert.equal(created.customerId, own);
    await assert.rejects(createApiKey(db(), { actorUserId: creator.id, name: 'for other', customerId: other }), PermissionDenied);
    const noAbility = await manager(['can_delete_api_key', 'can_give_manager_role'], [own]);
    await assert.rejects(createApiKey(db(), { actorUserId: noAbility.id, name: 'x' }), PermissionDenied);
    const nobody = await makeUser(db());
    await assert.rejects(createApiKey(db(), { actorUserId: nobody.id, name: 'x' }), PermissionDenied);
  });

  it('keys for another person only for a listed customer the person is actively employed at', async () => {
    const customer = await makeCustomer(db());
    const creator = await manager(['can_create_api_key'], [customer]);
    const bot = await makeUser(db());
    await assert.rejects(createApiKey(db(), { actorUserId: creator.id, ownerUserId: bot.id, name: 'bot', customerId: customer }), PermissionDenied);
    await addEmployeeToCustomer(db(), { actorUserId: null, asStaff: true, userCode: bot.user_code, customerId: customer });
    await assert.rejects(createApiKey(db(), { actorUserId: creator.id, ownerUserId: bot.id, name: 'bot' }), PermissionDenied);
    const key = await createApiKey(db(), { actorUserId: creator.id, ownerUserId: bot.id, name: 'bot', customerId: customer });
    assert.ok((await verifyApiKey(db(), key.secret, bot.user_code)).ok);
  });

  it('can_delete_api_key: revokes keys of its own customers only; anyone revokes their own keys', async () => {
    const own = await makeCustomer(db());
    const other = await makeCustomer(db());
    const issuer = await manager(['can_create_api_key'], [own, other]);
    const ownKey = await createApiKey(db(), { actorUserId: issuer.id, name: 'a', customerId: own });
    const otherKey = await createApiKey(db(), { actorUserId: issuer.id, name: 'b', customerId: other });
    const deleter = await manager(['can_delete_api_key'], [own]);
    await revokeApiKey(db(), { actorUserId: deleter.id, keyId: ownKey.id });
    await assert.rejects(revokeApiKey(db(), { actorUserId: deleter.id, keyId: otherKey.id }), PermissionDenied);
    const notDeleter = await manager(['can_create_api_key', 'can_give_manager_role'], [own, other]);
    await assert.rejects(revokeApiKey(db(), { actorUserId: notDeleter.id, keyId: otherKey.id }), PermissionDenied);
    assert.deepEqual((await apiKeysManagedBy(db(), deleter.id)).map((k) => k.id), [ownKey.id]);
    // a key without customer is in scope through the owner's (active) employment
    const outsider = await manager(['can_create_api_key'], [other]);
    const personal = await createApiKey(db(), { actorUserId: outsider.id, name: 'personal' });
    await assert.rejects(revokeApiKey(db(), { actorUserId: deleter.id, keyId: personal.id }), PermissionDenied);
    await addEmployeeToCustomer(db(), { actorUserId: null, asStaff: true, userCode: outsider.user_code, customerId: own });
    assert.deepEqual(await revokeApiKey(db(), { actorUserId: deleter.id, keyId: personal.id }), { revoked: true });
    // own key: no ability needed
    assert.deepEqual(await revokeApiKey(db(), { actorUserId: issuer.id, keyId: otherKey.id }), { revoked: true });
  });

  it('revoke all own keys of a customer: only after its name is typed, audited, nobody else’s keys', async () => {
    const name = `Müller & Söhne ${crypto.randomUUID().slice(0, 6)}`;
    const customer = await makeCustomer(db(), name);
    const a = await manager(['can_create_api_key'], [customer]);
    const b = await manager(['can_create_api_key'], [customer]);
    const keys = [await createApiKey(db(), { actorUserId: a.id, name: '1', customerId: customer }), await createApiKey(db(), { actorUserId: a.id, name: '2', customerId: customer })];
    const personal = await createApiKey(db(), { actorUserId: a.id, name: 'personal' });
    const bKey = await createApiKey(db(), { actorUserId: b.id, name: 'b', customerId: customer });
    const audited = () => db().selectFrom('auth_audit_log').select(['event', 'user_id', 'detail']).where('user_id', '=', a.id).where('event', '=', 'api_keys_revoked_all').execute();

    for (const wrong of ['', 'Müller', 'Falscher Kunde']) {
      await assert.rejects(revokeAllOwnApiKeys(db(), { actorUserId: a.id, customerId: customer, confirmation: wrong }), (error: InvalidInput) => {
        assert.ok(error instanceof InvalidInput);
        assert.deepEqual(error.details, { field: 'confirmation' });
        return true;
      });
    }
    assert.equal((await verifyApiKey(db(), keys[0]!.secret)).ok, true, 'nothing revoked on a mismatch');
    assert.equal((await audited()).length, 0, 'nothing audited on a mismatch');

    // Spaces and case as people type them.
    assert.equal(await revokeAllOwnApiKeys(db(), { actorUserId: a.id, customerId: customer, confirmation: `  ${name.toUpperCase()} ` }), 2);
    for (const k of keys) assert.equal((await verifyApiKey(db(), k.secret)).ok, false);
    assert.equal((await verifyApiKey(db(), personal.secret)).ok, true, 'keys without a customer are their own group');
    assert.equal((await verifyApiKey(db(), bKey.secret)).ok, true);
    const [entry] = await audited();
    assert.deepEqual(JSON.parse(String(entry!.detail)), { customer_id: customer, count: 2 });
    await assert.rejects(revokeAllOwnApiKeys(db(), { actorUserId: null, customerId: customer, confirmation: name }), PermissionDenied);
  });

  it('can_give_manager_role: appoints within one’s own customers and abilities, recording the appointee', async () => {
    const own = await makeCustomer(db());
    const other = await makeCustomer(db());
    const boss = await manager(['can_create_api_key', 'can_give_manager_role'], [own]);
    const target = await makeUser(db());
    const result = await appointApiKeyManager(db(), { actorUserId: boss.id, targetUserCode: target.user_code, customerIds: [own], abilities: ['can_create_api_key'] });
    assert.deepEqual(result.granted, ['can_create_api_key']);
    const appointed = await apiKeyManagerOf(db(), target.id);
    assert.deepEqual([appointed?.abilities, appointed?.customerIds], [['can_create_api_key'], [own]]);
    const bossRow = await apiKeyManagerOf(db(), boss.id);
    const appointees = await db().selectFrom('api_key_manager_appointees').selectAll().where('manager_id', '=', bossRow!.id).execute();
    assert.deepEqual(appointees.map((a) => a.employee_id), [result.employeeId]);
    assert.ok((await roleChanges(db(), { customerId: own, targetEmployeeId: result.employeeId })).every((r) => r.role === 'api_key_manager' && r.actorUserId === boss.id));

    await assert.rejects(appointApiKeyManager(db(), { actorUserId: boss.id, targetUserCode: target.user_code, customerIds: [other], abilities: [] }), PermissionDenied);
    await assert.rejects(
      appointApiKeyManager(db(), { actorUserId: boss.id, targetUserCode: target.user_code, customerIds: [own], abilities: ['can_delete_api_key'] }),
      PermissionDenied,
    );
    const noGive = await manager(['can_create_api_key', 'can_delete_api_key'], [own]);
    await assert.rejects(appointApiKeyManager(db(), { actorUserId: noGive.id, targetUserCode: target.user_code, customerIds: [own], abilities: [] }), PermissionDenied);

    await assert.rejects(removeApiKeyManagerCustomers(db(), { actorUserId: noGive.id, targetUserCode: target.user_code, customerIds: [own] }), PermissionDenied);
    assert.deepEqual((await removeApiKeyManagerCustomers(db(), { actorUserId: boss.id, targetUserCode: target.user_code, customerIds: [own] })).removedCustomers, [own]);
    assert.equal(await apiKeyManagerOf(db(), target.id), undefined, 'a role left with no customer holds nowhere');
  });

  it('apiKeyManagersOfCustomer lists the managers whose list holds the customer, with their abilities, by name', async () => {
    const customer = await makeCustomer(db());
    const other = await makeCustomer(db());
    const zora = await makeUser(db(), { display_name: 'Zora' });
    const bea = await makeUser(db(), { display_name: 'Bea' });
    const outsider = await makeUser(db(), { display_name: 'Otto' });
    const appoint = (user: TestUser, customerIds: string[], abilities: ApiKeyManagerAbility[]) =>
      appointApiKeyManager(db(), { actorUserId: null, asStaff: true, targetUserCode: user.user_code, customerIds, abilities });
    await appoint(zora, [customer, other], ['can_create_api_key', 'can_give_manager_role']);
    await appoint(bea, [customer], []);
    await appoint(outsider, [other], ['can_delete_api_key']);
    assert.deepEqual(
      (await apiKeyManagersOfCustomer(db(), customer)).map((m) => [m.displayName, m.userCode, m.abilities, m.contractActive]),
      [
        ['Bea', bea.user_code, [], true],
        ['Zora', zora.user_code, ['can_create_api_key', 'can_give_manager_role'], true],
      ],
    );
  });

  it('parseKeyFromRequest prefers Authorization: Bearer, else the body field', () => {
    assert.deepEqual(parseKeyFromRequest({ headers: { authorization: 'Bearer abc' }, body: { NADOOIT__API_KEY: 'x' } }), { key: 'abc', source: 'bearer' });
    assert.deepEqual(parseKeyFromRequest({ headers: {}, body: { NADOOIT__API_KEY: 'x' } }), { key: 'x', source: 'body' });
    assert.deepEqual(parseKeyFromRequest({ headers: { authorization: 'Basic Zm9v' }, body: {} }), { key: undefined, source: null });
    assert.deepEqual(parseKeyFromRequest({ headers: {}, body: { NADOOIT__API_KEY: 5 } }), { key: 5, source: 'body' });
    assert.equal(parseKeyFromRequest({ headers: {}, body: undefined }).key, undefined);
  });
});
