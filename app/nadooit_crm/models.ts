import { registerBooleanColumns } from '../core/db/dialects/columns.js';

export interface AddressesTable {
  id: string;
  street: string | null;
  house_number: string | null;
  town: string | null;
  postal_code: string | null;
  created_at: string;
  updated_at: string;
}

/** Shipping and billing addresses have the same shape: an address plus who it is addressed to. */
export interface AddressedToTable {
  id: string;
  address_id: string | null;
  addressed_to: string | null;
  created_at: string;
  updated_at: string;
}

export interface CustomersTable {
  id: string;
  name: string;
  shipping_address_id: string | null;
  billing_address_id: string | null;
  contact_email: string | null;
  contact_phone: string | null;
  /** IANA zone used for calendar boundaries (today, this month…) on the dashboard. */
  time_zone: string;
  is_active: boolean;
  created_at: string;
  updated_at: string;
}

declare module '../core/db/schema.js' {
  interface Database {
    crm_addresses: AddressesTable;
    crm_shipping_addresses: AddressedToTable;
    crm_billing_addresses: AddressedToTable;
    crm_customers: CustomersTable;
  }
}

registerBooleanColumns('is_active');
