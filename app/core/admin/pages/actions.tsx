import type { FastifyInstance, FastifyReply } from 'fastify';
import { badRequest, forbidden, HttpError } from '../../http/errors.js';
import type { FieldErrors } from '../../ui/components.js';
import { formList, formString } from '../../ui/forms.js';
import { deletionImpact } from '../relations.js';
import type { Impact } from '../relations.js';
import { deleteRows, loadRows, titlesOfRows } from '../records.js';
import { parseForm } from '../schema.js';
import { primaryKey, resourceUrl, text } from '../site.js';
import { ActionError } from '../types.js';
import type { AdminAction, AdminResource, Row } from '../types.js';
import { adminRequest, checkRelations, inTransaction, recordAudit, relationStates, resourceFor, rowFor, userFacing } from '../request.js';
import type { AdminOptions, AdminRequest } from '../request.js';
import { ActionView, DeleteView } from '../views/confirm.js';
import { AdminShell } from '../views/shell.js';
import { isUuid } from '../values.js';

const MAX_SELECTION = 1000;

function selectedIds(source: unknown): string[] {
  const ids = [...new Set(formList(source, 'ids'))];
  if (ids.length > MAX_SELECTION) throw badRequest(`at most ${MAX_SELECTION} rows at once`);
  return ids.filter(isUuid);
}

async function objectsOf(ar: AdminRequest, resource: AdminResource, rows: Row[]) {
  const base = resourceUrl(resource, ar.d.prefix);
  const titles = await titlesOfRows(ar.options.context.db.kysely, resource, rows, ar.d.language);
  return rows.map((row, i) => {
    const id = String(row[primaryKey(resource)]);
    return { id, title: titles[i]!, href: `${base}${encodeURIComponent(id)}/` };
  });
}

/** Counts of what the cascade of this delete (of `rows` rows together) removed or unlinked, kept in the audit. */
function impactSummary(impacts: Impact[], rows: number): Row | undefined {
  if (impacts.length === 0) return rows > 1 ? { deleted_together: rows } : undefined;
  const out: Row = {};
  const walk = (list: Impact[]) => {
    for (const i of list) {
      const key = `${i.resource.app}.${i.resource.name}`;
      out[key] = Number(out[key] ?? 0) + i.count;
      walk(i.children);
    }
  };
  walk(impacts);
  return rows > 1 ? { deleted_together: rows, related: out } : { related: out };
}

export function actionRoutes(app: FastifyInstance, options: AdminOptions): void {
  const prefix = options.prefix ?? '/admin';
  const db = options.context.db.kysely;

  async function confirmDelete(ar: AdminRequest, reply: FastifyReply, resource: AdminResource, rows: Row[], bulk: boolean, status = 200) {
    const ids = rows.map((r) => String(r[primaryKey(resource)]));
    const { impacts, blocked } = await deletionImpact(db, options.site, resource, ids, ar.d.language);
    const base = resourceUrl(resource, prefix);
    const model = text(resource.label, ar.d.language);
    const objects = await objectsOf(ar, resource, rows);
    const single = !bulk && objects[0];
    return reply.html(
      <AdminShell ctx={ar.ctx} prefix={prefix} title={ar.ctx.t('admin.delete_title', { model })} crumbs={[{ label: text(resource.labelPlural, ar.d.language), href: base }, { label: ar.ctx.t('admin.delete') }]} logoutUrl={options.logoutUrl}>
        <DeleteView
          ctx={ar.ctx}
          d={ar.d}
          action={single ? `${base}${encodeURIComponent(single.id)}/delete` : `${base}action`}
          objects={objects}
          impacts={impacts}
          blocked={blocked}
          cancelHref={single ? single.href : base}
          ids={bulk ? ids : undefined}
        />
      </AdminShell>,
      blocked && status === 200 ? 409 : status,
    );
  }

  /** Deletes the rows (through the resource's hook when it has one), one audit entry per row. */
  async function performDelete(ar: AdminRequest, reply: FastifyReply, resource: AdminResource, ids: string[], bulk: boolean) {
    const { impacts, blocked } = await deletionImpact(db, options.site, resource, ids, ar.d.language);
    if (blocked) return confirmDelete(ar, reply, resource, await loadRows(db, resource, ids), bulk);
    try {
      await inTransaction(ar, async (wctx) => {
        const before = await loadRows(wctx.tx, resource, ids);
        if (resource.hooks?.delete) await resource.hooks.delete(wctx, ids);
        else await deleteRows(wctx.tx, resource, ids);
        const input = impactSummary(impacts, ids.length);
        for (const row of before) {
          await recordAudit(ar, wctx.tx, { resource, objectId: String(row[primaryKey(resource)]), action: 'delete', input, before: row, after: undefined });
        }
      });
    } catch (error) {
      const refusal = userFacing(error);
      if (!refusal) throw error;
      await ar.request.flash('danger', refusal.message);
      return reply.redirect(resourceUrl(resource, prefix), 303);
    }
    await ar.request.flash('success', ar.ctx.t('admin.deleted', { count: ids.length, model: text(ids.length === 1 ? resource.label : resource.labelPlural, ar.d.language) }));
    return reply.redirect(resourceUrl(resource, prefix), 303);
  }

  async function renderAction(ar: AdminRequest, reply: FastifyReply, resource: AdminResource, action: AdminAction, rows: Row[], values: Row, errors?: FieldErrors, status = 200) {
    const fields = action.fields ?? [];
    const base = resourceUrl(resource, prefix);
    const objects = await objectsOf(ar, resource, rows);
    const label = text(action.label, ar.d.language);
    return reply.html(
      <AdminShell ctx={ar.ctx} prefix={prefix} title={label} crumbs={[{ label: text(resource.labelPlural, ar.d.language), href: base }, { label }]} logoutUrl={options.logoutUrl}>
        <ActionView
          ctx={ar.ctx}
          d={ar.d}
          action={{ name: action.name, label, description: text(action.description, ar.d.language) || undefined, destructive: action.destructive }}
          postTo={`${base}action`}
          objects={objects}
          fields={fields}
          values={values}
          errors={errors}
          relations={await relationStates(ar, fields, values)}
          cancelHref={objects.length === 1 ? objects[0]!.href : base}
        />
      </AdminShell>,
      status,
    );
  }

  function actionOf(ar: AdminRequest, resource: AdminResource, name: string): AdminAction | 'delete' {
    if (name === 'delete') {
      if (!ar.access.can(resource, 'delete')) throw forbidden(ar.ctx.t('admin.forbidden'));
      return 'delete';
    }
    const action = resource.actions?.find((a) => a.name === name);
    if (!action) throw badRequest(ar.ctx.t('admin.action.unknown'));
    if (!ar.access.canRun(resource, action)) throw forbidden(ar.ctx.t('admin.forbidden'));
    return action;
  }

  async function runAction(ar: AdminRequest, reply: FastifyReply, resource: AdminResource, action: AdminAction, rows: Row[]) {
    const body = ar.request.body as Record<string, unknown>;
    const fields = action.fields ?? [];
    const parsed = parseForm(fields, body, ar.ctx.t);
    if (!parsed.ok) return renderAction(ar, reply, resource, action, rows, parsed.raw, parsed.errors, 422);
    const relationErrors = await checkRelations(ar, fields, parsed.values);
    if (Object.keys(relationErrors).length) return renderAction(ar, reply, resource, action, rows, parsed.values, relationErrors, 422);
    const ids = rows.map((r) => String(r[primaryKey(resource)]));
    const input = Object.fromEntries(
      Object.entries(parsed.values).map(([k, v]) => [k, fields.some((f) => f.name === k && (f.sensitive || f.type === 'password')) ? '***' : v]),
    );
    let message: string | undefined;
    let redirect: string | undefined;
    try {
      await inTransaction(ar, async (wctx) => {
        const before = await loadRows(wctx.tx, resource, ids);
        const result = await action.run(wctx, ids, parsed.values);
        message = result?.message;
        redirect = result?.redirect;
        const after = action.deletes ? [] : await loadRows(wctx.tx, resource, ids);
        const afterById = new Map(after.map((r) => [String(r[primaryKey(resource)]), r]));
        for (const row of before) {
          const id = String(row[primaryKey(resource)]);
          await recordAudit(ar, wctx.tx, { resource, objectId: id, action: 'action', actionName: action.name, input: Object.keys(input).length ? input : undefined, before: row, after: afterById.get(id) });
        }
      });
    } catch (error) {
      const refusal = userFacing(error);
      if (refusal) return renderAction(ar, reply, resource, action, rows, parsed.values, refusal.fieldErrors ?? { _form: [refusal.message] }, 422);
      throw error;
    }
    const label = text(action.label, ar.d.language);
    await ar.request.flash('success', message ?? ar.ctx.t('admin.action.done', { action: label, count: ids.length }));
    const single = ids.length === 1 && !action.deletes ? `${resourceUrl(resource, prefix)}${encodeURIComponent(ids[0]!)}/` : resourceUrl(resource, prefix);
    return reply.redirect(redirect ?? single, 303);
  }

  app.get(`${prefix}/:app/:name/:id/delete`, async (request, reply) => {
    const ar = await adminRequest(options, request, true);
    const resource = resourceFor(ar, request.params, 'delete');
    const row = await rowFor(ar, resource, (request.params as { id: string }).id);
    return confirmDelete(ar, reply, resource, [row], false);
  });

  app.post(`${prefix}/:app/:name/:id/delete`, async (request, reply) => {
    const ar = await adminRequest(options, request, true);
    const resource = resourceFor(ar, request.params, 'delete');
    const row = await rowFor(ar, resource, (request.params as { id: string }).id);
    return performDelete(ar, reply, resource, [String(row[primaryKey(resource)])], false);
  });

  /** GET shows an action's confirmation (links from the detail page); POST confirms or runs it. */
  app.get(`${prefix}/:app/:name/action`, async (request, reply) => {
    const ar = await adminRequest(options, request, true);
    const resource = resourceFor(ar, request.params);
    const query = request.query as Record<string, unknown>;
    const action = actionOf(ar, resource, formString(query, 'action'));
    const rows = await loadRows(db, resource, selectedIds(query));
    if (rows.length === 0) throw new HttpError(400, 'bad_request', ar.ctx.t('admin.action.none_selected'));
    if (action === 'delete') return confirmDelete(ar, reply, resource, rows, true);
    return renderAction(ar, reply, resource, action, rows, {});
  });

  app.post(`${prefix}/:app/:name/action`, async (request, reply) => {
    const ar = await adminRequest(options, request, true);
    const resource = resourceFor(ar, request.params);
    const body = request.body as Record<string, unknown>;
    const action = actionOf(ar, resource, formString(body, 'action'));
    const ids = selectedIds(body);
    const rows = await loadRows(db, resource, ids);
    if (rows.length === 0) {
      await request.flash('warning', ar.ctx.t('admin.action.none_selected'));
      return reply.redirect(resourceUrl(resource, prefix), 303);
    }
    const confirmed = formString(body, 'confirm') === '1';
    if (action === 'delete') {
      return confirmed ? performDelete(ar, reply, resource, rows.map((r) => String(r[primaryKey(resource)])), true) : confirmDelete(ar, reply, resource, rows, true);
    }
    if (!confirmed) return renderAction(ar, reply, resource, action, rows, {});
    return runAction(ar, reply, resource, action, rows);
  });
}

