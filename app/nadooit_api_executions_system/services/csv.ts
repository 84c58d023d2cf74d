import { csvCell } from '../../core/csv.js';
import type { Tx } from '../../core/db/transaction.js';
import type { Actor } from '../../core/actor.js';
import { PermissionDenied } from '../../core/errors.js';
import { hasRole } from '../../nadooit_hr/permissions.js';
import { formatDecimal } from '../money.js';
import type { PaymentStatus } from '../models.js';
import { iterateExecutions } from './queries.js';

/** Cells follow core/csv.ts (quoting, formula guard); re-exported for the dashboard's own CSV parts. */
export { csvCell };

/** The original's export columns (legacy-core §6.2) plus the payment status. */
export const CSV_HEADER = ['id', 'Programmname', 'erspaarte Zeit', 'Preis', 'Erstellt', 'Status'] as const;


export interface CsvExportInput extends Actor {
  customerId: string;
  from?: string;
  to?: string;
  statuses?: readonly PaymentStatus[];
  customerProgramIds?: readonly string[];
  programIds?: readonly string[];
  idPrefix?: string;
}

/**
 * The bookings of one customer and period as CSV lines (header first), streamed in batches. Only the
 * customer's own execution managers may export (the original let any logged-in user do it, S4); the check
 * runs before the first line is produced, so a refusal is an ordinary 403.
 */
export async function exportExecutionsCsv(db: Tx, input: CsvExportInput): Promise<AsyncGenerator<string>> {
  if (input.actorUserId === null || !(await hasRole(db, input.actorUserId, input.customerId, 'customer_program_execution_manager'))) {
    throw new PermissionDenied('Nur die Ausführungsverwalter dieses Kunden dürfen seine Buchungen exportieren.');
  }
  return csvLines(db, input);
}

async function* csvLines(db: Tx, input: CsvExportInput): AsyncGenerator<string> {
  yield `${CSV_HEADER.join(',')}\r\n`;
  const { customerId, from, to, statuses, customerProgramIds, programIds, idPrefix } = input;
  const filter = { customerIds: [customerId], from, to, statuses, customerProgramIds, programIds, idPrefix };
  let chunk = '';
  let rows = 0;
  for await (const row of iterateExecutions(db, filter)) {
    const cells = [row.id, row.program_name, row.time_saved_seconds, formatDecimal(row.price), row.created_at, row.payment_status];
    chunk += `${cells.map(csvCell).join(',')}\r\n`;
    if (++rows % 500 === 0) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}
