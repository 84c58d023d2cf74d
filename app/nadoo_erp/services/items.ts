import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Actor } from '../../core/actor.js';
import { transaction } from '../../core/db/transaction.js';
import type { Tx } from '../../core/db/transaction.js';
import { Conflict, InvalidInput, NotFound } from '../../core/errors.js';
import { isUuid } from '../../core/ids.js';
import { customerExists } from '../../nadooit_crm/services.js';
import type { ErpItemsTable } from '../models.js';
import { assertErpAccess } from './access.js';
import { itemFieldsFromText, parseQuantity } from './fields.js';
import type { FieldError, ItemFields, ItemText } from './fields.js';
import { applyMovement } from './stock.js';
import '../models.js';

export type Item = Selectable<ErpItemsTable>;

function normalised(row: Item): Item {
  return { ...row, price_micro: Number(row.price_micro), quantity_available: Number(row.quantity_available), minimum_quantity: Number(row.minimum_quantity) };
}

export function columnsOf(fields: ItemFields) {
  return {
    sku: fields.sku,
    description: fields.description,
    price_micro: fields.priceMicro,
    currency: fields.currency,
    condition: fields.condition,
    minimum_quantity: fields.minimumQuantity,
    allow_negative: fields.allowNegative,
    location: fields.location,
    delivery_options: fields.deliveryOptions,
    link: fields.link,
    img_link: fields.imgLink,
  };
}

/** 400 with one entry per refused field (`details`), so forms and the API show them where they belong. */
export function refuse(errors: FieldError[]): never {
  throw new InvalidInput(errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
}

export async function getItem(db: Tx, itemId: string): Promise<Item | undefined> {
  if (!isUuid(itemId)) return undefined;
  const row = await db.selectFrom('erp_items').selectAll().where('id', '=', itemId).executeTakeFirst();
  return row && normalised(row);
}

/** The item if the actor may manage its customer's ERP: 404 when unknown, 403 when not theirs. */
export async function itemFor(db: Tx, actor: Actor, itemId: string): Promise<Item> {
  const item = await getItem(db, itemId);
  if (!item) throw new NotFound('Artikel nicht gefunden');
  await assertErpAccess(db, actor, item.customer_id);
  return item;
}

async function skuTaken(tx: Tx, customerId: string, sku: string, exceptId?: string): Promise<boolean> {
  let query = tx.selectFrom('erp_items').select('id').where('customer_id', '=', customerId).where('sku', '=', sku);
  if (exceptId) query = query.where('id', '<>', exceptId);
  return (await query.executeTakeFirst()) !== undefined;
}

/** Creates an item; a starting stock (`quantity`) is written as its `opening` movement. */
export async function createItem(db: Tx, input: Actor & { customerId: string; fields: ItemText }): Promise<Item> {
  if (!isUuid(input.customerId) || !(await customerExists(db, input.customerId))) throw new NotFound('Kunde nicht gefunden');
  await assertErpAccess(db, input, input.customerId);
  const { value, errors } = itemFieldsFromText(input.fields);
  const opening = parseQuantity(input.fields.quantity || '0', 'quantity', errors, { min: value.allowNegative ? null : 0 });
  if (errors.length) refuse(errors);
  const id = randomUUID();
  await transaction(db, async (tx) => {
    if (await skuTaken(tx, input.customerId, value.sku)) refuse([{ field: 'sku', message: 'Diese Artikelnummer gibt es bei diesem Kunden schon' }]);
    const now = new Date().toISOString();
    await tx.insertInto('erp_items').values({ id, customer_id: input.customerId, ...columnsOf(value), quantity_available: 0, created_at: now, updated_at: now }).execute();
    if (opening !== 0) await applyMovement(tx, { itemId: id, kind: 'opening', quantity: opening, note: 'Anfangsbestand', authorUserId: input.actorUserId });
  });
  return (await getItem(db, id))!;
}

/**
 * Changes an item's fields. The stock is not a field: it changes through movements only. Allowing negative
 * stock cannot be switched off while the stock is below zero.
 */
export async function updateItem(db: Tx, input: Actor & { itemId: string; fields: ItemText }): Promise<Item> {
  const item = await itemFor(db, input, input.itemId);
  const { value, errors } = itemFieldsFromText(input.fields);
  if (errors.length) refuse(errors);
  await transaction(db, async (tx) => {
    if (await skuTaken(tx, item.customer_id, value.sku, item.id)) refuse([{ field: 'sku', message: 'Diese Artikelnummer gibt es bei diesem Kunden schon' }]);
    let update = tx.updateTable('erp_items').set({ ...columnsOf(value), updated_at: new Date().toISOString() }).where('id', '=', item.id);
    if (!value.allowNegative) update = update.where('quantity_available', '>=', 0);
    const updated = await update.executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) throw new Conflict('Der Bestand ist negativ: negativer Bestand kann erst nach einer Korrektur verboten werden.');
  });
  return (await getItem(db, item.id))!;
}

export async function deleteItem(db: Tx, input: Actor & { itemId: string }): Promise<void> {
  const item = await itemFor(db, input, input.itemId);
  await db.deleteFrom('erp_items').where('id', '=', item.id).execute();
}

export interface ItemFilter {
  search?: string;
  /** Only items below their minimum quantity. */
  lowOnly?: boolean;
  limit?: number;
  /** Keyset: the sku of the last item of the previous page. */
  afterSku?: string;
}

/** Items of one customer, by article number (the caller checked access). */
export async function itemsOfCustomer(db: Tx, customerId: string, filter: ItemFilter = {}): Promise<Item[]> {
  if (!isUuid(customerId)) return [];
  let query = db.selectFrom('erp_items').selectAll().where('customer_id', '=', customerId).orderBy('sku').limit(Math.min(Math.max(filter.limit ?? 200, 1), 1000));
  const term = filter.search?.trim();
  if (term) {
    const like = `%${term.toLowerCase()}%`;
    query = query.where((eb) => eb.or([eb(eb.fn('lower', ['sku']), 'like', like), eb(eb.fn('lower', ['description']), 'like', like)]));
  }
  if (filter.lowOnly) query = query.whereRef('quantity_available', '<', 'minimum_quantity');
  if (filter.afterSku !== undefined) query = query.where('sku', '>', filter.afterSku);
  return (await query.execute()).map(normalised);
}
