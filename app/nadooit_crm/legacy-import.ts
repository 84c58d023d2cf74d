import { legacyOptionalText, legacyOptionalUuid, legacyText, legacyUuid, timestampsOf } from '../core/legacy/values.js';
import { requireKnown, tableImport } from '../core/legacy/step.js';
import type { LegacyAppImport, LegacyImportContext } from '../core/legacy/step.js';
import type { LegacyRow } from '../core/legacy/source.js';

const DEFAULT_TIME_ZONE = 'Europe/Berlin';

/** The original's "adress" rows carried no timestamps; they get the customer's or the import's time. */
function addressedTo(legacyTable: string, target: 'crm_billing_addresses' | 'crm_shipping_addresses') {
  return tableImport({
    legacyTable,
    target,
    map(row: LegacyRow, context: LegacyImportContext) {
      const addressId = legacyOptionalUuid(row.adress_id, 'adress_id');
      requireKnown(context, 'crm_addresses', addressId, 'address');
      return {
        id: legacyUuid(row.id),
        address_id: addressId,
        addressed_to: legacyOptionalText(row.addressed_to, 'addressed_to'),
        created_at: context.now,
        updated_at: context.now,
      };
    },
    insertOnly: ['created_at', 'updated_at'],
  });
}

/** Addresses and customers (time zone Europe/Berlin, active; the original had neither field). */
export const crmLegacyImport: LegacyAppImport = {
  app: 'nadooit_crm',
  steps: [
    tableImport({
      legacyTable: 'nadooit_crm_address',
      target: 'crm_addresses',
      map: (row) => ({
        id: legacyUuid(row.id),
        street: legacyOptionalText(row.street, 'street'),
        house_number: legacyOptionalText(row.house_number, 'house_number'),
        town: legacyOptionalText(row.town, 'town'),
        postal_code: legacyOptionalText(row.postal_code, 'postal_code'),
        ...timestampsOf(row),
      }),
    }),
    addressedTo('nadooit_crm_billingadress', 'crm_billing_addresses'),
    addressedTo('nadooit_crm_shippingadress', 'crm_shipping_addresses'),
    tableImport({
      legacyTable: 'nadooit_crm_customer',
      target: 'crm_customers',
      map(row, context) {
        const billing = legacyOptionalUuid(row.billing_address_id, 'billing_address_id');
        const shipping = legacyOptionalUuid(row.shipping_address_id, 'shipping_address_id');
        requireKnown(context, 'crm_billing_addresses', billing, 'billing address');
        requireKnown(context, 'crm_shipping_addresses', shipping, 'shipping address');
        return {
          id: legacyUuid(row.id),
          name: legacyText(row.name, 'name'),
          billing_address_id: billing,
          shipping_address_id: shipping,
          time_zone: DEFAULT_TIME_ZONE,
          is_active: true,
          ...timestampsOf(row),
        };
      },
      // Settings made here after the first import (time zone, contact, active flag) are kept.
      insertOnly: ['time_zone', 'is_active'],
    }),
  ],
};
