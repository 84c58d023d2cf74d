import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../core/app-module.js';
import { formString } from '../../core/ui/forms.js';
import { requireUser } from '../../nadooit_auth/guards.js';
import {
  apiKeyManagersOfCustomer,
  apiKeysManagedBy,
  appointApiKeyManager,
  createApiKey,
  listApiKeys,
  removeApiKeyManagerCustomers,
  revokeAllOwnApiKeys,
  revokeApiKey,
} from '../../nadooit_api_key/services.js';
import { listCustomers } from '../../nadooit_crm/services.js';
import { customerProgramsOf } from '../../nadooit_program_ownership_system/services.js';
import { badRequest } from '../../core/http/errors.js';
import { formList } from '../../core/ui/forms.js';
import { paths } from '../paths.js';
import { GrantPage } from '../views/grants.js';
import { ApiKeysPage, CreateApiKeyPage, CreatedApiKeyPage, RevokeAllPage } from '../views/api-keys.js';
import { dashboardPage, replyNoRole, submitForm, uuidParam } from './context.js';

/** "NADOOIT API KEY": list, create (secret shown once), revoke one or all — on the API-key services. */
export function apiKeyRoutes(scope: FastifyInstance, app: AppContext): void {
  const db = app.db.kysely;

  scope.get('/api_key/', async (request, reply) => {
    const { ctx, viewer } = await dashboardPage(request, app);
    const [own, managed] = await Promise.all([listApiKeys(db, viewer.user.id), apiKeysManagedBy(db, viewer.user.id)]);
    if (!viewer.apiKeyManager && own.length === 0) return replyNoRole(reply, ctx, viewer, ctx.t('os.apikey.title'));
    return reply.html(<ApiKeysPage ctx={ctx} viewer={viewer} own={own} managed={managed.filter((k) => k.user_id !== viewer.user.id)} />);
  });

  async function renderCreate(request: FastifyRequest, extra: { values?: { name: string; customer: string }; error?: string } = {}) {
    const { ctx, viewer } = await dashboardPage(request, app);
    const allowed = viewer.apiKeyManager?.abilities.includes('can_create_api_key') ?? false;
    const customers = allowed ? await listCustomers(db, { ids: viewer.apiKeyManager!.customerIds }) : [];
    return { ctx, viewer, allowed, page: <CreateApiKeyPage ctx={ctx} viewer={viewer} customers={customers} {...extra} /> };
  }

  scope.get('/api_key/create-api-key', async (request, reply) => {
    const { ctx, viewer, allowed, page } = await renderCreate(request);
    if (!allowed) return replyNoRole(reply, ctx, viewer, ctx.t('os.apikey.create.title'));
    return reply.html(page);
  });

  scope.post('/api_key/create-api-key', async (request, reply) => {
    const values = { name: formString(request.body, 'name'), customer: formString(request.body, 'customer') };
    return submitForm(
      reply,
      async () => {
        // The service checks can_create_api_key and that the customer is in the manager's list.
        const key = await createApiKey(db, { actorUserId: requireUser(request).id, name: values.name, customerId: values.customer || null });
        const { ctx, viewer } = await dashboardPage(request, app);
        const programs = key.customerId ? await customerProgramsOf(db, key.customerId, { activeOnly: true }) : [];
        reply.header('cache-control', 'no-store');
        return reply.html(
          <CreatedApiKeyPage ctx={ctx} viewer={viewer} created={key} origin={`${request.protocol}://${request.host}`} programId={programs[0]?.id ?? null} />,
        );
      },
      async (error) => (await renderCreate(request, { values, error })).page,
    );
  });

  scope.post('/api_key/:keyId/revoke', async (request, reply) => {
    // Own keys always; another person's key needs can_delete_api_key for its customer (checked by the service).
    await revokeApiKey(db, { actorUserId: requireUser(request).id, keyId: uuidParam(request, 'keyId') });
    await request.flash('success', request.t('os.apikey.revoked_one'));
    return reply.redirect(paths.apiKeys, 303);
  });

  apiKeyManagerGrantRoutes(scope, app);

  scope.get('/api_key/revoke-api-key', async (request, reply) => {
    const { ctx, viewer } = await dashboardPage(request, app);
    return reply.html(<RevokeAllPage ctx={ctx} viewer={viewer} />);
  });

  scope.post('/api_key/revoke-api-key', async (request, reply) => {
    await revokeAllOwnApiKeys(db, requireUser(request).id);
    await request.flash('success', request.t('os.apikey.revoked_all'));
    return reply.redirect(`${paths.apiKeys}?submitted=True`, 303);
  });
}

/** "Schlüssel freischalten" for API-key managers: appoint for one's own customers and abilities, or take a customer away. */
function apiKeyManagerGrantRoutes(scope: FastifyInstance, app: AppContext): void {
  const db = app.db.kysely;
  const path = paths.apiKeyManagerGrant;
  const relative = path.replace(/^\/nadooit-os/, '');

  async function render(request: FastifyRequest, extra: { values?: { customers: string; user_code: string; role: string[] }; error?: string } = {}) {
    const { ctx, viewer } = await dashboardPage(request, app);
    const manager = viewer.apiKeyManager;
    const allowed = manager?.abilities.includes('can_give_manager_role') ?? false;
    const customers = allowed ? await listCustomers(db, { ids: manager!.customerIds }) : [];
    const holders = await Promise.all(customers.map(async (customer) => ({ customer, holders: await apiKeyManagersOfCustomer(db, customer.id), own: manager?.abilities ?? [] })));
    const page = (
      <GrantPage
        ctx={ctx}
        viewer={viewer}
        titleKey="os.grant.title.api_key_manager"
        action={path}
        customers={customers}
        abilities={manager?.abilities ?? []}
        holders={holders}
        abilityRevoke={false}
        {...extra}
      />
    );
    return { ctx, viewer, allowed, page };
  }

  scope.get(relative, async (request, reply) => {
    const { ctx, viewer, allowed, page } = await render(request);
    if (!allowed) return replyNoRole(reply, ctx, viewer, ctx.t('os.grant.title.api_key_manager'));
    return reply.html(page);
  });

  scope.post(relative, async (request, reply) => {
    const values = { customers: formString(request.body, 'customers'), user_code: formString(request.body, 'user_code'), role: formList(request.body, 'role') };
    return submitForm(
      reply,
      async () => {
        await appointApiKeyManager(db, {
          actorUserId: requireUser(request).id,
          targetUserCode: values.user_code,
          customerIds: [values.customers],
          abilities: values.role,
        });
        await request.flash('success', request.t('os.grant.done'));
        return reply.redirect(`${path}?submitted=True`, 303);
      },
      async (error) => (await render(request, { values, error })).page,
    );
  });

  scope.post(`${relative}/revoke`, async (request, reply) => {
    const customerId = formString(request.body, 'customer_id');
    const employeeId = formString(request.body, 'employee_id');
    if (!customerId || !employeeId) throw badRequest('customer_id and employee_id are required');
    await removeApiKeyManagerCustomers(db, { actorUserId: requireUser(request).id, targetEmployeeId: employeeId, customerIds: [customerId] });
    await request.flash('success', request.t('os.grant.revoked'));
    return reply.redirect(`${path}#holders-${customerId}`, 303);
  });
}
