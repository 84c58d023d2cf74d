import { randomUUID } from 'node:crypto';
import type { Actor } from '../../core/actor.js';
import { csvCell, moneyInput } from '../../core/admin/values.js';
import { parseCsv, unprotectCell } from '../../core/csv.js';
import { transaction } from '../../core/db/transaction.js';
import type { Tx } from '../../core/db/transaction.js';
import { InvalidInput } from '../../core/errors.js';
import { assertErpAccess } from './access.js';
import { ITEM_TEXT_FIELDS, itemFieldsFromText, parseQuantity } from './fields.js';
import type { ItemFields, ItemText, ItemTextField } from './fields.js';
import { columnsOf, itemsOfCustomer } from './items.js';
import { applyMovement } from './stock.js';
import '../models.js';

/** The columns of export and import, in this order (import accepts any order; sku, description and price are required). */
export const CSV_COLUMNS = ITEM_TEXT_FIELDS;
const REQUIRED: readonly ItemTextField[] = ['sku', 'description', 'price'];
export const MAX_IMPORT_ROWS = 10_000;

/** A refused row: the line of the CSV file (the header is line 1), the column and why. */
export interface RowError {
  row: number;
  field: string;
  message: string;
}

export class CsvImportRefused extends InvalidInput {
  constructor(readonly errors: RowError[]) {
    // As field errors for the API: "csv.<line>.<column>".
    super(
      `Import abgelehnt: ${errors.length} Fehler, nichts wurde gespeichert.`,
      errors.map((e) => ({ field: `csv.${e.row}${e.field ? `.${e.field}` : ''}`, message: e.message })),
    );
  }
}

/** The customer's items as CSV (header first), produced page by page so a large stock never sits in memory at once. */
export async function exportItemsCsv(db: Tx, input: Actor & { customerId: string }): Promise<AsyncGenerator<string>> {
  await assertErpAccess(db, input, input.customerId);
  return (async function* lines() {
    yield `${CSV_COLUMNS.join(',')}\r\n`;
    let afterSku: string | undefined;
    for (;;) {
      const page = await itemsOfCustomer(db, input.customerId, { limit: 500, afterSku });
      if (!page.length) return;
      yield page
        .map((i) =>
          [i.sku, i.description, moneyInput(i.price_micro), i.currency, i.condition, i.quantity_available, i.minimum_quantity, i.allow_negative ? 'ja' : 'nein', i.location, i.delivery_options, i.link, i.img_link]
            .map(csvCell)
            .join(','),
        )
        .map((line) => `${line}\r\n`)
        .join('');
      afterSku = page[page.length - 1]!.sku;
    }
  })();
}

interface ParsedRow {
  row: number;
  fields: ItemFields;
  /** The stock the file states; null when the column is absent or empty (stock stays as it is). */
  quantity: number | null;
}

/** Every row checked before anything is written; all errors at once, with their line numbers. */
function parseRows(text: string): ParsedRow[] {
  const parsed = parseCsv(text);
  if (parsed.error) throw new CsvImportRefused([{ row: parsed.error.line, field: '', message: parsed.error.message }]);
  const [header, ...body] = parsed.rows;
  if (!header) throw new CsvImportRefused([{ row: 1, field: '', message: 'Die Datei ist leer.' }]);
  const columns = header.cells.map((c) => c.trim().toLowerCase());
  const errors: RowError[] = [];
  columns.forEach((c) => {
    if (!(CSV_COLUMNS as readonly string[]).includes(c)) errors.push({ row: header.line, field: c, message: 'Unbekannte Spalte' });
  });
  for (const required of REQUIRED) if (!columns.includes(required)) errors.push({ row: header.line, field: required, message: 'Spalte fehlt' });
  if (new Set(columns).size !== columns.length) errors.push({ row: header.line, field: '', message: 'Eine Spalte kommt doppelt vor' });
  if (body.length > MAX_IMPORT_ROWS) errors.push({ row: header.line, field: '', message: `Höchstens ${MAX_IMPORT_ROWS} Zeilen pro Import` });
  if (errors.length) throw new CsvImportRefused(errors);
  const rows: ParsedRow[] = [];
  const seen = new Map<string, number>();
  for (const { line, cells } of body) {
    if (cells.length !== columns.length) {
      errors.push({ row: line, field: '', message: `${cells.length} statt ${columns.length} Spalten` });
      continue;
    }
    const record: ItemText = Object.fromEntries(columns.map((c, i) => [c, unprotectCell(cells[i]!)]));
    const { value, errors: fieldErrors } = itemFieldsFromText(record);
    const quantity = record.quantity?.trim() ? parseQuantity(record.quantity, 'quantity', fieldErrors, { min: value.allowNegative ? null : 0 }) : null;
    const earlier = seen.get(value.sku);
    if (value.sku && earlier !== undefined) fieldErrors.push({ field: 'sku', message: `Artikelnummer schon in Zeile ${earlier}` });
    seen.set(value.sku, line);
    errors.push(...fieldErrors.map((e) => ({ row: line, ...e })));
    rows.push({ row: line, fields: value, quantity });
  }
  if (errors.length) throw new CsvImportRefused(errors);
  return rows;
}

export interface ImportResult {
  created: number;
  updated: number;
  /** Stock movements written because the file's quantity differed from the stock. */
  movements: number;
}

/**
 * Imports items by article number: new ones are created, existing ones updated; a stated quantity that
 * differs from the stock is booked as an `import` movement (so stock stays Σ movements). All rows are
 * checked first and the whole file is one transaction: any error → nothing is written.
 */
export async function importItemsCsv(db: Tx, input: Actor & { customerId: string; csv: string }): Promise<ImportResult> {
  await assertErpAccess(db, input, input.customerId);
  const rows = parseRows(input.csv);
  return transaction(db, async (tx) => {
    const result: ImportResult = { created: 0, updated: 0, movements: 0 };
    const existing = new Map<string, { id: string; quantity: number }>();
    for (let afterSku: string | undefined; ; ) {
      const page = await itemsOfCustomer(tx, input.customerId, { limit: 1000, afterSku });
      if (!page.length) break;
      for (const item of page) existing.set(item.sku, { id: item.id, quantity: item.quantity_available });
      afterSku = page[page.length - 1]!.sku;
    }
    const now = new Date().toISOString();
    const stockErrors: RowError[] = [];
    for (const row of rows) {
      const known = existing.get(row.fields.sku);
      const book = async (itemId: string, stock: number) => {
        if (row.quantity === null || row.quantity === stock) return stock;
        await applyMovement(tx, { itemId, kind: 'import', quantity: row.quantity - stock, note: `CSV-Import, Zeile ${row.row}`, authorUserId: input.actorUserId });
        result.movements++;
        return row.quantity;
      };
      if (!known) {
        const itemId = randomUUID();
        await tx.insertInto('erp_items').values({ id: itemId, customer_id: input.customerId, ...columnsOf(row.fields), quantity_available: 0, created_at: now, updated_at: now }).execute();
        await book(itemId, 0);
        result.created++;
        continue;
      }
      // Fields that allow negative stock go in before the movement, fields that forbid it after it.
      const update = () => tx.updateTable('erp_items').set({ ...columnsOf(row.fields), updated_at: now }).where('id', '=', known.id).execute();
      if (row.fields.allowNegative) {
        await update();
        await book(known.id, known.quantity);
      } else if ((await book(known.id, known.quantity)) < 0) {
        stockErrors.push({ row: row.row, field: 'allow_negative', message: 'Der Bestand ist negativ; bitte eine Menge ≥ 0 angeben' });
      } else await update();
      result.updated++;
    }
    if (stockErrors.length) throw new CsvImportRefused(stockErrors);
    return result;
  });
}
