import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../test/support/harness.js';
import { addressLabel, createCustomer, customerLabel, getCustomer, getCustomerDetails, listCustomers, updateCustomer } from './services.js';

describeEachBackend('crm customers', (h) => {
  const db = () => h().system.context.db.kysely;

  it('creates a customer with addresses in one go and reads them back', async () => {
    const customer = await createCustomer(db(), {
      name: ' Müller GmbH ',
      contactEmail: 'info@mueller.example',
      shippingAddress: { addressedTo: 'Lager', street: 'Hafenstr.', houseNumber: '5', postalCode: '20457', town: 'Hamburg' },
      billingAddress: { street: null, town: 'Hamburg' },
    });
    assert.equal(customer.name, 'Müller GmbH');
    assert.equal(customer.time_zone, 'Europe/Berlin');
    const details = await getCustomerDetails(db(), customer.id);
    assert.equal(addressLabel(details!.shippingAddress), 'Lager, Hafenstr. 5, 20457 Hamburg');
    assert.equal(addressLabel(details!.billingAddress), 'Hamburg');
    assert.equal(details!.is_active, true);
  });

  it('display names never crash on missing parts (the original’s D16)', () => {
    assert.equal(addressLabel(null), '');
    assert.equal(addressLabel({ street: null, houseNumber: null, town: null, postalCode: null, addressedTo: null }), '');
    assert.equal(addressLabel({ houseNumber: '7' }), '7');
    assert.equal(customerLabel({ id: 'id-1', name: '  ' }), 'id-1');
    assert.equal(customerLabel(null), '—');
  });

  it('updates fields, replaces and removes addresses; refuses empty names and unknown time zones', async () => {
    const customer = await createCustomer(db(), { name: 'Alt', billingAddress: { town: 'Köln' } });
    const updated = await updateCustomer(db(), customer.id, { name: 'Neu', isActive: false, billingAddress: null, shippingAddress: { town: 'Bonn' } });
    assert.equal(updated?.name, 'Neu');
    const details = await getCustomerDetails(db(), customer.id);
    assert.deepEqual([details!.is_active, details!.billingAddress, addressLabel(details!.shippingAddress)], [false, null, 'Bonn']);
    await assert.rejects(createCustomer(db(), { name: '' }));
    await assert.rejects(createCustomer(db(), { name: 'X', timeZone: 'Mars/Olympus' }));
    assert.equal(await updateCustomer(db(), '00000000-0000-4000-8000-000000000000', { name: 'n' }), undefined);
    assert.equal(await getCustomer(db(), 'not-a-uuid'), undefined);
  });

  it('lists by name, filtered by ids, activity and a search text', async () => {
    const a = await createCustomer(db(), { name: 'Zeta Search AG' });
    const b = await createCustomer(db(), { name: 'Alpha search KG', isActive: false });
    const names = (await listCustomers(db(), { search: 'SEARCH' })).map((c) => c.name);
    assert.deepEqual(names, ['Alpha search KG', 'Zeta Search AG']);
    assert.deepEqual((await listCustomers(db(), { ids: [a.id, b.id], activeOnly: true })).map((c) => c.id), [a.id]);
    assert.deepEqual(await listCustomers(db(), { ids: [] }), []);
  });
});
