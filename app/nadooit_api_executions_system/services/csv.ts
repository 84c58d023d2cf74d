import { csvCell, csvCellFor, csvDialect } from '../../core/csv.js';
import type { CsvFormat } from '../../core/csv.js';
import type { Tx } from '../../core/db/transaction.js';
import type { Actor } from '../../core/actor.js';
import { PermissionDenied } from '../../core/errors.js';
import { hasRole } from '../../nadooit_hr/permissions.js';
import { isValidTimeZone } from '../../core/time/periods.js';
import { formatDecimal, formatSpreadsheetDateTime } from '../../core/ui/format.js';
import { DEFAULT_TIME_ZONE, getCustomer } from '../../nadooit_crm/services.js';
import type { PaymentStatus } from '../models.js';
import { exportRowBatches } from './queries.js';

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
  /**
   * `standard` (the default; the REST API's): `,`, decimal point, ISO-8601 UTC. `spreadsheet` (the dashboard's
   * default for German readers): BOM, `;`, decimal comma, wall-clock time in the customer's zone.
   */
  format?: CsvFormat;
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

/** A cell formatter that remembers its answers for values that repeat (program names, prices, statuses). */
function remembered<T>(format: (value: T) => string): (value: T) => string {
  const known = new Map<T, string>();
  return (value) => {
    let text = known.get(value);
    if (text === undefined) {
      text = format(value);
      if (known.size < 10_000) known.set(value, text);
    }
    return text;
  };
}

async function* csvLines(db: Tx, input: CsvExportInput): AsyncGenerator<string> {
  const format = input.format ?? 'standard';
  const { separator: sep, decimal, start } = csvDialect(format);
  const cellOf = csvCellFor(sep);
  yield `${start}${CSV_HEADER.join(sep)}\r\n`;
  const { customerId, from, to, statuses, customerProgramIds, programIds, idPrefix } = input;
  const filter = { customerIds: [customerId], from, to, statuses, customerProgramIds, programIds, idPrefix };
  const name = remembered(cellOf);
  const price = remembered((micro: number) => formatDecimal(micro, decimal));
  const status = remembered(cellOf);
  const zone = format === 'spreadsheet' ? await customerZone(db, customerId) : null;
  const when = zone ? (iso: string) => formatSpreadsheetDateTime(iso, zone) : (iso: string) => iso;
  // One chunk per snapshot batch (core/db/snapshot.ts), built as one string. Ids (UUIDs) and timestamps
  // (ISO-8601 or dd.mm.yyyy hh:mm:ss) never need quoting or the formula guard.
  for await (const batch of exportRowBatches(db, filter)) {
    let chunk = '';
    for (const [id, programName, seconds, micro, createdAt, paymentStatus] of batch) {
      chunk += `${id}${sep}${name(programName)}${sep}${seconds}${sep}${price(micro)}${sep}${when(createdAt)}${sep}${status(paymentStatus)}\r\n`;
    }
    yield chunk;
  }
}

/** The customer's time zone for wall-clock times, or the default one when it has none this runtime knows. */
async function customerZone(db: Tx, customerId: string): Promise<string> {
  const zone = (await getCustomer(db, customerId))?.time_zone;
  return zone && isValidTimeZone(zone) ? zone : DEFAULT_TIME_ZONE;
}
