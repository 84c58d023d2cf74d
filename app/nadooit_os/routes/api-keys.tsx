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
} from '../../nadooit_api_key/services/index.js';
import { listCustomers } from '../../nadooit_crm/services.js';
import { customerProgramsOf } from '../../nadooit_program_ownership_system/services.js';
import { paths } from '../paths.js';
import { GrantPage } from '../views/grants.js';
import { ApiKeysPage, CreateApiKeyPage, CreatedApiKeyPage, RevokeAllPage } from '../views/api-keys.js';
import type { RevokeGroup } from '../views/api-keys.js';
import { dashboardPage, replyNoRole, submitForm, uuidParam } from './context.js';
import { grantFormRoutes } from './grant-form.js';
import type { GrantValues } from './grant-form.js';

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

  /** The viewer's active own keys grouped by customer (keys without one under the viewer's name). */
  async function revokeGroups(userId: string, displayName: string): Promise<RevokeGroup[]> {
    const counts = new Map<string | null, number>();
    for (const key of await listApiKeys(db, userId)) if (key.is_active) counts.set(key.customer_id, (counts.get(key.customer_id) ?? 0) + 1);
    const ids = [...counts.keys()].filter((id): id is string => id !== null);
    const names = new Map((ids.length ? await listCustomers(db, { ids }) : []).map((c) => [c.id, c.name]));
    return [...counts].map(([customerId, count]) => ({ customerId, count, name: customerId === null ? displayName : (names.get(customerId) ?? customerId) }));
  }

  async function renderRevokeAll(request: FastifyRequest, failed?: { customerId: string | null; error: string; value: string }) {
    const { ctx, viewer } = await dashboardPage(request, app);
    return <RevokeAllPage ctx={ctx} viewer={viewer} groups={await revokeGroups(viewer.user.id, viewer.user.displayName)} failed={failed} />;
  }

  scope.get('/api_key/revoke-api-key', async (request, reply) => reply.html(await renderRevokeAll(request)));

  scope.post('/api_key/revoke-api-key', async (request, reply) => {
    const customerId = formString(request.body, 'customer') || null;
    const confirmation = formString(request.body, 'confirmation');
    return submitForm(
      reply,
      async () => {
        // The service checks the typed name against the customer's and writes the audit entry.
        const origin = { ip: request.ip ?? null, userAgent: request.headers['user-agent'] ?? null };
        await revokeAllOwnApiKeys(db, { actorUserId: requireUser(request).id, customerId, confirmation, origin });
        await request.flash('success', request.t('os.apikey.revoked_all'));
        return reply.redirect(`${paths.apiKeys}?submitted=True`, 303);
      },
      async (error) => renderRevokeAll(request, { customerId, error, value: confirmation }),
    );
  });
}

/** "Schlüssel freischalten" for API-key managers: appoint for one's own customers and abilities, or take a customer away. */
function apiKeyManagerGrantRoutes(scope: FastifyInstance, app: AppContext): void {
  const db = app.db.kysely;
  const path = paths.apiKeyManagerGrant;

  async function render(request: FastifyRequest, extra: { values?: GrantValues; error?: string } = {}) {
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

  grantFormRoutes(scope, {
    path,
    titleKey: 'os.grant.title.api_key_manager',
    render,
    async grant(request, actorUserId, values) {
      await appointApiKeyManager(db, { actorUserId, targetUserCode: values.user_code, customerIds: [values.customers], abilities: values.role });
      await request.flash('success', request.t('os.grant.done'));
    },
    async revoke({ actorUserId, employeeId, customerId }) {
      await removeApiKeyManagerCustomers(db, { actorUserId, targetEmployeeId: employeeId, customerIds: [customerId] });
      return 'os.grant.revoked';
    },
  });
}
