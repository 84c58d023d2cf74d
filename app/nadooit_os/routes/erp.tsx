import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyMultipart from '@fastify/multipart';
import { Readable } from 'node:stream';
import type { AppContext } from '../../core/app-module.js';
import { InvalidInput } from '../../core/errors.js';
import { HttpError } from '../../core/http/errors.js';
import type { FieldErrors } from '../../core/ui/components.js';
import { requireUser } from '../../nadooit_auth/guards.js';
import {
  CsvImportRefused,
  createItem,
  deleteItem,
  erpCustomersOf,
  exportItemsCsv,
  importItemsCsv,
  isManualKind,
  itemFor,
  itemsOfCustomer,
  moveStock,
  openAlerts,
  stockMovements,
  updateItem,
} from '../../nadoo_erp/services/index.js';
import type { ItemText, RowError } from '../../nadoo_erp/services/index.js';
import { getCustomer, listCustomers } from '../../nadooit_crm/services.js';
import { erpPaths } from '../paths-erp.js';
import { ErpPage, ItemPage, itemFormValues } from '../views/erp.js';
import type { ErpCustomerBlock } from '../views/erp.js';
import { dashboardPage, queryString, replyNoRole, uuidParam } from './context.js';
import { flashAction } from './flash-action.js';

const MAX_CSV_BYTES = 5 * 1024 * 1024;

function formText(request: FastifyRequest): ItemText {
  const body = (request.body ?? {}) as Record<string, unknown>;
  const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : undefined);
  return {
    sku: text('sku'),
    description: text('description'),
    price: text('price'),
    currency: text('currency'),
    condition: text('condition'),
    quantity: text('quantity'),
    minimum_quantity: text('minimum_quantity'),
    allow_negative: text('allow_negative') ? 'ja' : 'nein',
    location: text('location'),
    delivery_options: text('delivery_options'),
    link: text('link'),
    img_link: text('img_link'),
  };
}

/** A service's field refusals as form errors (400), or null for any other refusal. */
function fieldErrorsOf(error: unknown): FieldErrors | null {
  if (!(error instanceof InvalidInput) || !Array.isArray(error.details)) return null;
  const errors: FieldErrors = {};
  for (const d of error.details as Array<{ field: string; message: string }>) (errors[d.field] ??= []).push(d.message);
  return errors;
}

/** The uploaded CSV file as text; the platform's CSRF check then finds the token among the fields. */
async function multipartForm(request: FastifyRequest): Promise<void> {
  if (!request.isMultipart()) return;
  const fields: Record<string, string> = {};
  try {
    for await (const part of request.parts()) fields[part.fieldname] = part.type === 'file' ? (await part.toBuffer()).toString('utf8') : String(part.value);
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) throw error;
    throw new HttpError(400, 'invalid_multipart', 'Die Datei konnte nicht gelesen werden.');
  }
  request.body = fields;
}

/**
 * "Artikel & Lager" for customer managers (nadoo_erp/services/access.ts): items, stock movements, low-stock
 * alerts and CSV files of the customers the viewer manages. Every action asks the ERP service, which checks
 * the same role rule the API and the admin use.
 */
export function erpRoutes(scope: FastifyInstance, app: AppContext): void {
  const db = app.db.kysely;
  const actor = (request: FastifyRequest) => ({ actorUserId: requireUser(request).id });

  async function overview(request: FastifyRequest, reply: FastifyReply, extra: { customerId?: string; importErrors?: RowError[]; newItem?: ErpCustomerBlock['newItem'] } = {}, status = 200) {
    const { ctx, viewer } = await dashboardPage(request, app);
    const ids = await erpCustomersOf(db, requireUser(request).id);
    if (!ids.length) return replyNoRole(reply, ctx, viewer, ctx.t('erp.title'));
    const q = queryString(request, 'q') ?? '';
    const low = queryString(request, 'low') === '1';
    const blocks = await Promise.all(
      (await listCustomers(db, { ids })).map(async (customer) => ({
        customer,
        items: await itemsOfCustomer(db, customer.id, { search: q, lowOnly: low, limit: 500 }),
        alerts: await openAlerts(db, customer.id),
        ...(customer.id === extra.customerId ? { importErrors: extra.importErrors, newItem: extra.newItem } : {}),
      })),
    );
    return reply.html(<ErpPage ctx={ctx} viewer={viewer} blocks={blocks} query={{ q, low }} />, status);
  }

  scope.get('/erp/', (request, reply) => overview(request, reply));

  scope.post('/erp/:customerId/items', async (request, reply) => {
    const customerId = uuidParam(request, 'customerId');
    const values = formText(request);
    try {
      const item = await createItem(db, { ...actor(request), customerId, fields: values });
      await request.flash('success', request.t('erp.created'));
      return reply.redirect(erpPaths.item(item.id), 303);
    } catch (error) {
      const errors = fieldErrorsOf(error);
      if (!errors) throw error;
      return overview(request, reply, { customerId, newItem: { values, errors } }, 400);
    }
  });

  scope.get('/erp/:customerId/artikel.csv', async (request, reply) => {
    const customerId = uuidParam(request, 'customerId');
    const lines = await exportItemsCsv(db, { ...actor(request), customerId });
    const customer = await getCustomer(db, customerId);
    const name = `artikel-${(customer?.name ?? 'kunde').replace(/[^\w-]+/g, '_').slice(0, 40)}.csv`;
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}"`).send(Readable.from(lines));
  });

  scope.register(async (upload) => {
    await upload.register(fastifyMultipart, { limits: { fields: 5, fieldSize: 1024, files: 1, fileSize: MAX_CSV_BYTES, parts: 6 } });
    upload.addHook('preValidation', multipartForm);
    upload.post('/erp/:customerId/import', async (request, reply) => {
      const customerId = uuidParam(request, 'customerId');
      const csv = ((request.body ?? {}) as Record<string, string>).file;
      if (!csv) {
        await request.flash('danger', request.t('erp.import.nofile'));
        return reply.redirect(erpPaths.home, 303);
      }
      try {
        const result = await importItemsCsv(db, { ...actor(request), customerId, csv });
        await request.flash('success', request.t('erp.import.done', { ...result }));
        return reply.redirect(erpPaths.home, 303);
      } catch (error) {
        if (!(error instanceof CsvImportRefused)) throw error;
        return overview(request, reply, { customerId, importErrors: error.errors }, 400);
      }
    });
  });

  async function itemPage(request: FastifyRequest, reply: FastifyReply, form?: { values: ItemText; errors: FieldErrors }) {
    const { ctx, viewer } = await dashboardPage(request, app);
    const item = await itemFor(db, actor(request), uuidParam(request, 'itemId'));
    const [customer, movements] = await Promise.all([getCustomer(db, item.customer_id), stockMovements(db, item.id, { limit: 100 })]);
    return reply.html(
      <ItemPage ctx={ctx} viewer={viewer} customer={customer!} item={item} movements={movements} form={form ?? { values: itemFormValues(item) }} timeZone={app.settings.timeZone} />,
      form ? 400 : 200,
    );
  }

  scope.get('/erp/items/:itemId', (request, reply) => itemPage(request, reply));

  scope.post('/erp/items/:itemId', async (request, reply) => {
    const itemId = uuidParam(request, 'itemId');
    const values = formText(request);
    try {
      await updateItem(db, { ...actor(request), itemId, fields: values });
    } catch (error) {
      const errors = fieldErrorsOf(error);
      if (!errors) throw error;
      return itemPage(request, reply, { values, errors });
    }
    await request.flash('success', request.t('erp.saved'));
    return reply.redirect(erpPaths.item(itemId), 303);
  });

  scope.post('/erp/items/:itemId/movements', async (request, reply) => {
    const itemId = uuidParam(request, 'itemId');
    const body = (request.body ?? {}) as Record<string, string | undefined>;
    return flashAction(request, reply, erpPaths.item(itemId), request.t('erp.moved'), async () => {
      const quantity = Number((body.quantity ?? '').trim());
      if (!/^[+-]?\d+$/.test((body.quantity ?? '').trim())) throw new InvalidInput(request.t('erp.error.quantity'));
      if (!isManualKind(body.kind)) throw new InvalidInput('Unbekannte Bewegungsart.');
      return moveStock(db, { ...actor(request), itemId, kind: body.kind, quantity, note: body.note ?? null });
    });
  });

  scope.post('/erp/items/:itemId/delete', async (request, reply) => {
    await deleteItem(db, { ...actor(request), itemId: uuidParam(request, 'itemId') });
    await request.flash('success', request.t('erp.deleted'));
    return reply.redirect(erpPaths.home, 303);
  });
}

