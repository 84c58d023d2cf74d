import { LegacyValueError, legacyOptionalUuid, legacyText, legacyTimestamp, legacyUuid } from '../core/legacy/values.js';
import { requireKnown, tableImport } from '../core/legacy/step.js';
import type { LegacyAppImport } from '../core/legacy/step.js';
import { legacyEmployeeUsers } from '../nadooit_hr/legacy-import.js';
import { executionById } from '../nadooit_api_executions_system/services/index.js';
import type { ComplaintStatus } from './models.js';

const CLOSED_NOTE = 'Im Original als CLOSED abgeschlossen.';

/**
 * Complaints with their author (the original stored the employee) and status. The original's CLOSED has
 * no twin here: it becomes ACCEPTED when the booking was cancelled (REVOKED/REFUNDED), otherwise REJECTED,
 * with a note saying so.
 */
export const complaintLegacyImport: LegacyAppImport = {
  app: 'nadoo_complaint_management',
  steps: [
    tableImport({
      legacyTable: 'nadoo_complaint_management_complaint',
      target: 'cm_complaints',
      async map(row, context) {
        const executionId = legacyOptionalUuid(row.customer_program_execution_id, 'customer_program_execution_id');
        requireKnown(context, 'ex_executions', executionId, 'booking');
        const execution = executionId ? await executionById(context.tx, executionId) : undefined;
        const authorEmployee = legacyOptionalUuid(row.customer_program_execution_manager_id, 'customer_program_execution_manager_id');
        const authorUserId = authorEmployee ? legacyEmployeeUsers(context).get(authorEmployee) : null;
        if (authorEmployee && !authorUserId) throw new LegacyValueError(`employee ${authorEmployee} was not imported`);
        const legacyStatus = legacyText(row.status, 'status');
        const updated = legacyTimestamp(row.updated_at, 'updated_at');
        let status: ComplaintStatus;
        if (legacyStatus === 'OPEN' || legacyStatus === 'IN_PROGRESS' || legacyStatus === 'REJECTED') status = legacyStatus;
        else if (legacyStatus === 'CLOSED') status = execution && ['REVOKED', 'REFUNDED'].includes(execution.payment_status) ? 'ACCEPTED' : 'REJECTED';
        else throw new LegacyValueError(`unknown complaint status ${JSON.stringify(legacyStatus)}`);
        const decided = status === 'ACCEPTED' || status === 'REJECTED';
        return {
          id: legacyUuid(row.id),
          execution_id: executionId,
          customer_id: execution?.customer_id ?? null,
          author_user_id: authorUserId ?? null,
          text: legacyText(row.complaint, 'complaint'),
          status,
          resolution_note: legacyStatus === 'CLOSED' ? CLOSED_NOTE : null,
          resolved_by_user_id: null,
          resolved_at: decided ? updated : null,
          created_at: legacyTimestamp(row.created_at, 'created_at'),
          updated_at: updated,
        };
      },
    }),
  ],
};
