import { legacyBool, legacyInteger, legacyMicros, legacyOptionalUuid, legacyText, legacyUuid, timestampsOf } from '../core/legacy/values.js';
import { requireKnown, tableImport } from '../core/legacy/step.js';
import type { LegacyAppImport, LegacyImportContext } from '../core/legacy/step.js';
import type { PricingMode } from './models.js';

export interface ImportedCustomerProgram {
  customer_id: string | null;
  program_id: string | null;
  time_account_id: string | null;
  pricing_mode: PricingMode;
}

/** Customer programs as imported (by id), for the bookings that copy their customer, program and account. */
export function importedCustomerPrograms(context: LegacyImportContext): Map<string, ImportedCustomerProgram> {
  let map = context.shared.get('pos.customerPrograms') as Map<string, ImportedCustomerProgram> | undefined;
  if (!map) context.shared.set('pos.customerPrograms', (map = new Map()));
  return map;
}

/**
 * Customer programs keep their UUIDs (bots send them as `program_id`) and their prices exactly; the
 * original's `fixed_price_per_second = false` is the tiered (dynamic) pricing.
 */
export const programOwnershipLegacyImport: LegacyAppImport = {
  app: 'nadooit_program_ownership_system',
  steps: [
    tableImport({
      legacyTable: 'nadooit_program_ownership_system_customerprogram',
      target: 'pos_customer_programs',
      map(row, context) {
        const refs = {
          program_id: legacyOptionalUuid(row.program_id, 'program_id'),
          customer_id: legacyOptionalUuid(row.customer_id, 'customer_id'),
          time_account_id: legacyOptionalUuid(row.time_account_id, 'time_account_id'),
        };
        requireKnown(context, 'program_programs', refs.program_id, 'program');
        requireKnown(context, 'crm_customers', refs.customer_id, 'customer');
        requireKnown(context, 'ta_time_accounts', refs.time_account_id, 'time account');
        const id = legacyUuid(row.id);
        const pricingMode: PricingMode = legacyBool(row.fixed_price_per_second, 'fixed_price_per_second') ? 'fixed' : 'tiered';
        importedCustomerPrograms(context).set(id, { ...refs, pricing_mode: pricingMode });
        return {
          id,
          ...refs,
          program_time_saved_per_execution_in_seconds: legacyInteger(row.program_time_saved_per_execution_in_seconds, 'program_time_saved_per_execution_in_seconds'),
          pricing_mode: pricingMode,
          price_per_second: legacyMicros(row.price_per_second, 'price_per_second'),
          currency: legacyText(row.price_per_second_currency, 'price_per_second_currency').trim().toUpperCase() || 'EUR',
          over_charge: legacyBool(row.over_charge, 'over_charge'),
          is_active: legacyBool(row.is_active, 'is_active'),
          ...timestampsOf(row),
        };
      },
    }),
    tableImport({
      legacyTable: 'nadooit_program_ownership_system_programshare',
      target: 'pos_program_shares',
      map(row, context) {
        const shareOf = legacyOptionalUuid(row.share_of_id, 'share_of_id');
        requireKnown(context, 'program_programs', shareOf, 'program');
        return { id: legacyUuid(row.id), share_of: shareOf, ...timestampsOf(row) };
      },
    }),
  ],
};
