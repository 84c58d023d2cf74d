import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../../core/app-module.js';
import { notFound } from '../../core/http/errors.js';
import { pageContext } from '../../core/ui/page-context.js';
import type { PageContext } from '../../core/ui/page-context.js';
import { requireUser } from '../../nadooit_auth/guards.js';
import { getCustomer, listCustomers } from '../../nadooit_crm/services.js';
import type { Customer } from '../../nadooit_crm/services.js';
import { assertRole, customersWithRole } from '../../nadooit_hr/permissions.js';
import type { Ability } from '../../nadooit_hr/permissions.js';
import type { ManagerRole } from '../../nadooit_hr/roles.js';
import { isUuid } from '../../core/ids.js';
import { DomainError } from '../../core/errors.js';
import { NoRolePage } from '../views/common.js';
import { viewerOf } from '../access.js';
import type { Viewer } from '../access.js';

/** What every dashboard handler starts with: the page context (with CSRF token) and the viewer. */
export async function dashboardPage(request: FastifyRequest, app: AppContext): Promise<{ ctx: PageContext; viewer: Viewer }> {
  const [ctx, viewer] = await Promise.all([pageContext(request, { forms: true }), viewerOf(request, app.db.kysely)]);
  return { ctx, viewer };
}

/** A path parameter that must be a UUID; anything else cannot name a row → 404 (never a database error). */
export function uuidParam(request: FastifyRequest, name: string): string {
  const value = (request.params as Record<string, string | undefined>)[name];
  if (!isUuid(value)) throw notFound();
  return value.toLowerCase();
}

export function queryString(request: FastifyRequest, name: string): string | undefined {
  const value = (request.query as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * The customer named by the `customerId` path parameter, after the permission service confirmed that the
 * viewer holds `role` (and `ability`) for it: unknown customer → 404, no role there → 403.
 */
export async function customerWithRole<R extends ManagerRole>(
  request: FastifyRequest,
  app: AppContext,
  role: R,
  ability?: Ability<R>,
): Promise<Customer> {
  const user = requireUser(request);
  const customer = await getCustomer(app.db.kysely, uuidParam(request, 'customerId'));
  if (!customer) throw notFound();
  await assertRole(app.db.kysely, user.id, customer.id, role, ability);
  return customer;
}

/** The customers (by name) for which the viewer holds `role` (and `ability`), from the permission service. */
export async function customersWithRoleFor<R extends ManagerRole>(request: FastifyRequest, app: AppContext, role: R, ability?: Ability<R>): Promise<Customer[]> {
  const user = requireUser(request);
  const ids = await customersWithRole(app.db.kysely, user.id, role, ability);
  return listCustomers(app.db.kysely, { ids });
}

/** Renders the dashboard's 403 page (explains a missing role, contract or employee record). */
export function replyNoRole(reply: FastifyReply, ctx: PageContext, viewer: Viewer, title: string): FastifyReply {
  return reply.html(<NoRolePage ctx={ctx} viewer={viewer} title={title} />, 403);
}

/**
 * Runs a form's action. Refusals a person can act on (the services' 4xx errors: bad user code, unknown
 * customer, missing ability) re-render the form with the message — 403 for permissions, else 400.
 */
export async function submitForm(reply: FastifyReply, action: () => Promise<FastifyReply>, rerender: (message: string) => Promise<JSX.Element>): Promise<FastifyReply> {
  try {
    return await action();
  } catch (error) {
    if (!(error instanceof DomainError) || error.statusCode >= 500) throw error;
    return reply.html(await rerender(error.message), error.statusCode === 403 ? 403 : 400);
  }
}
