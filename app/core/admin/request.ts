import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../app-module.js';
import { transaction } from '../db/transaction.js';
import { HttpError, forbidden, notFound } from '../http/errors.js';
import type { CurrentUser } from '../http/types.js';
import { pageContext } from '../ui/page-context.js';
import type { PageContext } from '../ui/page-context.js';
import { staffAccess } from './access.js';
import type { Access, AdminBackend, AuditAction } from './access.js';
import type { AdminHome } from './home.js';
import { changedFields, loadRow, snapshot, titlesFor, titlesOfRows } from './records.js';
import { choicesOf, primaryKey, resourceKey, text } from './site.js';
import type { AdminSite } from './site.js';
import { ActionError } from './types.js';
import type { AdminField, AdminResource, Permission, Row, WriteContext } from './types.js';
import type { Display } from './views/cells.js';
import type { Option } from './views/widgets.js';
import { untyped } from './query.js';
import { isUuid } from './values.js';

export interface AdminOptions {
  site: AdminSite;
  context: AppContext;
  backend: AdminBackend;
  /** Lets only staff with a verified second factor through (throws/redirects otherwise). */
  guard(request: FastifyRequest, reply: FastifyReply): Promise<void> | void;
  prefix?: string;
  logoutUrl?: string;
  /** The start page's section order and "needs attention" numbers (default: apps in registration order). */
  home?: AdminHome;
  /** The audit log list filtered to one object, if the user may see it. */
  historyHref?(access: Access, resource: string, objectId: string): string | null;
}

/** Everything one admin request needs, resolved once. */
export interface AdminRequest {
  options: AdminOptions;
  request: FastifyRequest;
  user: CurrentUser;
  access: Access;
  ctx: PageContext;
  d: Display;
}

const cache = new WeakMap<FastifyRequest, Access>();

export async function adminRequest(options: AdminOptions, request: FastifyRequest, forms = false): Promise<AdminRequest> {
  const user = request.user;
  if (!user) throw forbidden();
  let access = cache.get(request);
  if (!access) {
    access = await staffAccess(options.context.db.kysely, user);
    cache.set(request, access);
  }
  const ctx = await pageContext(request, { forms });
  const d: Display = {
    language: request.language,
    timeZone: options.context.settings.timeZone,
    prefix: options.prefix ?? '/admin',
    site: options.site,
    t: request.t,
  };
  return { options, request, user, access, ctx, d };
}

/** The resource named in the URL, if this user may at least see it; 404 for unknown, 403 for forbidden. */
export function resourceFor(ar: AdminRequest, params: unknown, permission: Permission = 'view'): AdminResource {
  const { app, name } = params as { app: string; name: string };
  const resource = ar.options.site.find(app, name);
  if (!resource) throw notFound(ar.ctx.t('admin.not_found'));
  if (!ar.access.can(resource, 'view')) throw forbidden(ar.ctx.t('admin.forbidden'));
  if (!ar.access.can(resource, permission)) throw forbidden(ar.ctx.t('admin.forbidden'));
  return resource;
}

export async function rowFor(ar: AdminRequest, resource: AdminResource, id: string): Promise<Row> {
  const row = isUuid(id) || primaryKey(resource) !== 'id' ? await loadRow(ar.options.context.db.kysely, resource, id) : undefined;
  if (!row) throw notFound(ar.ctx.t('admin.not_found'));
  return row;
}

/** The primary key field, declared or not (so `id` can be a list column). */
export function fieldsWithKey(resource: AdminResource): AdminField[] {
  const pk = primaryKey(resource);
  if (resource.fields.some((f) => f.name === pk)) return resource.fields;
  return [{ name: pk, label: { de: 'ID', en: 'ID' }, type: 'uuid', readOnly: true }, ...resource.fields];
}

export function columnField(resource: AdminResource, name: string): AdminField | undefined {
  return fieldsWithKey(resource).find((f) => f.name === name);
}

export function writeContext(ar: AdminRequest, tx: WriteContext['tx']): WriteContext {
  return { tx, actor: ar.user, context: ar.options.context, language: ar.d.language, t: ar.ctx.t };
}

export interface AuditedChange {
  resource: AdminResource;
  objectId: string;
  action: AuditAction;
  actionName?: string;
  input?: Row;
  before: Row | undefined;
  after: Row | undefined;
}

/** Writes the audit entry for one object; unchanged updates are not recorded (nothing was written). */
export async function recordAudit(ar: AdminRequest, tx: WriteContext['tx'], change: AuditedChange): Promise<boolean> {
  const before = snapshot(change.resource, change.before);
  const after = snapshot(change.resource, change.after);
  if (change.action === 'update' && changedFields(before, after).filter((f) => f !== 'updated_at').length === 0) return false;
  const row = change.after ?? change.before;
  const [label] = row ? await titlesOfRows(tx as never, change.resource, [row], ar.d.language) : [change.objectId];
  await ar.options.backend.audit(tx, {
    actor: ar.user,
    ip: ar.request.ip ?? null,
    resource: resourceKey(change.resource),
    objectId: change.objectId,
    objectLabel: label ?? change.objectId,
    action: change.action,
    actionName: change.actionName,
    input: change.input,
    before,
    after,
  });
  return true;
}

/** Runs admin writes in one transaction (retried on serialization failures like every write). */
export function inTransaction<T>(ar: AdminRequest, work: (wctx: WriteContext) => Promise<T>): Promise<T> {
  return transaction(ar.options.context.db.kysely, (tx) => work(writeContext(ar, tx)));
}

/** For each relation field of a form: the current value's title and a first page of choices. */
export async function relationStates(ar: AdminRequest, fields: AdminField[], values: Row): Promise<Map<string, { label?: string; options: Option[] }>> {
  const out = new Map<string, { label?: string; options: Option[] }>();
  const db = ar.options.context.db.kysely;
  for (const field of fields) {
    if (field.type !== 'relation' || !field.relation) continue;
    const target = ar.options.site.get(field.relation.resource)!;
    const current = typeof values[field.name] === 'string' && isUuid(values[field.name]) ? (values[field.name] as string) : null;
    const label = current ? (await titlesFor(db, target, [current], ar.d.language)).get(current) : undefined;
    let options: Option[] = [];
    if (ar.access.can(target, 'view')) {
      const pk = primaryKey(target);
      const { field: orderField, direction } = target.list.ordering;
      const rows = (await untyped(db)
        .selectFrom(target.table)
        .select([...new Set([pk, orderField, ...target.title.columns])])
        .orderBy(orderField, direction)
        .limit(20)
        .execute()) as Row[];
      const labels = await titlesOfRows(db, target, rows, ar.d.language);
      options = rows.map((r, i) => ({ value: String(r[pk]), label: labels[i]! }));
    }
    out.set(field.name, { label, options });
  }
  return out;
}

/** Relation values must point at existing rows; returns field errors for those that do not. */
export async function checkRelations(ar: AdminRequest, fields: AdminField[], values: Row): Promise<Record<string, string[]>> {
  const errors: Record<string, string[]> = {};
  for (const field of fields) {
    const value = values[field.name];
    if (field.type !== 'relation' || !field.relation || typeof value !== 'string') continue;
    const target = ar.options.site.get(field.relation.resource)!;
    const found = await loadRow(ar.options.context.db.kysely, target, value);
    if (!found) errors[field.name] = [ar.ctx.t('admin.error.relation')];
  }
  return errors;
}

/** A refusal meant for the staff user: an ActionError, or a service's 4xx HttpError (rule violated). */
export function userFacing(error: unknown): ActionError | null {
  if (error instanceof ActionError) return error;
  if (error instanceof HttpError && error.statusCode >= 400 && error.statusCode < 500) return new ActionError(error.message);
  return null;
}

/** A label for a choice value (used in flash messages and filter blocks). */
export function choiceLabel(field: AdminField, value: string, ar: AdminRequest): string {
  return text(choicesOf(field).find((c) => c.value === value)?.label, ar.d.language) || value;
}
