import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { transaction } from '../../core/db/transaction.js';
import type { Tx } from '../../core/db/transaction.js';
import { isUuid } from '../../core/ids.js';
import type { ErpLowStockAlertsTable } from '../models.js';
import '../models.js';

export type LowStockAlert = Selectable<ErpLowStockAlertsTable> & { sku: string; description: string };

/**
 * The low-stock job: raises one open alert per item whose stock is below its minimum (an item keeps at most
 * one open alert however often the job runs), and resolves open alerts of items that are back at or above
 * it. Idempotent, so a retried or doubled run changes nothing.
 */
export async function checkLowStock(db: Tx, now: Date = new Date()): Promise<{ raised: number; resolved: number }> {
  return transaction(db, async (tx) => {
    const at = now.toISOString();
    const open = tx.selectFrom('erp_low_stock_alerts as a').select('a.item_id').where('a.resolved_at', 'is', null);
    const low = await tx
      .selectFrom('erp_items')
      .select(['id', 'customer_id', 'quantity_available', 'minimum_quantity'])
      .whereRef('quantity_available', '<', 'minimum_quantity')
      .where('id', 'not in', open)
      .execute();
    for (const item of low) {
      await tx
        .insertInto('erp_low_stock_alerts')
        .values({ id: randomUUID(), item_id: item.id, customer_id: item.customer_id, quantity: Number(item.quantity_available), minimum_quantity: Number(item.minimum_quantity), raised_at: at, resolved_at: null })
        .execute();
    }
    const restocked = tx.selectFrom('erp_items').select('id').whereRef('quantity_available', '>=', 'minimum_quantity');
    const resolved = await tx.updateTable('erp_low_stock_alerts').set({ resolved_at: at }).where('resolved_at', 'is', null).where('item_id', 'in', restocked).executeTakeFirst();
    return { raised: low.length, resolved: Number(resolved.numUpdatedRows) };
  }, { isolation: 'serializable' });
}

/** Open alerts of one customer (the caller checked access), oldest first. */
export async function openAlerts(db: Tx, customerId: string): Promise<LowStockAlert[]> {
  if (!isUuid(customerId)) return [];
  const rows = await db
    .selectFrom('erp_low_stock_alerts as a')
    .innerJoin('erp_items as i', 'i.id', 'a.item_id')
    .selectAll('a')
    .select(['i.sku', 'i.description'])
    .where('a.customer_id', '=', customerId)
    .where('a.resolved_at', 'is', null)
    .orderBy('a.raised_at')
    .orderBy('i.sku')
    .execute();
  return rows.map((r) => ({ ...r, quantity: Number(r.quantity), minimum_quantity: Number(r.minimum_quantity) }));
}
