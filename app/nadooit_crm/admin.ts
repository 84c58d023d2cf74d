import { createdAt, flag, relation, updatedAt } from '../core/admin/fields.js';
import { updateRow } from '../core/admin/records.js';
import type { AdminResource, Row } from '../core/admin/types.js';
import { addressLabel, createCustomer, DEFAULT_TIME_ZONE, isValidTimeZone, updateCustomer } from './services.js';
import type { CustomerInput } from './services.js';
import './models.js';

const appLabel = { de: 'Kunden', en: 'Customers' };
const text = (v: unknown) => (typeof v === 'string' ? v : null);

const addressFields = [
  { name: 'street', label: { de: 'Straße', en: 'Street' }, type: 'text', maxLength: 255 },
  { name: 'house_number', label: { de: 'Hausnummer', en: 'House number' }, type: 'text', maxLength: 255 },
  { name: 'postal_code', label: { de: 'Postleitzahl', en: 'Postal code' }, type: 'text', maxLength: 255 },
  { name: 'town', label: { de: 'Ort', en: 'Town' }, type: 'text', maxLength: 255 },
] as const;

export const addressesResource: AdminResource = {
  app: 'nadooit_crm',
  appLabel,
  name: 'addresses',
  table: 'crm_addresses',
  label: { de: 'Adresse', en: 'Address' },
  labelPlural: { de: 'Adressen', en: 'Addresses' },
  title: {
    columns: ['street', 'house_number', 'postal_code', 'town'],
    format: (row) => addressLabel({ street: text(row.street), houseNumber: text(row.house_number), postalCode: text(row.postal_code), town: text(row.town) }),
  },
  fields: [...addressFields.map((f) => ({ ...f })), createdAt()],
  list: {
    columns: ['street', 'house_number', 'postal_code', 'town'],
    search: ['street', 'town', { field: 'postal_code', mode: 'exact' }],
    ordering: { field: 'created_at', direction: 'desc' },
  },
};

function addressedTo(name: 'shipping_addresses' | 'billing_addresses', label: AdminResource['label'], labelPlural: AdminResource['label']): AdminResource {
  return {
    app: 'nadooit_crm',
    appLabel,
    name,
    table: `crm_${name}`,
    label,
    labelPlural,
    title: { columns: ['addressed_to'], format: (row) => String(row.addressed_to ?? '') },
    fields: [
      { name: 'addressed_to', label: { de: 'Empfänger', en: 'Addressed to' }, type: 'text', maxLength: 255 },
      relation('address_id', { de: 'Adresse', en: 'Address' }, 'nadooit_crm.addresses', 'set null'),
      createdAt(),
    ],
    list: {
      columns: ['addressed_to', 'address_id'],
      search: ['addressed_to', 'address_id'],
      ordering: { field: 'created_at', direction: 'desc' },
    },
  };
}

export const shippingAddressesResource = addressedTo('shipping_addresses', { de: 'Lieferadresse', en: 'Shipping address' }, { de: 'Lieferadressen', en: 'Shipping addresses' });
export const billingAddressesResource = addressedTo('billing_addresses', { de: 'Rechnungsadresse', en: 'Billing address' }, { de: 'Rechnungsadressen', en: 'Billing addresses' });

/** The customer form's values as the service's input. */
export function customerInput(values: Row): CustomerInput {
  return {
    name: String(values.name ?? ''),
    contactEmail: text(values.contact_email),
    contactPhone: text(values.contact_phone),
    timeZone: text(values.time_zone) ?? DEFAULT_TIME_ZONE,
    isActive: values.is_active === true,
  };
}

/** The address links are plain references (the addresses are edited as their own rows). */
export const addressLinks = (values: Row): Row => ({ shipping_address_id: values.shipping_address_id ?? null, billing_address_id: values.billing_address_id ?? null });

export const customersResource: AdminResource = {
  app: 'nadooit_crm',
  appLabel,
  name: 'customers',
  table: 'crm_customers',
  label: { de: 'Kunde', en: 'Customer' },
  labelPlural: { de: 'Kunden', en: 'Customers' },
  title: { columns: ['name'] },
  fields: [
    { name: 'name', label: { de: 'Name', en: 'Name' }, type: 'text', required: true, maxLength: 255 },
    { name: 'contact_email', label: { de: 'Kontakt-E-Mail', en: 'Contact e-mail' }, type: 'email', maxLength: 254 },
    { name: 'contact_phone', label: { de: 'Kontakttelefon', en: 'Contact phone' }, type: 'text', maxLength: 64 },
    {
      name: 'time_zone',
      label: { de: 'Zeitzone', en: 'Time zone' },
      type: 'text',
      required: true,
      initial: DEFAULT_TIME_ZONE,
      help: { de: 'Für „heute“, „dieser Monat“ usw. im NADOOIT OS, z. B. Europe/Berlin.', en: 'For "today", "this month" etc. in NADOOIT OS, e.g. Europe/Berlin.' },
      refine: (schema) => schema.refine((v) => v === null || isValidTimeZone(String(v)), { message: 'Unbekannte Zeitzone / unknown time zone' }),
    },
    flag('is_active', { de: 'Aktiv', en: 'Active' }, { initial: true }),
    relation('shipping_address_id', { de: 'Lieferadresse', en: 'Shipping address' }, 'nadooit_crm.shipping_addresses', 'set null'),
    relation('billing_address_id', { de: 'Rechnungsadresse', en: 'Billing address' }, 'nadooit_crm.billing_addresses', 'set null'),
    createdAt(),
    updatedAt(),
  ],
  list: {
    columns: ['name', 'contact_email', 'is_active', 'created_at'],
    optionalColumns: ['contact_phone', 'time_zone', 'shipping_address_id', 'billing_address_id', 'updated_at'],
    search: ['name', 'contact_email', { field: 'id', mode: 'exact' }],
    filters: ['is_active', 'created_at'],
    ordering: { field: 'name', direction: 'asc' },
    sortable: ['created_at'],
  },
  // Rows of apps that build on this one, named by key (left out when such an app is not installed).
  inlines: [
    { resource: 'nadooit_hr.contracts', field: 'customer_id' },
    { resource: 'nadooit_program_ownership_system.customer_programs', field: 'customer_id' },
    { resource: 'nadooit_time_account.customer_time_accounts', field: 'customer_id' },
    { resource: 'nadoo_complaint_management.complaints', field: 'customer_id', limit: 5 },
  ],
  hooks: {
    async create(ctx, values) {
      const customer = await createCustomer(ctx.tx, customerInput(values));
      await updateRow(ctx.tx, customersResource, customer.id, addressLinks(values));
      return customer.id;
    },
    async update(ctx, id, values) {
      await updateCustomer(ctx.tx, id, customerInput(values));
      await updateRow(ctx.tx, customersResource, id, addressLinks(values));
    },
  },
};

export const crmResources: AdminResource[] = [customersResource, addressesResource, shippingAddressesResource, billingAddressesResource];
