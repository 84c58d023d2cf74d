import { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../../core/app-module.js';
import { notFound } from '../../core/http/errors.js';
import { itemsResource } from '../../nadoo_erp/admin.js';
import {
  createItem,
  deleteItem,
  exportItemsCsv,
  getItem,
  importItemsCsv,
  itemsOfCustomer,
  moveStock,
  openAlerts,
  stockMovements,
  updateItem,
} from '../../nadoo_erp/services/index.js';
import type { Item, ItemText } from '../../nadoo_erp/services/index.js';
import { formatDecimal } from '../../nadooit_api_executions_system/services/index.js';
import { actorOf, principalOf } from '../auth.js';
import { IdParams, NoContent, conflictErrors, errors, items } from '../schemas.js';
import {
  CsvImport,
  CsvImportResult,
  CustomerParams,
  ErpItem,
  ErpItemCreate,
  ErpItemPatch,
  ErpItemQuery,
  LowStockAlert,
  MovementQuery,
  MovementResult,
  StockMovement,
  StockMovementCreate,
} from '../schemas-erp.js';
import { AREAS, inScope, staffMay, visibleCustomers } from '../scope.js';
import type { Api } from '../types.js';


function itemOut(i: Item) {
  return {
    id: i.id,
    customer_id: i.customer_id,
    sku: i.sku,
    description: i.description,
    price: formatDecimal(i.price_micro),
    currency: i.currency,
    condition: i.condition,
    quantity_available: i.quantity_available,
    minimum_quantity: i.minimum_quantity,
    allow_negative: i.allow_negative,
    below_minimum: i.quantity_available < i.minimum_quantity,
    location: i.location,
    delivery_options: i.delivery_options,
    link: i.link,
    img_link: i.img_link,
    created_at: i.created_at,
    updated_at: i.updated_at,
  };
}

type ItemBody = Partial<Record<'sku' | 'description' | 'price' | 'currency' | 'condition' | 'location' | 'delivery_options', string>> & {
  minimum_quantity?: number;
  allow_negative?: boolean;
  link?: string | null;
  img_link?: string | null;
  quantity?: number;
};

/** The JSON body as the text fields the service reads, so the API refuses exactly what forms and CSV refuse. */
function itemText(body: ItemBody): ItemText {
  const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v));
  return {
    sku: body.sku,
    description: body.description,
    price: body.price,
    currency: body.currency,
    condition: body.condition,
    minimum_quantity: str(body.minimum_quantity),
    allow_negative: body.allow_negative === undefined ? undefined : body.allow_negative ? 'ja' : 'nein',
    location: body.location,
    delivery_options: body.delivery_options,
    link: str(body.link),
    img_link: str(body.img_link),
    quantity: str(body.quantity),
  };
}

function textOf(item: Item): ItemBody {
  return { ...item, price: formatDecimal(item.price_micro), link: item.link, img_link: item.img_link };
}

/**
 * /erp: a customer's articles, stock ledger, low-stock alerts and CSV files. Read and written by the
 * customer's managers (role customer_manager, see nadoo_erp/services/access.ts) and by staff holding the
 * admin's permission on ERP items; the services check the same rule the dashboard and the admin use.
 */
export function erpRoutes(api: Api, { db }: AppContext): void {
  const kysely = db.kysely;

  /** The customer of the path if the caller sees ERP data there (404 otherwise: nothing is disclosed). */
  async function customerInScope(request: FastifyRequest, customerId: string) {
    const scope = await visibleCustomers(kysely, principalOf(request), AREAS.erp);
    if (!inScope(scope, customerId)) throw notFound('Kunde nicht gefunden').localized('api.error.customer_not_found');
  }
  async function itemInScope(request: FastifyRequest, itemId: string) {
    const item = await getItem(kysely, itemId);
    if (!item) throw notFound('Artikel nicht gefunden').localized('api.error.item_not_found');
    await customerInScope(request, item.customer_id);
    return item;
  }
  const actor = (request: FastifyRequest, permission: 'view' | 'add' | 'change' | 'delete') => actorOf(request, staffMay(principalOf(request), [itemsResource], permission));

  api.get(
    '/erp/customers/:customerId/items',
    { schema: { tags: ['erp'], summary: "A customer's items by article number", params: CustomerParams, querystring: ErpItemQuery, response: { 200: items(ErpItem), ...errors } } },
    async (request) => {
      await customerInScope(request, request.params.customerId);
      const q = request.query;
      const rows = await itemsOfCustomer(kysely, request.params.customerId, { search: q.search, lowOnly: q.low_only === 'true', limit: q.limit, afterSku: q.after_sku });
      return { items: rows.map(itemOut) };
    },
  );

  api.post(
    '/erp/customers/:customerId/items',
    { schema: { tags: ['erp'], summary: 'Create an item (an opening stock becomes its first movement)', params: CustomerParams, body: ErpItemCreate, response: { 201: ErpItem, ...conflictErrors } } },
    async (request, reply) => {
      await customerInScope(request, request.params.customerId);
      const item = await createItem(kysely, { ...actor(request, 'add'), customerId: request.params.customerId, fields: itemText(request.body) });
      return reply.code(201).send(itemOut(item));
    },
  );

  api.get('/erp/items/:id', { schema: { tags: ['erp'], summary: 'One item', params: IdParams, response: { 200: ErpItem, ...errors } } }, async (request) =>
    itemOut(await itemInScope(request, request.params.id)),
  );

  api.patch(
    '/erp/items/:id',
    { schema: { tags: ['erp'], summary: 'Change item fields (stock changes through movements only)', params: IdParams, body: ErpItemPatch, response: { 200: ErpItem, ...conflictErrors } } },
    async (request) => {
      const item = await itemInScope(request, request.params.id);
      const merged = itemText({ ...textOf(item), ...request.body, quantity: undefined });
      return itemOut(await updateItem(kysely, { ...actor(request, 'change'), itemId: item.id, fields: merged }));
    },
  );

  api.delete('/erp/items/:id', { schema: { tags: ['erp'], summary: 'Delete an item with its movements', params: IdParams, response: { 204: NoContent, ...errors } } }, async (request, reply) => {
    const item = await itemInScope(request, request.params.id);
    await deleteItem(kysely, { ...actor(request, 'delete'), itemId: item.id });
    return reply.code(204).send(null);
  });

  api.get(
    '/erp/items/:id/movements',
    { schema: { tags: ['erp'], summary: 'Stock movements, newest first (the stock is their sum)', params: IdParams, querystring: MovementQuery, response: { 200: items(StockMovement), ...errors } } },
    async (request) => {
      const item = await itemInScope(request, request.params.id);
      return { items: await stockMovements(kysely, item.id, { limit: request.query.limit, beforeSeq: request.query.before_seq }) };
    },
  );

  api.post(
    '/erp/items/:id/movements',
    {
      schema: {
        tags: ['erp'],
        summary: 'Book goods in (receipt), out (issue) or a stocktaking adjustment; 409 when the stock would go negative',
        params: IdParams,
        body: StockMovementCreate,
        response: { 201: MovementResult, ...conflictErrors },
      },
    },
    async (request, reply) => {
      const item = await itemInScope(request, request.params.id);
      const moved = await moveStock(kysely, { ...actor(request, 'change'), itemId: item.id, kind: request.body.kind, quantity: request.body.quantity, note: request.body.note ?? null });
      return reply.code(201).send({ movement_id: moved.movementId, quantity_after: moved.quantityAfter });
    },
  );

  api.get(
    '/erp/customers/:customerId/alerts',
    { schema: { tags: ['erp'], summary: 'Open low-stock alerts (raised by the background job every 15 minutes)', params: CustomerParams, response: { 200: items(LowStockAlert), ...errors } } },
    async (request) => {
      await customerInScope(request, request.params.customerId);
      return { items: (await openAlerts(kysely, request.params.customerId)).map(({ customer_id: _c, resolved_at: _r, ...a }) => a) };
    },
  );

  api.get(
    '/erp/customers/:customerId/items.csv',
    {
      schema: {
        tags: ['erp'],
        summary: 'All items as CSV (streamed, any size)',
        description: 'Columns: sku,description,price,currency,condition,quantity,minimum_quantity,allow_negative,location,delivery_options,link,img_link — the import reads the same.',
        params: CustomerParams,
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      await customerInScope(request, request.params.customerId);
      const lines = await exportItemsCsv(kysely, { ...actor(request, 'view'), customerId: request.params.customerId });
      return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="artikel.csv"').send(Readable.from(lines));
    },
  );

  api.post(
    '/erp/customers/:customerId/items/import',
    {
      schema: {
        tags: ['erp'],
        summary: 'Import items from CSV by article number: every row is checked first; any error → 400 with one detail per row and column ("csv.<line>.<column>") and nothing written',
        params: CustomerParams,
        body: CsvImport,
        response: { 200: CsvImportResult, ...conflictErrors },
      },
    },
    async (request) => {
      await customerInScope(request, request.params.customerId);
      return importItemsCsv(kysely, { ...actor(request, 'change'), customerId: request.params.customerId, csv: request.body.csv });
    },
  );
}
