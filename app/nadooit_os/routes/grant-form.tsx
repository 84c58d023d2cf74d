import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { badRequest } from '../../core/http/errors.js';
import { formList, formString } from '../../core/ui/forms.js';
import type { PageContext } from '../../core/ui/page-context.js';
import { requireUser } from '../../nadooit_auth/guards.js';
import type { Viewer } from '../access.js';
import { replyNoRole, submitForm } from './context.js';

/** What the "Schlüssel freischalten" form sends. */
export interface GrantValues {
  customers: string;
  user_code: string;
  role: string[];
}

export interface RenderedGrantPage {
  ctx: PageContext;
  viewer: Viewer;
  /** False when the viewer may give this role for no customer: the page explains instead. */
  allowed: boolean;
  page: JSX.Element;
}

/** Who is taken off the role: the holder's employee id and the customer, plus one ability when only that goes. */
export interface RevokeTarget {
  actorUserId: string;
  employeeId: string;
  customerId: string;
  ability: string;
}

export interface GrantFormOptions {
  /** The page's full path (redirect target) and the path inside the dashboard scope. */
  path: string;
  titleKey: string;
  render(request: FastifyRequest, extra?: { values?: GrantValues; error?: string }): Promise<RenderedGrantPage>;
  /** Grants through the owning app's service (which checks the granter's authority); flashes what happened. */
  grant(request: FastifyRequest, actorUserId: string, values: GrantValues): Promise<void>;
  /** Revokes through the owning app's service; returns the message key of the success flash. */
  revoke(target: RevokeTarget): Promise<string>;
}

/**
 * The routes every "Schlüssel freischalten" page shares: the form (GET), granting (POST, field errors on
 * the same page) and taking a role or one ability away again (POST …/revoke).
 */
export function grantFormRoutes(scope: FastifyInstance, options: GrantFormOptions): void {
  const relative = options.path.replace(/^\/nadooit-os/, '');

  scope.get(relative, async (request, reply) => {
    const { ctx, viewer, allowed, page } = await options.render(request);
    if (!allowed) return replyNoRole(reply, ctx, viewer, ctx.t(options.titleKey));
    return reply.html(page);
  });

  scope.post(relative, async (request, reply: FastifyReply) => {
    const values = { customers: formString(request.body, 'customers'), user_code: formString(request.body, 'user_code'), role: formList(request.body, 'role') };
    return submitForm(
      reply,
      async () => {
        await options.grant(request, requireUser(request).id, values);
        return reply.redirect(`${options.path}?submitted=True`, 303);
      },
      async (error) => (await options.render(request, { values, error })).page,
    );
  });

  scope.post(`${relative}/revoke`, async (request, reply) => {
    const customerId = formString(request.body, 'customer_id');
    const employeeId = formString(request.body, 'employee_id');
    if (!customerId || !employeeId) throw badRequest('customer_id and employee_id are required');
    const done = await options.revoke({ actorUserId: requireUser(request).id, employeeId, customerId, ability: formString(request.body, 'ability') });
    await request.flash('success', request.t(done));
    return reply.redirect(`${options.path}#holders-${customerId}`, 303);
  });
}
