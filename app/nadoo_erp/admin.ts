import { createdAt, flag, relation, staffActor, updatedAt } from '../core/admin/fields.js';
import type { AdminField, AdminResource, Row } from '../core/admin/types.js';
import { moneyInput } from '../core/admin/values.js';
import { STOCK_MOVEMENT_KINDS } from './models.js';
import { createItem, deleteItem, moveStock, updateItem } from './services/index.js';
import type { ItemText, ManualKind } from './services/index.js';
import './models.js';

const appLabel = { de: 'ERP', en: 'ERP' };

const KIND_LABELS = {
  opening: { de: 'Anfangsbestand', en: 'Opening stock' },
  receipt: { de: 'Wareneingang', en: 'Goods received' },
  issue: { de: 'Warenausgang', en: 'Goods issued' },
  adjustment: { de: 'Inventurkorrektur', en: 'Stocktaking adjustment' },
  import: { de: 'CSV-Import', en: 'CSV import' },
};

/** The admin form's typed values as the text the services read (one validation for every way in). */
function itemText(values: Row): ItemText {
  const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  return {
    sku: str(values.sku),
    description: str(values.description),
    price: moneyInput(Number(values.price_micro ?? 0)),
    currency: str(values.currency),
    condition: str(values.condition),
    minimum_quantity: str(values.minimum_quantity ?? 0),
    allow_negative: values.allow_negative === true ? 'ja' : 'nein',
    location: str(values.location),
    delivery_options: str(values.delivery_options),
    link: str(values.link),
    img_link: str(values.img_link),
    quantity: str(values.opening_quantity ?? ''),
  };
}

const text = (name: string, de: string, en: string, extra: Partial<AdminField> = {}): AdminField => ({ name, label: { de, en }, type: 'text', ...extra });

function stockAction(kind: ManualKind, label: { de: string; en: string }, description: { de: string; en: string }) {
  return {
    name: kind,
    label,
    description,
    permission: 'change' as const,
    fields: [
      { name: 'quantity', label: { de: 'Menge', en: 'Quantity' }, type: 'integer' as const, required: true, min: kind === 'adjustment' ? -1_000_000_000 : 1, max: 1_000_000_000 },
      { name: 'note', label: { de: kind === 'adjustment' ? 'Begründung' : 'Notiz', en: kind === 'adjustment' ? 'Reason' : 'Note' }, type: 'text' as const, required: kind === 'adjustment', maxLength: 500 },
    ],
    async run(ctx: Parameters<NonNullable<AdminResource['actions']>[number]['run']>[0], ids: string[], values: Row) {
      for (const itemId of ids) await moveStock(ctx.tx, { ...staffActor(ctx), itemId, kind, quantity: Number(values.quantity), note: (values.note as string | null) ?? null });
    },
  };
}

export const itemsResource: AdminResource = {
  app: 'nadoo_erp',
  appLabel,
  name: 'items',
  table: 'erp_items',
  label: { de: 'Artikel', en: 'Item' },
  labelPlural: { de: 'Artikel', en: 'Items' },
  help: {
    de: 'Der Bestand ändert sich nur über Lagerbewegungen: Wareneingang, Warenausgang und Inventurkorrektur auf der Detailseite.',
    en: 'Stock changes only through stock movements: goods received, goods issued and stocktaking adjustment on the detail page.',
  },
  title: { columns: ['sku', 'description'], format: (row) => `${row.sku} – ${String(row.description).slice(0, 60)}` },
  fields: [
    relation('customer_id', { de: 'Kunde', en: 'Customer' }, 'nadooit_crm.customers', 'cascade', { required: true, createOnly: true }),
    text('sku', 'Artikelnummer', 'Article number', { required: true, maxLength: 64 }),
    { name: 'description', label: { de: 'Beschreibung', en: 'Description' }, type: 'textarea', required: true, maxLength: 5000 },
    { name: 'price_micro', label: { de: 'Preis', en: 'Price' }, type: 'money', currencyField: 'currency', required: true, min: 0, initial: 0 },
    text('currency', 'Währung', 'Currency', { required: true, maxLength: 3, initial: 'EUR' }),
    text('condition', 'Zustand', 'Condition', { maxLength: 100 }),
    { name: 'quantity_available', label: { de: 'Bestand', en: 'Stock' }, type: 'integer', readOnly: true },
    { name: 'opening_quantity', label: { de: 'Anfangsbestand', en: 'Opening stock' }, type: 'integer', virtual: true, createOnly: true, min: 0 },
    { name: 'minimum_quantity', label: { de: 'Mindestbestand', en: 'Minimum stock' }, type: 'integer', required: true, min: 0, initial: 0 },
    flag('allow_negative', { de: 'Negativer Bestand erlaubt', en: 'Negative stock allowed' }, { initial: false }),
    text('location', 'Lagerort', 'Location', { maxLength: 100 }),
    { name: 'delivery_options', label: { de: 'Lieferoptionen', en: 'Delivery options' }, type: 'textarea', maxLength: 2000 },
    text('link', 'Link', 'Link', { maxLength: 2000 }),
    text('img_link', 'Bild-Link', 'Image link', { maxLength: 2000 }),
    createdAt(),
    updatedAt(),
  ],
  list: {
    columns: ['sku', 'description', 'customer_id', 'price_micro', 'quantity_available', 'minimum_quantity'],
    optionalColumns: ['condition', 'location', 'updated_at'],
    search: ['sku', 'description'],
    filters: ['customer_id', 'allow_negative'],
    ordering: { field: 'sku', direction: 'asc' },
    sortable: ['quantity_available', 'price_micro', 'created_at'],
  },
  inlines: [
    { resource: 'nadoo_erp.stock_movements', field: 'item_id', limit: 15 },
    { resource: 'nadoo_erp.low_stock_alerts', field: 'item_id', limit: 5 },
  ],
  actions: [
    stockAction('receipt', KIND_LABELS.receipt, { de: 'Bucht gelieferte Ware in den Bestand.', en: 'Books delivered goods into stock.' }),
    stockAction('issue', KIND_LABELS.issue, { de: 'Bucht Ware aus dem Bestand; er wird nicht negativ, außer es ist erlaubt.', en: 'Books goods out of stock; it never goes negative unless allowed.' }),
    stockAction('adjustment', KIND_LABELS.adjustment, { de: 'Eine Korrektur (±) mit Begründung, z. B. nach der Inventur.', en: 'A correction (±) with a reason, e.g. after stocktaking.' }),
  ],
  hooks: {
    async create(ctx, values) {
      return (await createItem(ctx.tx, { ...staffActor(ctx), customerId: String(values.customer_id), fields: itemText(values) })).id;
    },
    async update(ctx, id, values, before) {
      await updateItem(ctx.tx, { ...staffActor(ctx), itemId: id, fields: itemText({ ...before, ...values }) });
    },
    async delete(ctx, ids) {
      for (const itemId of ids) await deleteItem(ctx.tx, { ...staffActor(ctx), itemId });
    },
  },
};

export const stockMovementsResource: AdminResource = {
  app: 'nadoo_erp',
  appLabel,
  name: 'stock_movements',
  table: 'erp_stock_movements',
  label: { de: 'Lagerbewegung', en: 'Stock movement' },
  labelPlural: { de: 'Lagerbewegungen', en: 'Stock movements' },
  title: { columns: ['kind', 'quantity'], format: (row, language) => `${KIND_LABELS[row.kind as keyof typeof KIND_LABELS]?.[language] ?? row.kind} ${row.quantity}` },
  fields: [
    relation('item_id', { de: 'Artikel', en: 'Item' }, 'nadoo_erp.items', 'cascade', { readOnly: true }),
    { name: 'seq', label: { de: 'Nr.', en: 'No.' }, type: 'integer', readOnly: true },
    { name: 'kind', label: { de: 'Art', en: 'Kind' }, type: 'choice', readOnly: true, choices: STOCK_MOVEMENT_KINDS.map((value) => ({ value, label: KIND_LABELS[value] })) },
    { name: 'quantity', label: { de: 'Menge', en: 'Quantity' }, type: 'integer', readOnly: true },
    { name: 'quantity_after', label: { de: 'Bestand danach', en: 'Stock after' }, type: 'integer', readOnly: true },
    text('note', 'Notiz', 'Note', { readOnly: true }),
    relation('author_user_id', { de: 'Gebucht von', en: 'Booked by' }, 'nadooit_auth.users', 'set null', { readOnly: true }),
    createdAt({ de: 'Gebucht', en: 'Booked' }),
  ],
  list: { columns: ['item_id', 'seq', 'kind', 'quantity', 'quantity_after', 'note', 'created_at'], filters: ['kind', 'item_id', 'created_at'], ordering: { field: 'created_at', direction: 'desc' } },
  allow: { add: false, change: false, delete: false },
  timestamps: 'none',
};

export const lowStockAlertsResource: AdminResource = {
  app: 'nadoo_erp',
  appLabel,
  name: 'low_stock_alerts',
  table: 'erp_low_stock_alerts',
  label: { de: 'Mindestbestand-Warnung', en: 'Low-stock alert' },
  labelPlural: { de: 'Mindestbestand-Warnungen', en: 'Low-stock alerts' },
  help: { de: 'Der Hintergrundjob prüft alle 15 Minuten die Bestände.', en: 'The background job checks stock every 15 minutes.' },
  title: { columns: ['item_id', 'quantity'], format: (row) => `${String(row.item_id).slice(0, 8)}: ${row.quantity} / ${row.minimum_quantity}` },
  fields: [
    relation('item_id', { de: 'Artikel', en: 'Item' }, 'nadoo_erp.items', 'cascade', { readOnly: true }),
    relation('customer_id', { de: 'Kunde', en: 'Customer' }, 'nadooit_crm.customers', 'cascade', { readOnly: true }),
    { name: 'quantity', label: { de: 'Bestand', en: 'Stock' }, type: 'integer', readOnly: true },
    { name: 'minimum_quantity', label: { de: 'Mindestbestand', en: 'Minimum' }, type: 'integer', readOnly: true },
    { name: 'raised_at', label: { de: 'Gemeldet', en: 'Raised' }, type: 'datetime', readOnly: true },
    { name: 'resolved_at', label: { de: 'Erledigt', en: 'Resolved' }, type: 'datetime', readOnly: true },
  ],
  list: { columns: ['item_id', 'customer_id', 'quantity', 'minimum_quantity', 'raised_at', 'resolved_at'], filters: ['customer_id', 'raised_at'], ordering: { field: 'raised_at', direction: 'desc' } },
  allow: { add: false, change: false, delete: false },
  timestamps: 'none',
};

export const erpResources: AdminResource[] = [itemsResource, stockMovementsResource, lowStockAlertsResource];
