import { LegacyValueError, derivedUuid, legacyBool, legacyInteger, legacyUuid } from '../core/legacy/values.js';
import { tableImport } from '../core/legacy/step.js';
import type { LegacyAppImport, LegacyImportContext } from '../core/legacy/step.js';
import { legacyEmployeeUsers } from '../nadooit_hr/legacy-import.js';
import { KEY_ABILITIES } from './models.js';

const LEGACY_TABLE = 'nadooit_key_keymanager';
const LEGACY_APPOINTMENTS = 'nadooit_key_keymanager_key_managers_assigened_by_this_key_manager';

/** Legacy key-manager id → the legacy id of the key manager who appointed it. */
async function appointers(context: LegacyImportContext): Promise<Map<number, number>> {
  const cached = context.shared.get('key.appointers') as Map<number, number> | undefined;
  if (cached) return cached;
  const map = new Map<number, number>();
  for await (const row of context.source.rows(LEGACY_APPOINTMENTS)) {
    map.set(legacyInteger(row.to_keymanager_id), legacyInteger(row.from_keymanager_id));
  }
  context.shared.set('key.appointers', map);
  return map;
}

/** Legacy key-manager id → its legacy employee id, for resolving who appointed whom. */
async function managerEmployees(context: LegacyImportContext): Promise<Map<number, string>> {
  const cached = context.shared.get('key.managerEmployees') as Map<number, string> | undefined;
  if (cached) return cached;
  const map = new Map<number, string>();
  for await (const row of context.source.rows(LEGACY_TABLE)) map.set(legacyInteger(row.id), legacyUuid(row.user_id, 'user_id'));
  context.shared.set('key.managerEmployees', map);
  return map;
}

function userOfEmployee(context: LegacyImportContext, employeeId: string): string {
  const userId = legacyEmployeeUsers(context).get(employeeId);
  if (!userId) throw new LegacyValueError(`employee ${employeeId} was not imported`);
  return userId;
}

/**
 * Key managers: the original hung them on the employee (its column is misleadingly named `user_id`), this
 * system on the person; "appointed by" comes from the original's list of managers each manager assigned.
 */
export const keyLegacyImport: LegacyAppImport = {
  app: 'nadooit_key',
  steps: [
    tableImport({
      legacyTable: LEGACY_TABLE,
      target: 'key_managers',
      async map(row, context) {
        const userId = userOfEmployee(context, legacyUuid(row.user_id, 'user_id'));
        const appointer = (await appointers(context)).get(legacyInteger(row.id));
        const appointerEmployee = appointer === undefined ? undefined : (await managerEmployees(context)).get(appointer);
        const mapped: Record<string, unknown> = {
          id: derivedUuid(LEGACY_TABLE, row.id),
          user_id: userId,
          appointed_by: appointerEmployee ? userOfEmployee(context, appointerEmployee) : null,
          created_at: context.now,
          updated_at: context.now,
        };
        for (const ability of KEY_ABILITIES) mapped[ability] = legacyBool(row[ability], ability);
        return mapped;
      },
      insertOnly: ['created_at', 'updated_at'],
    }),
  ],
};
