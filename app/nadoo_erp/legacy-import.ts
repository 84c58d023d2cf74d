import { LegacyValueError, derivedUuid, legacyInteger, legacyMicros, legacyOptionalText, legacyOptionalUuid, legacyText } from '../core/legacy/values.js';
import { requireKnown, tableImport } from '../core/legacy/step.js';
import type { LegacyAppImport, LegacyImportContext } from '../core/legacy/step.js';
import { applyMovement } from './services/stock.js';

export const LEGACY_ERP_ITEMS = 'nadoo_erp_item';

/** The id an original ERP item (integer key) has here; bot advertisements refer to items by it. */
export function importedItemId(legacyId: unknown): string {
  return derivedUuid(LEGACY_ERP_ITEMS, legacyId);
}

function legacyStock(context: LegacyImportContext): Map<string, number> {
  let map = context.shared.get('erp.stock') as Map<string, number> | undefined;
  if (!map) context.shared.set('erp.stock', (map = new Map()));
  return map;
}

/**
 * The original kept only the quantity. A new item gets it as an `opening` stock movement; when a later
 * import finds the original's quantity changed, an `import` movement with the difference keeps
 * stock = Σ movements.
 */
async function alignStock(context: LegacyImportContext): Promise<void> {
  for (const [itemId, quantity] of legacyStock(context)) {
    const current = await context.tx.selectFrom('erp_items').select('quantity_available').where('id', '=', itemId).executeTakeFirstOrThrow();
    const difference = quantity - Number(current.quantity_available);
    if (difference === 0) continue;
    const isNew = !(await context.tx.selectFrom('erp_stock_movements').select('id').where('item_id', '=', itemId).executeTakeFirst());
    await applyMovement(context.tx, {
      itemId,
      kind: isNew ? 'opening' : 'import',
      quantity: difference,
      note: isNew ? 'Bestand aus dem Original übernommen' : 'Abgleich mit dem Bestand im Original (erneuter Import)',
      authorUserId: null,
    });
    context.report.outcome('erp_stock_movements').created++;
  }
}

/**
 * ERP items with exact prices. The original had no article number; an item gets `ALT-<original id>`, which
 * staff may change. An item without a customer has no owner here and is reported.
 */
export const erpLegacyImport: LegacyAppImport = {
  app: 'nadoo_erp',
  steps: [
    tableImport({
      legacyTable: LEGACY_ERP_ITEMS,
      target: 'erp_items',
      map(row, context) {
        const customerId = legacyOptionalUuid(row.customer_id, 'customer_id');
        if (!customerId) throw new LegacyValueError('the item belongs to no customer; every item here has one');
        requireKnown(context, 'crm_customers', customerId, 'customer');
        const id = importedItemId(row.id);
        const quantity = legacyInteger(row.quantity_available, 'quantity_available');
        const minimum = legacyInteger(row.minimum_quantity, 'minimum_quantity');
        if (minimum < 0) throw new LegacyValueError(`minimum_quantity is negative (${minimum})`);
        legacyStock(context).set(id, quantity);
        return {
          id,
          customer_id: customerId,
          sku: `ALT-${legacyInteger(row.id)}`,
          description: legacyText(row.description, 'description'),
          price_micro: legacyMicros(row.price, 'price'),
          currency: 'EUR',
          condition: legacyText(row.condition, 'condition'),
          quantity_available: 0,
          minimum_quantity: minimum,
          allow_negative: quantity < 0,
          location: legacyText(row.location, 'location'),
          delivery_options: legacyText(row.delivery_options, 'delivery_options'),
          link: legacyOptionalText(row.link, 'link'),
          img_link: legacyOptionalText(row.img_link, 'img_link'),
          // The original stored no times for items.
          created_at: context.now,
          updated_at: context.now,
        };
      },
      // Stock only moves through movements (alignStock); article numbers and settings made here are kept.
      insertOnly: ['sku', 'quantity_available', 'allow_negative', 'created_at', 'updated_at'],
      after: alignStock,
    }),
  ],
};
