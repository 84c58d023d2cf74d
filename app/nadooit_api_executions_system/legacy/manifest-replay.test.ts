import { it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describeEachBackend } from '../../../test/support/harness.js';
import type { DB } from '../../core/db/connection.js';
import { createUser } from '../../nadooit_auth/services/users.js';
import { importLegacyApiKey } from '../../nadooit_api_key/services/index.js';
import { createCustomer } from '../../nadooit_crm/services.js';
import { ensureContract, getOrCreateEmployee } from '../../nadooit_hr/services/index.js';
import { createProgram } from '../../nadooit_program/services.js';
import { createTimeAccount } from '../../nadooit_time_account/ledger.js';
import { parseDecimal } from '../money.js';
import manifest from './legacy-manifest.json' with { type: 'json' };

type LegacyKey = (typeof manifest.api_keys)[number];

/**
 * Rebuilds the keys, people, contracts and customer programs of the original installation's fixture
 * (legacy-core fixture manifest) and replays the API answers the original recorded for each key.
 */
async function legacyInstallation(db: DB): Promise<void> {
  const customers = new Map<string, string>();
  const customerId = async (name: string) => {
    if (!customers.has(name)) customers.set(name, (await createCustomer(db, { name })).id);
    return customers.get(name)!;
  };
  for (const [id, cp] of Object.entries(manifest.customer_programs)) {
    const program = await createProgram(db, { name: cp.program, description: '' });
    const account = cp.time_account_balance === null ? null : await createTimeAccount(db, { name: null, openingBalanceSeconds: cp.time_account_balance });
    const now = new Date().toISOString();
    await db
      .insertInto('pos_customer_programs')
      .values({
        id,
        program_id: program.id,
        customer_id: await customerId(cp.customer),
        time_account_id: account?.id ?? null,
        program_time_saved_per_execution_in_seconds: cp.default_seconds,
        pricing_mode: cp.fixed_price_per_second ? 'fixed' : 'tiered',
        price_per_second: parseDecimal(cp.price_per_second)!,
        currency: 'EUR',
        over_charge: false,
        is_active: cp.is_active,
        created_at: now,
        updated_at: now,
      })
      .execute();
  }
  const users = new Map<string, string>();
  for (const key of manifest.api_keys) {
    if (!users.has(key.owner_user_code)) {
      const user = await createUser(db, { displayName: key.owner_user_code, userCode: key.owner_user_code, isActive: key.owner_is_active });
      users.set(key.owner_user_code, user.id);
    }
    const userId = users.get(key.owner_user_code)!;
    const employee = await getOrCreateEmployee(db, userId);
    const { contract } = await ensureContract(db, employee.id, await customerId(key.customer_program_customer));
    if (!key.owner_has_active_contract_with_customer) {
      await db.updateTable('hr_employee_contracts').set({ is_active: false }).where('id', '=', contract.id).execute();
    }
    if (/^[0-9a-f]{64}$/.test(key.stored_api_key)) {
      await importLegacyApiKey(db, { userId, legacyHash: key.stored_api_key, isActive: key.key_is_active });
    } else {
      // The original's dashboard bug stored this key in plain text; imported as it is, it can never match.
      const now = new Date().toISOString();
      await db
        .insertInto('api_keys')
        .values({ id: randomUUID(), user_id: userId, key_hash: key.stored_api_key, prefix: null, name: 'Importiert', is_active: true, expires_at: null, last_used_at: null, revoked_at: null, customer_id: null, created_at: now, updated_at: now })
        .execute();
    }
  }
}

/** Where the rebuild answers differently on purpose. */
function expected(key: LegacyKey): { status: number; body: Record<string, string> } {
  if (!key.customer_program_is_active && key.api_response_at_reference_now.status === 200) {
    // Fix D3: the original booked on a deactivated program.
    return { status: 400, body: { error: 'Das Programm ist deaktiviert; es nimmt keine Buchungen an.' } };
  }
  return { status: key.api_response_at_reference_now.status, body: Object.fromEntries(Object.entries(key.api_response_at_reference_now.body).filter(([, v]) => v !== undefined)) as Record<string, string> };
}

describeEachBackend('replay of the original installation\'s recorded API answers (fixture manifest)', (h) => {
  it('every key of the legacy fixture gets the answer the original gave (fixes noted)', async () => {
    const db = h().system.context.db.kysely;
    await legacyInstallation(db);
    const app = await h().app();
    for (const key of manifest.api_keys) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/executions',
        payload: new URLSearchParams({ NADOOIT__API_KEY: key.plain_key, NADOOIT__USER_CODE: key.owner_user_code, program_id: key.customer_program_id_dashed }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      const want = expected(key);
      assert.equal(res.statusCode, want.status, `${key.note}: ${res.body}`);
      const body = res.json() as Record<string, unknown>;
      for (const [field, value] of Object.entries(want.body)) assert.equal(body[field], value, key.note);
    }
  });
});

// The manifest fixes ids and user codes, so a test that builds the installation again needs a database of its own.
describeEachBackend('the original installation\'s program without a time account', (h) => {
  it('a program without a time account books instead of failing (the original answered 400, fix D3)', async () => {
    const db = h().system.context.db.kysely;
    await legacyInstallation(db);
    const app = await h().app();
    const [id] = Object.entries(manifest.customer_programs).find(([, cp]) => cp.time_account_balance === null)!;
    const customer = await db.selectFrom('pos_customer_programs').select('customer_id').where('id', '=', id).executeTakeFirstOrThrow();
    const admin = manifest.api_keys[0]!;
    const user = await db.selectFrom('users').select('id').where('user_code', '=', admin.owner_user_code).executeTakeFirstOrThrow();
    await ensureContract(db, (await getOrCreateEmployee(db, user.id)).id, customer.customer_id!);
    const res = await app.inject({
      method: 'POST',
      url: '/api/executions',
      payload: new URLSearchParams({ NADOOIT__API_KEY: admin.plain_key, NADOOIT__USER_CODE: admin.owner_user_code, program_id: id }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(res.statusCode, 200);
    assert.deepEqual([res.json().covered_seconds, res.json().price], [0, '2.400000']);
  });
});
