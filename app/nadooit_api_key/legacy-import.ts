import { derivedUuid, legacyBool, legacyText, legacyTimestamp, legacyUuid } from '../core/legacy/values.js';
import { linkImport, requireKnown, tableImport } from '../core/legacy/step.js';
import type { LegacyAppImport } from '../core/legacy/step.js';

const SHA256_HEX = /^[0-9a-f]{64}$/;
const LEGACY_MANAGERS = 'nadooit_api_key_nadooitapikeymanager';

/**
 * API keys keep their stored SHA-256, so every bot's key works unchanged. The original once stored a key
 * from the dashboard in plain text (a double save); that key never worked there and is taken over revoked,
 * with a hash no presented key can match.
 */
export const apiKeyLegacyImport: LegacyAppImport = {
  app: 'nadooit_api_key',
  steps: [
    tableImport({
      legacyTable: 'nadooit_api_key_nadooitapikey',
      target: 'api_keys',
      map(row, context) {
        const id = legacyUuid(row.id);
        const userId = legacyUuid(row.user_id, 'user_id');
        requireKnown(context, 'users', userId, 'owner');
        const stored = legacyText(row.api_key, 'api_key').trim().toLowerCase();
        const usable = SHA256_HEX.test(stored);
        const active = usable && legacyBool(row.is_active, 'is_active');
        const updated = legacyTimestamp(row.updated_at, 'updated_at');
        if (!usable) context.report.outcome('api_keys').notes.push(`key ${id} was stored in plain text by the original and never worked; imported revoked`);
        return {
          id,
          user_id: userId,
          key_hash: usable ? stored : `unusable-legacy-key:${id}`,
          prefix: null,
          name: usable ? 'Importierter Schlüssel' : 'Importiert (im Original unbrauchbar gespeichert)',
          is_active: active,
          expires_at: null,
          revoked_at: active ? null : updated,
          customer_id: null,
          created_at: legacyTimestamp(row.created_at, 'created_at'),
          updated_at: updated,
        };
      },
      insertOnly: ['last_used_at'],
    }),
    tableImport({
      legacyTable: LEGACY_MANAGERS,
      target: 'api_key_managers',
      legacyKey: 'employee_id',
      map(row, context) {
        const employeeId = legacyUuid(row.employee_id, 'employee_id');
        requireKnown(context, 'hr_employees', employeeId, 'employee');
        return {
          id: derivedUuid(LEGACY_MANAGERS, employeeId),
          employee_id: employeeId,
          can_create_api_key: legacyBool(row.can_create_api_key, 'can_create_api_key'),
          can_delete_api_key: legacyBool(row.can_delete_api_key, 'can_delete_api_key'),
          can_give_manager_role: legacyBool(row.can_give_manager_role, 'can_give_manager_role'),
          created_at: context.now,
          updated_at: context.now,
        };
      },
      insertOnly: ['created_at', 'updated_at'],
    }),
    linkImport({
      legacyTable: `${LEGACY_MANAGERS}_list_of_customers_the_manager_is_responsible_for`,
      target: 'api_key_manager_customers',
      ownerTarget: 'api_key_managers',
      ownerColumn: 'manager_id',
      otherColumn: 'customer_id',
      map(row, context) {
        const customerId = legacyUuid(row.customer_id, 'customer_id');
        requireKnown(context, 'crm_customers', customerId, 'customer');
        return [derivedUuid(LEGACY_MANAGERS, legacyUuid(row.nadooitapikeymanager_id, 'nadooitapikeymanager_id')), customerId];
      },
    }),
    linkImport({
      legacyTable: `${LEGACY_MANAGERS}_list_of_employees_the_manager_has_given_the_role_to`,
      target: 'api_key_manager_appointees',
      ownerTarget: 'api_key_managers',
      ownerColumn: 'manager_id',
      otherColumn: 'employee_id',
      map(row, context) {
        const employeeId = legacyUuid(row.employee_id, 'employee_id');
        requireKnown(context, 'hr_employees', employeeId, 'employee');
        return [derivedUuid(LEGACY_MANAGERS, legacyUuid(row.nadooitapikeymanager_id, 'nadooitapikeymanager_id')), employeeId];
      },
    }),
  ],
};
