import assert from 'node:assert/strict';
import { it } from 'node:test';
import { describeEachBackend } from '../../../test/support/harness.js';
import { deletionImpact } from './relations.js';
import { AdminSite } from './site.js';
import type { AdminResource } from './types.js';

const label = { de: 'x', en: 'x' };
const customers: AdminResource = {
  app: 't',
  appLabel: label,
  name: 'customers',
  table: 'crm_customers',
  label,
  labelPlural: { de: 'Kunden', en: 'Customers' },
  title: { columns: ['name'] },
  fields: [{ name: 'name', label, type: 'text' }],
  list: { columns: ['name'], search: ['name'], ordering: { field: 'name', direction: 'asc' } },
};
const labels = (onDelete: 'restrict' | 'cascade' | 'none'): AdminResource => ({
  app: 't',
  appLabel: label,
  name: 'labels',
  table: 'ta_customer_time_accounts',
  label,
  labelPlural: { de: 'Kundenzeitkonten', en: 'Customer time accounts' },
  title: { columns: ['name'] },
  fields: [
    { name: 'name', label, type: 'text' },
    { name: 'customer_id', label, type: 'relation', relation: { resource: 't.customers', onDelete } },
  ],
  list: { columns: ['customer_id'], ordering: { field: 'name', direction: 'asc' } },
});

describeEachBackend('admin delete impact', (h) => {
  it('is blocked by a restricting relation, lists cascades, and ignores plain ids without a foreign key', async () => {
    const db = h().system.context.db.kysely;
    const customer = { id: crypto.randomUUID() };
    await db.insertInto('crm_customers').values({ id: customer.id, name: 'Blocker GmbH', shipping_address_id: null, billing_address_id: null, contact_email: null, contact_phone: null, time_zone: 'UTC', is_active: true, created_at: '2025-01-01T00:00:00.000Z', updated_at: '2025-01-01T00:00:00.000Z' }).execute();
    const account = await db.insertInto('ta_time_accounts').values({ id: crypto.randomUUID(), name: 'A', balance_seconds: 0, is_active: true, low_balance_threshold_seconds: null, created_at: '2025-01-01T00:00:00.000Z', updated_at: '2025-01-01T00:00:00.000Z' }).returning('id').executeTakeFirstOrThrow();
    await db.insertInto('ta_customer_time_accounts').values({ id: crypto.randomUUID(), customer_id: customer.id, time_account_id: account.id, name: 'Hauptkonto', created_at: '2025-01-01T00:00:00.000Z', updated_at: '2025-01-01T00:00:00.000Z' }).execute();
    const blocked = await deletionImpact(db, new AdminSite([customers, labels('restrict')]), customers, [customer.id], 'de');
    assert.equal(blocked.blocked, true);
    assert.equal(blocked.impacts[0]!.count, 1);
    assert.deepEqual(blocked.impacts[0]!.samples.map((s) => s.title), ['Hauptkonto']);
    const cascade = await deletionImpact(db, new AdminSite([customers, labels('cascade')]), customers, [customer.id], 'de');
    assert.equal(cascade.blocked, false);
    assert.equal(cascade.impacts[0]!.onDelete, 'cascade');
    const none = await deletionImpact(db, new AdminSite([customers, labels('none')]), customers, [customer.id], 'de');
    assert.deepEqual(none, { impacts: [], blocked: false });
  });
});
