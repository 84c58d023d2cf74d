import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../../test/support/harness.js';
import type { CommandIO } from '../../core/cli/registry.js';
import { verifyApiKey } from '../../nadooit_api_key/services/index.js';
import { holdsRoleAnywhere } from '../../nadooit_hr/permissions.js';
import { verifyLedger } from '../../nadooit_time_account/ledger.js';
import { demoCommand } from './demo.js';
import { seedDemo } from './demo-data.js';

function captureIO(): CommandIO & { lines: string[] } {
  const lines: string[] = [];
  return { lines, interactive: false, out: (l) => lines.push(l), err: (l) => lines.push(l), prompt: async () => '' };
}

describeEachBackend('manage demo', (h) => {
  const context = () => h().system.context;
  const db = () => context().db.kysely;

  it('creates a consistent, populated demo and prints the key once; a second run changes nothing', async () => {
    const io = captureIO();
    await demoCommand.run({ values: { json: true }, positionals: [] }, context(), io);
    const first = JSON.parse(io.lines.join('\n'));
    assert.equal(first.created, true);
    assert.ok(first.executions >= 300, `bookings: ${first.executions}`);
    assert.match(first.apiKey, /^nadooit_/);
    assert.match(first.manager.enrolmentPath, /^\/auth\/enrol\//);
    assert.equal((await verifyApiKey(db(), first.apiKey, first.bot.userCode)).ok, true);
    assert.equal(await holdsRoleAnywhere(db(), first.manager.userId, 'customer_program_execution_manager', 'can_give_manager_role'), true);
    assert.deepEqual(await verifyLedger(db()), []);

    const rows = await db().selectFrom('ex_executions').select(['payment_status', 'covered_seconds', 'billable_seconds', 'created_at']).where('customer_id', '=', first.customerId).execute();
    const statuses = new Set(rows.map((r) => r.payment_status));
    assert.ok(statuses.has('PAID') && statuses.has('NOT_PAID'), [...statuses].join());
    assert.ok(rows.some((r) => r.billable_seconds > 0) && rows.some((r) => r.covered_seconds > 0));
    const oldest = rows.map((r) => r.created_at).sort()[0]!;
    assert.ok(Date.now() - Date.parse(oldest) > 60 * 86_400_000, 'bookings go back months');

    const again = await seedDemo(context());
    assert.equal(again.created, false);
    assert.equal(again.customerId, first.customerId);
    assert.equal(again.executions, first.executions);
    assert.equal(again.apiKey, null);
    assert.equal(again.apiKeyId, first.apiKeyId);
    assert.deepEqual(again.customerProgramIds, first.customerProgramIds);
    const customers = await db().selectFrom('crm_customers').select('id').where('name', '=', 'NADOOIT Demo GmbH').execute();
    assert.equal(customers.length, 1);
  });

  it('--new-key replaces the key: the old one stops working', async () => {
    const before = await seedDemo(context());
    const io = captureIO();
    await demoCommand.run({ values: { 'new-key': true }, positionals: [] }, context(), io);
    const line = io.lines.find((l) => l.startsWith('API-Schlüssel'))!;
    const secret = /(nadooit_\S+)/.exec(line)![1]!;
    assert.equal((await verifyApiKey(db(), secret, before.bot.userCode)).ok, true);
    const keys = await db().selectFrom('api_keys').select(['id', 'is_active']).where('user_id', '=', before.bot.userId).execute();
    assert.equal(keys.filter((k) => k.is_active).length, 1);
  });
});
