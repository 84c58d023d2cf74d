import type { FastifyInstance, FastifyReply } from 'fastify';
import type { FieldErrors } from '../../ui/components.js';
import { untyped } from '../query.js';
import { constraintErrors, insertRow, loadRow, relationTitles, titlesOfRows, updateRow } from '../records.js';
import { editableFields, parseForm, visibleFields } from '../schema.js';
import type { FormMode } from '../schema.js';
import { allows, primaryKey, resourceKey, resourceUrl, text } from '../site.js';
import { ActionError } from '../types.js';
import type { AdminResource, Row } from '../types.js';
import { adminRequest, checkRelations, columnField, inTransaction, recordAudit, relationStates, resourceFor, rowFor, userFacing } from '../request.js';
import type { AdminOptions, AdminRequest } from '../request.js';
import { DetailView } from '../views/detail.js';
import type { InlineData } from '../views/detail.js';
import { FormView } from '../views/form.js';
import { AdminShell } from '../views/shell.js';

const INLINE_LIMIT = 10;

function crumbs(ar: AdminRequest, resource: AdminResource, last: string, objectHref?: string, objectTitle?: string) {
  const list = { label: text(resource.labelPlural, ar.d.language), href: resourceUrl(resource, ar.d.prefix) };
  const object = objectHref && objectTitle ? [{ label: objectTitle, href: objectHref }] : [];
  return [{ label: text(resource.appLabel, ar.d.language) }, list, ...object, { label: last }];
}

/** The create form's starting values: field initials, overridden by query parameters (inline "add" links). */
function initialValues(resource: AdminResource, query: Record<string, unknown>): Row {
  const values: Row = {};
  for (const field of resource.fields) {
    const initial = typeof field.initial === 'function' ? (field.initial as () => unknown)() : field.initial;
    if (initial !== undefined) values[field.name] = initial;
    const given = query[field.name];
    if (typeof given === 'string' && given !== '') values[field.name] = field.type === 'boolean' ? given === '1' || given === 'on' : given;
  }
  return values;
}

async function inlinesFor(ar: AdminRequest, resource: AdminResource, id: string): Promise<InlineData[]> {
  const db = ar.options.context.db.kysely;
  const out: InlineData[] = [];
  for (const inline of resource.inlines ?? []) {
    const child = ar.options.site.get(inline.resource)!;
    if (!ar.access.can(child, 'view')) continue;
    const names = inline.columns ?? child.list.columns.filter((c) => c !== inline.field);
    const columns = names.map((n) => columnField(child, n)).filter((f) => f && !f.sensitive) as InlineData['columns'];
    const pk = primaryKey(child);
    const { field: orderField, direction } = child.list.ordering;
    const currency = columns.flatMap((c) => (c.type === 'money' && c.currencyField ? [c.currencyField] : []));
    const limit = inline.limit ?? INLINE_LIMIT;
    const rows = (await untyped(db)
      .selectFrom(child.table)
      .select([...new Set([pk, orderField, ...names, ...currency])])
      .where(inline.field, '=', id)
      .orderBy(orderField, direction)
      .orderBy(pk, direction)
      .limit(limit + 1)
      .execute()) as Row[];
    out.push({
      inline,
      resource: child,
      columns,
      rows: rows.slice(0, limit),
      more: rows.length > limit,
      titles: await relationTitles(db, ar.options.site, child, rows, names, ar.d.language),
      canAdd: ar.access.can(child, 'add'),
    });
  }
  return out;
}

/** Whether the model is edited by form at all (switched on, with a field the form writes). */
function formEditable(ar: AdminRequest, resource: AdminResource): boolean {
  return allows(resource, 'change') && editableFields(resource, 'change', ar.user).length > 0;
}

/**
 * Why this user cannot change the resource's records by form, or null when they can: the model is read-only
 * (changed only by its actions, named) or the user lacks the permission.
 */
function readOnlyNotice(ar: AdminRequest, resource: AdminResource): { text: string; byPermission: boolean } | null {
  if (!formEditable(ar, resource)) {
    const model = text(resource.labelPlural, ar.d.language);
    const actions = (resource.actions ?? []).filter((a) => a.onDetail !== false && ar.access.canRun(resource, a)).map((a) => text(a.label, ar.d.language));
    const message = actions.length ? ar.ctx.t('admin.readonly.actions', { model, actions: actions.join(', ') }) : ar.ctx.t('admin.readonly.fixed', { model });
    return { text: message, byPermission: false };
  }
  if (!ar.access.can(resource, 'change')) return { text: ar.ctx.t('admin.readonly.permission'), byPermission: true };
  return null;
}

export function editRoutes(app: FastifyInstance, options: AdminOptions): void {
  const prefix = options.prefix ?? '/admin';
  const db = options.context.db.kysely;

  async function renderForm(
    ar: AdminRequest,
    reply: FastifyReply,
    resource: AdminResource,
    mode: FormMode,
    state: { id?: string; row: Row; values: Row; errors?: FieldErrors; readOnly?: string },
    status = 200,
  ) {
    const editable = new Set(state.readOnly ? [] : editableFields(resource, mode, ar.user).map((f) => f.name));
    const fields = visibleFields(resource, mode).filter((f) => editable.has(f.name) || mode === 'change');
    const relations = await relationStates(ar, fields, state.values);
    const model = text(resource.label, ar.d.language);
    const title = mode === 'create' ? ar.ctx.t('admin.add_title', { model }) : ar.ctx.t('admin.change_title', { model });
    const objectTitle = mode === 'change' ? (await titlesOfRows(db, resource, [state.row], ar.d.language))[0] : undefined;
    const objectHref = state.id ? `${resourceUrl(resource, prefix)}${encodeURIComponent(state.id)}/` : undefined;
    return reply.html(
      <AdminShell ctx={ar.ctx} prefix={prefix} title={objectTitle ? `${title}: ${objectTitle}` : title} crumbs={crumbs(ar, resource, title, objectHref, objectTitle)} logoutUrl={options.logoutUrl}>
        <FormView
          ctx={ar.ctx}
          d={ar.d}
          resource={resource}
          mode={mode}
          id={state.id}
          row={state.row}
          values={state.values}
          fields={fields}
          editable={editable}
          errors={state.errors}
          relations={relations}
          canDelete={ar.access.can(resource, 'delete')}
          readOnly={state.readOnly}
        />
      </AdminShell>,
      status,
    );
  }

  /**
   * The edit URL of a record this user cannot change here shows it read-only with the reason (and the
   * actions that do change it) instead of a bare 403: 200 where the model is never edited by form, 405 for a
   * POST to it, 403 where only the permission is missing.
   */
  async function readOnlyPage(ar: AdminRequest, reply: FastifyReply, resource: AdminResource, id: string, method: 'GET' | 'POST') {
    const row = await rowFor(ar, resource, id);
    const notice = readOnlyNotice(ar, resource)!;
    if (!notice.byPermission && method === 'POST') reply.header('allow', 'GET, HEAD');
    const status = notice.byPermission ? 403 : method === 'POST' ? 405 : 200;
    return renderForm(ar, reply, resource, 'change', { id, row, values: row, readOnly: notice.text }, status);
  }

  /** Validates and saves a create or change form; re-renders it with field errors (422) when invalid. */
  async function save(ar: AdminRequest, reply: FastifyReply, resource: AdminResource, mode: FormMode, stored?: Row) {
    const body = ar.request.body as Record<string, unknown>;
    const fields = editableFields(resource, mode, ar.user);
    const parsed = parseForm(fields, body, ar.ctx.t);
    const id = stored ? String(stored[primaryKey(resource)]) : undefined;
    const row = stored ?? {};
    const fail = (errors: FieldErrors, raw: Row) => renderForm(ar, reply, resource, mode, { id, row, values: { ...row, ...raw }, errors }, 422);
    if (!parsed.ok) return fail(parsed.errors, parsed.raw);
    const relationErrors = await checkRelations(ar, fields, parsed.values);
    if (Object.keys(relationErrors).length) return fail(relationErrors, parsed.values);
    let savedId: string;
    try {
      const outcome = await inTransaction(ar, async (wctx) => {
        const errors = await resource.hooks?.validate?.(wctx, parsed.values, mode, id);
        if (errors && Object.keys(errors).length) return { errors };
        if (mode === 'create') {
          const newId = resource.hooks?.create ? await resource.hooks.create(wctx, parsed.values) : await insertRow(wctx.tx, resource, parsed.values);
          const after = await loadRow(wctx.tx, resource, newId);
          await recordAudit(ar, wctx.tx, { resource, objectId: newId, action: 'create', before: undefined, after });
          return { id: newId, changed: true };
        }
        const before = await loadRow(wctx.tx, resource, id!);
        if (!before) throw new ActionError(ar.ctx.t('admin.not_found'));
        if (resource.hooks?.update) await resource.hooks.update(wctx, id!, parsed.values, before);
        else await updateRow(wctx.tx, resource, id!, parsed.values);
        const after = await loadRow(wctx.tx, resource, id!);
        const changed = await recordAudit(ar, wctx.tx, { resource, objectId: id!, action: 'update', before, after });
        return { id: id!, changed };
      });
      if ('errors' in outcome) return fail(outcome.errors as FieldErrors, parsed.values);
      savedId = outcome.id;
      const [title] = await titlesOfRows(db, resource, [(await loadRow(db, resource, savedId)) ?? {}], ar.d.language);
      const model = text(resource.label, ar.d.language);
      await ar.request.flash(
        'success',
        outcome.changed ? ar.ctx.t(mode === 'create' ? 'admin.created' : 'admin.updated', { model, title: title ?? savedId }) : ar.ctx.t('admin.no_changes'),
      );
    } catch (error) {
      const refusal = userFacing(error);
      if (refusal) return fail(refusal.fieldErrors ?? { _form: [refusal.message] }, parsed.values);
      const constraint = constraintErrors(error, resource);
      if (!constraint) throw error;
      const message = ar.ctx.t(constraint.kind === 'unique' ? 'admin.error.unique' : 'admin.error.constraint');
      return fail(constraint.field ? { [constraint.field]: [message] } : { _form: [message] }, parsed.values);
    }
    const base = resourceUrl(resource, prefix);
    if (body._continue) return reply.redirect(`${base}${encodeURIComponent(savedId)}/change`, 303);
    if (body._addanother) return reply.redirect(`${base}add`, 303);
    return reply.redirect(base, 303);
  }

  app.get(`${prefix}/:app/:name/add`, async (request, reply) => {
    const ar = await adminRequest(options, request, true);
    const resource = resourceFor(ar, request.params, 'add');
    const values = initialValues(resource, request.query as Record<string, unknown>);
    return renderForm(ar, reply, resource, 'create', { row: values, values });
  });

  app.post(`${prefix}/:app/:name/add`, async (request, reply) => {
    const ar = await adminRequest(options, request, true);
    const resource = resourceFor(ar, request.params, 'add');
    return save(ar, reply, resource, 'create');
  });

  app.get(`${prefix}/:app/:name/:id/`, async (request, reply) => {
    const ar = await adminRequest(options, request);
    const resource = resourceFor(ar, request.params);
    const { id } = request.params as { id: string };
    const row = await rowFor(ar, resource, id);
    const fields = visibleFields(resource);
    const allFields = [columnField(resource, primaryKey(resource))!, ...fields.filter((f) => f.name !== primaryKey(resource))];
    const titles = await relationTitles(db, options.site, resource, [row], fields.map((f) => f.name), ar.d.language);
    const [title = id] = await titlesOfRows(db, resource, [row], ar.d.language);
    const actions = (resource.actions ?? [])
      .filter((a) => a.onDetail !== false && ar.access.canRun(resource, a))
      .map((a) => ({ name: a.name, label: text(a.label, ar.d.language), destructive: a.destructive }));
    const extra = resource.extra ? await resource.extra(db, row, ar.d) : undefined;
    return reply.html(
      <AdminShell ctx={ar.ctx} prefix={prefix} title={title} crumbs={crumbs(ar, resource, title)} logoutUrl={options.logoutUrl}>
        <DetailView
          ctx={ar.ctx}
          d={ar.d}
          resource={resource}
          row={row}
          fields={allFields}
          titles={titles}
          canChange={!readOnlyNotice(ar, resource)}
          readOnly={formEditable(ar, resource) ? undefined : readOnlyNotice(ar, resource)?.text}
          canDelete={ar.access.can(resource, 'delete')}
          actions={actions}
          inlines={await inlinesFor(ar, resource, id)}
          historyHref={options.historyHref?.(ar.access, resourceKey(resource), id) ?? null}
          extra={extra}
        />
      </AdminShell>,
    );
  });

  app.get(`${prefix}/:app/:name/:id`, async (request, reply) => {
    return reply.redirect(`${request.url.split('?')[0]}/`);
  });

  app.get(`${prefix}/:app/:name/:id/change`, async (request, reply) => {
    const ar = await adminRequest(options, request, true);
    const resource = resourceFor(ar, request.params);
    const { id } = request.params as { id: string };
    if (readOnlyNotice(ar, resource)) return readOnlyPage(ar, reply, resource, id, 'GET');
    const row = await rowFor(ar, resource, id);
    return renderForm(ar, reply, resource, 'change', { id, row, values: row });
  });

  app.post(`${prefix}/:app/:name/:id/change`, async (request, reply) => {
    const ar = await adminRequest(options, request, true);
    const resource = resourceFor(ar, request.params);
    const { id } = request.params as { id: string };
    if (readOnlyNotice(ar, resource)) return readOnlyPage(ar, reply, resource, id, 'POST');
    const row = await rowFor(ar, resource, id);
    return save(ar, reply, resource, 'change', row);
  });
}
