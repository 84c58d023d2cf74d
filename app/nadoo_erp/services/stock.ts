import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Selectable } from 'kysely';
import type { Actor } from '../../core/actor.js';
import { transaction } from '../../core/db/transaction.js';
import type { Tx } from '../../core/db/transaction.js';
import { Conflict, InvalidInput, NotFound } from '../../core/errors.js';
import { isUuid } from '../../core/ids.js';
import type { ErpStockMovementsTable, StockMovementKind } from '../models.js';
import { assertErpAccess } from './access.js';
import '../models.js';

/**
 * Stock is a ledger: every change is a movement written in the same transaction as the item's
 * quantity_available, so the stock always equals Σ movements. The change is a conditional relative UPDATE
 * (`quantity + d >= 0 OR allow_negative`), so parallel issues can never take the same pieces twice.
 */

export type StockMovement = Selectable<ErpStockMovementsTable>;

/** Kinds a person books by hand; `opening` and `import` are written by item creation and CSV import. */
export const MANUAL_KINDS = ['receipt', 'issue', 'adjustment'] as const satisfies readonly StockMovementKind[];
export type ManualKind = (typeof MANUAL_KINDS)[number];

export function isManualKind(value: unknown): value is ManualKind {
  return typeof value === 'string' && (MANUAL_KINDS as readonly string[]).includes(value);
}

/** Writes one movement in `tx` (the caller checked authority); 409 when the stock would go negative. */
export async function applyMovement(
  tx: Tx,
  input: { itemId: string; kind: StockMovementKind; quantity: number; note?: string | null; authorUserId: string | null },
): Promise<{ movementId: string; quantityAfter: number }> {
  const row = await tx
    .updateTable('erp_items')
    .set({ quantity_available: sql`quantity_available + ${input.quantity}`, updated_at: new Date().toISOString() })
    .where('id', '=', input.itemId)
    .where(sql<boolean>`(allow_negative or quantity_available + ${input.quantity} >= 0)`)
    .returning('quantity_available')
    .executeTakeFirst();
  if (!row) {
    const item = await tx.selectFrom('erp_items').select('quantity_available').where('id', '=', input.itemId).executeTakeFirst();
    if (!item) throw new NotFound('Artikel nicht gefunden');
    throw new Conflict(`Nicht genug Bestand: verfügbar sind ${Number(item.quantity_available)}.`);
  }
  // The item's row is locked by the UPDATE above, so max(seq) + 1 cannot race.
  const last = await tx.selectFrom('erp_stock_movements').select((eb) => eb.fn.max('seq').as('seq')).where('item_id', '=', input.itemId).executeTakeFirst();
  const id = randomUUID();
  const quantityAfter = Number(row.quantity_available);
  await tx
    .insertInto('erp_stock_movements')
    .values({
      id,
      item_id: input.itemId,
      seq: Number(last?.seq ?? 0) + 1,
      kind: input.kind,
      quantity: input.quantity,
      quantity_after: quantityAfter,
      note: input.note?.trim() || null,
      author_user_id: input.authorUserId,
      created_at: new Date().toISOString(),
    })
    .execute();
  return { movementId: id, quantityAfter };
}

/**
 * Books goods in (receipt, quantity > 0), out (issue, quantity > 0, stored negative) or a stocktaking
 * adjustment (± with a note). Only the item's customer managers (or staff) may.
 */
export async function moveStock(
  db: Tx,
  input: Actor & { itemId: string; kind: ManualKind; quantity: number; note?: string | null },
): Promise<{ movementId: string; quantityAfter: number }> {
  if (!isManualKind(input.kind)) throw new InvalidInput('Unbekannte Bewegungsart.', { field: 'kind' });
  if (!Number.isSafeInteger(input.quantity) || input.quantity === 0 || (input.kind !== 'adjustment' && input.quantity < 0)) {
    throw new InvalidInput(input.kind === 'adjustment' ? 'Die Menge muss eine ganze Zahl ungleich 0 sein.' : 'Die Menge muss eine ganze Zahl größer 0 sein.', { field: 'quantity' });
  }
  if (input.kind === 'adjustment' && !input.note?.trim()) throw new InvalidInput('Eine Korrektur braucht einen Grund.', { field: 'note' });
  const item = isUuid(input.itemId) ? await db.selectFrom('erp_items').select(['id', 'customer_id']).where('id', '=', input.itemId).executeTakeFirst() : undefined;
  if (!item) throw new NotFound('Artikel nicht gefunden');
  await assertErpAccess(db, input, item.customer_id);
  const delta = input.kind === 'issue' ? -input.quantity : input.quantity;
  return transaction(db, (tx) => applyMovement(tx, { itemId: item.id, kind: input.kind, quantity: delta, note: input.note, authorUserId: input.actorUserId }));
}

/** Movements of one item, newest first, paged by sequence number. */
export async function stockMovements(db: Tx, itemId: string, options: { limit?: number; beforeSeq?: number } = {}): Promise<StockMovement[]> {
  if (!isUuid(itemId)) return [];
  let query = db
    .selectFrom('erp_stock_movements')
    .selectAll()
    .where('item_id', '=', itemId)
    .orderBy('seq', 'desc')
    .limit(Math.min(Math.max(options.limit ?? 50, 1), 500));
  if (options.beforeSeq !== undefined) query = query.where('seq', '<', options.beforeSeq);
  return (await query.execute()).map((m) => ({ ...m, seq: Number(m.seq), quantity: Number(m.quantity), quantity_after: Number(m.quantity_after) }));
}

/** Items whose stock differs from the sum of their movements (empty: the ledger is consistent). */
export async function verifyStock(db: Tx): Promise<Array<{ itemId: string; stock: number; ledger: number }>> {
  const rows = await db
    .selectFrom('erp_items as i')
    .leftJoin('erp_stock_movements as m', 'm.item_id', 'i.id')
    .select((eb) => ['i.id as itemId', 'i.quantity_available as stock', eb.fn.coalesce(eb.fn.sum<number>('m.quantity'), sql<number>`0`).as('ledger')])
    .groupBy(['i.id', 'i.quantity_available'])
    .having((eb) => eb('i.quantity_available', '<>', eb.fn.coalesce(eb.fn.sum<number>('m.quantity'), sql<number>`0`)))
    .execute();
  return rows.map((r) => ({ itemId: r.itemId, stock: Number(r.stock), ledger: Number(r.ledger) }));
}
