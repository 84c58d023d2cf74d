import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { transaction } from '../core/db/transaction.js';
import type { Tx } from '../core/db/transaction.js';
import { isValidTimeZone } from '../core/time/periods.js';
import { isUuid } from '../core/ids.js';
import type { AddressesTable, CustomersTable } from './models.js';
import './models.js';

/**
 * Customers (tenants) and their addresses. These are staff operations (admin, commands): they take no
 * actor — callers authorize. Customer-side rights live in nadooit_hr (roles), which builds on this app.
 */

export type Customer = Selectable<CustomersTable>;
export type Address = Selectable<AddressesTable>;

export interface AddressInput {
  street?: string | null;
  houseNumber?: string | null;
  town?: string | null;
  postalCode?: string | null;
  addressedTo?: string | null;
}

export interface CustomerInput {
  name: string;
  contactEmail?: string | null;
  contactPhone?: string | null;
  timeZone?: string;
  isActive?: boolean;
  shippingAddress?: AddressInput | null;
  billingAddress?: AddressInput | null;
}

export interface AddressView {
  addressedTo: string | null;
  street: string | null;
  houseNumber: string | null;
  town: string | null;
  postalCode: string | null;
}

export interface CustomerDetails extends Customer {
  shippingAddress: AddressView | null;
  billingAddress: AddressView | null;
}

export const DEFAULT_TIME_ZONE = 'Europe/Berlin';
export { isValidTimeZone };

const blank = (v: string | null | undefined) => (v ?? '').trim();
const orNull = (v: string | null | undefined) => blank(v) || null;

/** "Street 12, 12345 Town" with missing parts left out (the original crashed on nulls). */
export function addressLabel(address: Partial<AddressView> | null | undefined): string {
  if (!address) return '';
  const streetLine = [blank(address.street), blank(address.houseNumber)].filter(Boolean).join(' ');
  const townLine = [blank(address.postalCode), blank(address.town)].filter(Boolean).join(' ');
  return [blank(address.addressedTo), streetLine, townLine].filter(Boolean).join(', ');
}

/** A customer's display name; never empty. */
export function customerLabel(customer: Pick<Customer, 'name' | 'id'> | null | undefined): string {
  if (!customer) return '—';
  return blank(customer.name) || customer.id;
}

function validate(input: Partial<CustomerInput>): void {
  if (input.name !== undefined && !blank(input.name)) throw new Error('customer name must not be empty');
  if (input.timeZone !== undefined && !isValidTimeZone(input.timeZone)) throw new Error(`unknown time zone ${input.timeZone}`);
}

async function insertAddressedTo(tx: Tx, table: 'crm_shipping_addresses' | 'crm_billing_addresses', input: AddressInput): Promise<string> {
  const now = new Date().toISOString();
  const addressId = randomUUID();
  await tx
    .insertInto('crm_addresses')
    .values({
      id: addressId,
      street: orNull(input.street),
      house_number: orNull(input.houseNumber),
      town: orNull(input.town),
      postal_code: orNull(input.postalCode),
      created_at: now,
      updated_at: now,
    })
    .execute();
  const id = randomUUID();
  await tx.insertInto(table).values({ id, address_id: addressId, addressed_to: orNull(input.addressedTo), created_at: now, updated_at: now }).execute();
  return id;
}

/** Creates a customer with optional shipping and billing address, in one transaction. */
export async function createCustomer(db: Tx, input: CustomerInput): Promise<Customer> {
  validate(input);
  return transaction(db, async (tx) => {
    const now = new Date().toISOString();
    const customer: Customer = {
      id: randomUUID(),
      name: blank(input.name),
      shipping_address_id: input.shippingAddress ? await insertAddressedTo(tx, 'crm_shipping_addresses', input.shippingAddress) : null,
      billing_address_id: input.billingAddress ? await insertAddressedTo(tx, 'crm_billing_addresses', input.billingAddress) : null,
      contact_email: orNull(input.contactEmail),
      contact_phone: orNull(input.contactPhone),
      time_zone: input.timeZone ?? DEFAULT_TIME_ZONE,
      is_active: input.isActive ?? true,
      created_at: now,
      updated_at: now,
    };
    await tx.insertInto('crm_customers').values(customer).execute();
    return customer;
  });
}

/** Updates the given fields; an address given replaces the old one, `null` removes it. */
export async function updateCustomer(db: Tx, id: string, patch: Partial<CustomerInput>): Promise<Customer | undefined> {
  validate(patch);
  return transaction(db, async (tx) => {
    const existing = await getCustomer(tx, id);
    if (!existing) return undefined;
    const changes: Partial<Customer> = { updated_at: new Date().toISOString() };
    if (patch.name !== undefined) changes.name = blank(patch.name);
    if (patch.contactEmail !== undefined) changes.contact_email = orNull(patch.contactEmail);
    if (patch.contactPhone !== undefined) changes.contact_phone = orNull(patch.contactPhone);
    if (patch.timeZone !== undefined) changes.time_zone = patch.timeZone;
    if (patch.isActive !== undefined) changes.is_active = patch.isActive;
    if (patch.shippingAddress !== undefined) {
      changes.shipping_address_id = patch.shippingAddress ? await insertAddressedTo(tx, 'crm_shipping_addresses', patch.shippingAddress) : null;
    }
    if (patch.billingAddress !== undefined) {
      changes.billing_address_id = patch.billingAddress ? await insertAddressedTo(tx, 'crm_billing_addresses', patch.billingAddress) : null;
    }
    await tx.updateTable('crm_customers').set(changes).where('id', '=', id).execute();
    return { ...existing, ...changes };
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A customer by id (undefined for unknown or malformed ids). */
export async function customerExists(db: Tx, customerId: string): Promise<boolean> {
  if (!isUuid(customerId)) return false;
  return (await db.selectFrom('crm_customers').select('id').where('id', '=', customerId).executeTakeFirst()) !== undefined;
}

export async function getCustomer(db: Tx, id: string): Promise<Customer | undefined> {
  if (!UUID.test(id)) return undefined;
  return db.selectFrom('crm_customers').selectAll().where('id', '=', id).executeTakeFirst();
}

async function addressView(db: Tx, table: 'crm_shipping_addresses' | 'crm_billing_addresses', id: string | null): Promise<AddressView | null> {
  if (!id) return null;
  const row = await db
    .selectFrom(`${table} as s` as 'crm_shipping_addresses as s')
    .leftJoin('crm_addresses as a', 'a.id', 's.address_id')
    .where('s.id', '=', id)
    .select(['s.addressed_to as addressedTo', 'a.street', 'a.house_number as houseNumber', 'a.town', 'a.postal_code as postalCode'])
    .executeTakeFirst();
  return row ?? null;
}

/** A customer with both addresses resolved. */
export async function getCustomerDetails(db: Tx, id: string): Promise<CustomerDetails | undefined> {
  const customer = await getCustomer(db, id);
  if (!customer) return undefined;
  return {
    ...customer,
    shippingAddress: await addressView(db, 'crm_shipping_addresses', customer.shipping_address_id),
    billingAddress: await addressView(db, 'crm_billing_addresses', customer.billing_address_id),
  };
}

/** Customers by name; optionally only `ids`, only active ones, or names containing `search` (case-insensitive). */
export async function listCustomers(db: Tx, filter: { ids?: string[]; activeOnly?: boolean; search?: string; limit?: number } = {}): Promise<Customer[]> {
  if (filter.ids && filter.ids.length === 0) return [];
  let query = db.selectFrom('crm_customers').selectAll().orderBy('name').orderBy('id').limit(filter.limit ?? 1000);
  if (filter.ids) query = query.where('id', 'in', filter.ids);
  if (filter.activeOnly) query = query.where('is_active', '=', true);
  if (filter.search?.trim()) query = query.where((eb) => eb(eb.fn('lower', ['name']), 'like', `%${filter.search!.trim().toLowerCase().replace(/[%_\\]/g, '')}%`));
  return query.execute();
}
