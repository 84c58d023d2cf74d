import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { registerNavigation } from '../core/ui/navigation.js';
import { keyNavigation } from './views/layout.js';
import { z } from 'zod';
import type { AppContext } from '../core/app-module.js';
import { transaction } from '../core/db/transaction.js';
import type { Tx } from '../core/db/transaction.js';
import { HttpError } from '../core/http/errors.js';
import type { CurrentUser } from '../core/http/types.js';
import type { FieldErrors } from '../core/ui/components.js';
import { fieldErrors, formList, formString } from '../core/ui/forms.js';
import { pageContext } from '../core/ui/page-context.js';
import { requireUser } from '../nadooit_auth/guards.js';
import { audit, originOf, translated } from '../nadooit_auth/routes/respond.js';
import type { SecurityEvent } from '../nadooit_auth/services/audit.js';
import { AuthRefused } from '../nadooit_auth/services/errors.js';
import { ENROLMENT_TOKEN_SECONDS, enrolmentPath } from '../nadooit_auth/services/tokens.js';
import { qrDataUrl } from '../nadooit_auth/services/totp.js';
import { formatDateTime } from '../nadooit_auth/views/format.js';
import { listCustomers } from '../nadooit_crm/services.js';
import {
  KEY_ABILITIES,
  isVerifiedStaff,
  reachOf,
  appointKeyManager,
  deletePersonKey,
  hasAnyKeyAbility,
  keyAbilitiesOf,
  listKeyManagers,
  listPeople,
  newEnrolmentLink,
  personWithKeys,
  registerPerson,
  removeKeyManager,
  renamePerson,
  renamePersonKey,
  resetPersonKeys,
  setPersonKeyEnabled,
  updateKeyManager,
} from './services.js';
import type { KeyAbilities, KeyAbility, Registration } from './services.js';
import { ManagersPage } from './views/managers.js';
import { PeoplePage, PersonPage } from './views/people.js';
import { EnrolmentLinkPage, RegisterPage } from './views/register.js';

const personForm = z.object({
  display_name: z.string().trim().min(1, 'auth.field.required').max(64, 'auth.field.too_long'),
  email: z.union([z.literal(''), z.string().trim().max(254, 'auth.field.too_long').email('auth.field.email_invalid')]),
  customer: z.string().trim().max(64),
});

interface Actor {
  user: CurrentUser;
  abilities: KeyAbilities;
}

/** A refused service call becomes the matching error page (403 for a missing ability). */
function asHttpError(request: FastifyRequest, error: unknown): never {
  if (error instanceof AuthRefused) throw new HttpError(error.status, error.status === 403 ? 'forbidden' : 'refused', request.t(error.messageKey));
  throw error;
}

function abilitiesFromForm(body: unknown): Partial<KeyAbilities> {
  const chosen = new Set(formList(body, 'abilities'));
  return Object.fromEntries(KEY_ABILITIES.map((a) => [a, chosen.has(a)])) as Partial<KeyAbilities>;
}

export function keyRoutes(app: FastifyInstance, context: AppContext): void {
  const db = context.db.kysely;
  registerNavigation(keyNavigation(db));
  const { settings } = context;

  /** The signed-in key manager holding at least one of `needed`; anonymous → login, others → 403. */
  async function actor(request: FastifyRequest, needed: (abilities: KeyAbilities | null) => boolean, refusal: string): Promise<Actor> {
    const user = requireUser(request);
    const abilities = await keyAbilitiesOf(db, user);
    if (!abilities || !needed(abilities)) throw new HttpError(403, 'forbidden', request.t(refusal));
    return { user, abilities };
  }
  const keyActor = (request: FastifyRequest) => actor(request, (a) => hasAnyKeyAbility(a, 'keys'), 'key.refused.not_manager');
  const managerActor = (request: FastifyRequest) => actor(request, (a) => hasAnyKeyAbility(a, 'managers'), 'key.refused.not_manager');
  const creator = (request: FastifyRequest) => actor(request, (a) => a?.can_create_keys === true, 'key.refused.can_create_keys');

  /** Runs a service call in a transaction; refusals become error pages. */
  async function run<T>(request: FastifyRequest, work: (tx: Tx) => Promise<T>): Promise<T> {
    try {
      return await transaction(db, work);
    } catch (error) {
      asHttpError(request, error);
    }
  }

  /** run() plus its audit entry, written once the work is committed. */
  async function act<T>(request: FastifyRequest, work: (tx: Tx) => Promise<T>, event: SecurityEvent, about: (result: T) => { userId: string | null; detail?: Record<string, unknown> }): Promise<T> {
    const result = await run(request, work);
    const { userId, detail } = about(result);
    await audit(context, request, event, userId, detail, request.user!.id);
    return result;
  }

  async function showLink(request: FastifyRequest, reply: FastifyReply, current: Actor, registration: Registration, isNew: boolean) {
    const ctx = await pageContext(request);
    const link = `${request.protocol}://${request.host}${enrolmentPath(registration.enrolment.token)}`;
    const expires = new Date(Date.parse(registration.enrolment.row.created_at) + ENROLMENT_TOKEN_SECONDS * 1000).toISOString();
    return reply.header('cache-control', 'no-store').html(
      <EnrolmentLinkPage
        ctx={ctx}
        abilities={current.abilities}
        displayName={registration.user.display_name}
        userCode={registration.user.user_code}
        link={link}
        qrDataUrl={await qrDataUrl(link)}
        expires={formatDateTime(expires, ctx.language, settings.timeZone)}
        isNew={isNew}
      />,
    );
  }

  /** The customers the actor may register people for: those they reach (verified staff: every customer). */
  async function reachableCustomers(user: CurrentUser) {
    const reach = await reachOf(db, user);
    return { everyone: reach.everyone, customers: await listCustomers(db, reach.everyone ? {} : { ids: reach.customerIds }) };
  }

  const renderRegister = async (request: FastifyRequest, reply: FastifyReply, current: Actor, status = 200, values?: Record<string, string>, errors?: FieldErrors) => {
    const ctx = await pageContext(request, { forms: true });
    const { everyone, customers } = await reachableCustomers(current.user);
    return reply.html(<RegisterPage ctx={ctx} abilities={current.abilities} customers={customers} customerOptional={everyone} values={values} errors={errors} />, status);
  };

  app.get('/auth/register-user', async (request, reply) => renderRegister(request, reply, await creator(request)));

  app.post('/auth/register-user', async (request, reply) => {
    const current = await creator(request);
    const values = { display_name: formString(request.body, 'display_name'), email: formString(request.body, 'email'), customer: formString(request.body, 'customer') };
    const parsed = personForm.safeParse(values);
    if (!parsed.success) return renderRegister(request, reply, current, 422, values, translated(request, fieldErrors(parsed.error)));
    const { display_name: displayName, email, customer } = parsed.data;
    const registration = await act(
      request,
      (tx) => registerPerson(tx, current.user, { displayName, email: email || null, customerId: customer || null, origin: originOf(request) }),
      'user_created',
      (r) => ({ userId: r.user.id, detail: { user_code: r.user.user_code, customer: r.customerId } }),
    );
    return showLink(request, reply, current, registration, true);
  });

  app.get('/keys/people', async (request, reply) => {
    const current = await keyActor(request);
    const search = String((request.query as Record<string, unknown>).q ?? '').slice(0, 64);
    const ctx = await pageContext(request);
    const [people, { everyone, customers }] = await Promise.all([listPeople(db, current.user, { search }), reachableCustomers(current.user)]);
    const reach = everyone ? null : customers.map((c) => c.name);
    return reply.html(<PeoplePage ctx={ctx} abilities={current.abilities} people={people} reach={reach} search={search} timeZone={settings.timeZone} />);
  });

  const renderPerson = async (request: FastifyRequest, reply: FastifyReply, current: Actor, status = 200, errors?: FieldErrors) => {
    const { id } = request.params as { id: string };
    let found;
    try {
      found = await personWithKeys(db, current.user, id);
    } catch (error) {
      asHttpError(request, error);
    }
    const ctx = await pageContext(request, { forms: true });
    const mayLink = isVerifiedStaff(current.user) || found.keys.length === 0;
    return reply.html(
      <PersonPage ctx={ctx} abilities={current.abilities} person={found.person} keys={found.keys} mayLink={mayLink} timeZone={settings.timeZone} errors={errors} />,
      status,
    );
  };

  app.get('/keys/people/:id', async (request, reply) => renderPerson(request, reply, await keyActor(request)));

  app.post('/keys/people/:id/rename', async (request, reply) => {
    const current = await keyActor(request);
    const { id } = request.params as { id: string };
    const parsed = personForm.pick({ display_name: true }).safeParse({ display_name: formString(request.body, 'display_name') });
    if (!parsed.success) return renderPerson(request, reply, current, 422, translated(request, fieldErrors(parsed.error)));
    await act(request, (tx) => renamePerson(tx, current.user, id, parsed.data.display_name), 'user_renamed', (p) => ({ userId: p.id, detail: { display_name: p.display_name } }));
    await request.flash('success', request.t('key.person.renamed'));
    return reply.redirect(`/keys/people/${id}`);
  });

  app.post('/keys/people/:id/enrolment-link', async (request, reply) => {
    const current = await keyActor(request);
    const { id } = request.params as { id: string };
    // newEnrolmentLink writes the audit entry itself (every link is logged, whoever makes it).
    const registration = await run(request, (tx) => newEnrolmentLink(tx, current.user, id, originOf(request)));
    return showLink(request, reply, current, registration, false);
  });

  app.post('/keys/people/:id/reset', async (request, reply) => {
    const current = await keyActor(request);
    const { id } = request.params as { id: string };
    await act(request, (tx) => resetPersonKeys(tx, current.user, id), 'key_removed', (removed) => ({ userId: id, detail: { removed, reset: true } }));
    await request.flash('success', request.t('key.person.reset_done'));
    return reply.redirect(`/keys/people/${id}`);
  });

  app.post('/keys/people/:id/keys/:keyId/rename', async (request, reply) => {
    const current = await keyActor(request);
    const { id, keyId } = request.params as { id: string; keyId: string };
    const name = formString(request.body, 'name');
    if (!name || name.length > 64) {
      await request.flash('danger', request.t(name ? 'auth.field.too_long' : 'auth.field.required'));
      return reply.redirect(`/keys/people/${id}`);
    }
    await act(request, (tx) => renamePersonKey(tx, current.user, id, keyId, name), 'key_renamed', (k) => ({ userId: id, detail: { key: k.id, name: k.name } }));
    return reply.redirect(`/keys/people/${id}`);
  });

  for (const enabled of [true, false]) {
    app.post(`/keys/people/:id/keys/:keyId/${enabled ? 'enable' : 'disable'}`, async (request, reply) => {
      const current = await keyActor(request);
      const { id, keyId } = request.params as { id: string; keyId: string };
      const event = enabled ? 'key_enabled' : 'key_disabled';
      await act(request, (tx) => setPersonKeyEnabled(tx, current.user, id, keyId, enabled), event, (k) => ({ userId: id, detail: { key: k.id, name: k.name } }));
      return reply.redirect(`/keys/people/${id}`);
    });
  }

  app.post('/keys/people/:id/keys/:keyId/delete', async (request, reply) => {
    const current = await keyActor(request);
    const { id, keyId } = request.params as { id: string; keyId: string };
    await act(request, (tx) => deletePersonKey(tx, current.user, id, keyId), 'key_removed', (k) => ({ userId: id, detail: { key: k.id, name: k.name } }));
    return reply.redirect(`/keys/people/${id}`);
  });

  const renderManagers = async (request: FastifyRequest, reply: FastifyReply, current: Actor, status = 200, values?: { user_code?: string; abilities?: Partial<KeyAbilities> }, errors?: FieldErrors) => {
    const ctx = await pageContext(request, { forms: true });
    const managers = await listKeyManagers(db, current.user);
    return reply.html(<ManagersPage ctx={ctx} abilities={current.abilities} managers={managers} selfId={current.user.id} values={values} errors={errors} />, status);
  };

  app.get('/keys/managers', async (request, reply) => renderManagers(request, reply, await managerActor(request)));

  app.post('/keys/managers', async (request, reply) => {
    const current = await managerActor(request);
    const userCode = formString(request.body, 'user_code');
    const abilities = abilitiesFromForm(request.body);
    if (!userCode) return renderManagers(request, reply, current, 422, { user_code: userCode, abilities }, { user_code: [request.t('auth.field.required')] });
    try {
      const manager = await transaction(db, (tx) => appointKeyManager(tx, current.user, { userCode, abilities }));
      await audit(context, request, 'key_manager_appointed', manager.user_id, { abilities: grantedList(manager) }, current.user.id);
    } catch (error) {
      if (error instanceof AuthRefused && error.status !== 403) {
        return renderManagers(request, reply, current, 422, { user_code: userCode, abilities }, { user_code: [request.t(error.messageKey)] });
      }
      asHttpError(request, error);
    }
    await request.flash('success', request.t('key.managers.appointed'));
    return reply.redirect('/keys/managers');
  });

  app.post('/keys/managers/:id', async (request, reply) => {
    const current = await managerActor(request);
    const { id } = request.params as { id: string };
    await act(request, (tx) => updateKeyManager(tx, current.user, id, abilitiesFromForm(request.body)), 'key_manager_updated', (m) => ({ userId: m.user_id, detail: { abilities: grantedList(m) } }));
    await request.flash('success', request.t('key.managers.saved'));
    return reply.redirect('/keys/managers');
  });

  app.post('/keys/managers/:id/delete', async (request, reply) => {
    const current = await managerActor(request);
    const { id } = request.params as { id: string };
    await act(request, (tx) => removeKeyManager(tx, current.user, id), 'key_manager_removed', (m) => ({ userId: m.user_id }));
    await request.flash('success', request.t('key.managers.removed'));
    return reply.redirect('/keys/managers');
  });
}

function grantedList(row: Record<KeyAbility, boolean>): KeyAbility[] {
  return KEY_ABILITIES.filter((a) => row[a]);
}
