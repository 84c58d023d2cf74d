import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { describeEachBackend } from '../../test/support/harness.js';
import type { Harness } from '../../test/support/harness.js';
import { TestClient } from '../../test/support/http.js';
import { transaction } from '../core/db/transaction.js';
import { listSecurityEvents } from '../nadooit_auth/services/audit.js';
import { createUser } from '../nadooit_auth/services/users.js';
import { personWithKey, signInStaff, signInWithKey, staffWithTotp } from '../nadooit_auth/testing/sign-in.js';
import { addEmployeeToCustomer } from '../nadooit_hr/services/contracts.js';
import { makeCustomer } from '../nadooit_hr/testing.js';
import { KEY_ABILITIES, grantKeyManager } from './services.js';
import type { KeyAbility } from './services.js';

type World = Awaited<ReturnType<typeof world>>;

/**
 * A key manager (signed in) with exactly `abilities`, a person with a key, and another manager — all working
 * for one customer, since a key manager reaches only the people of their own customers (reach.test.ts).
 */
async function world(h: Harness, abilities: KeyAbility[]) {
  const db = h.system.context.db.kysely;
  const customer = await makeCustomer(db);
  const employed = async <T extends { user: { user_code: string } }>(made: Promise<T>): Promise<T> => {
    const person = await made;
    await addEmployeeToCustomer(db, { actorUserId: null, asStaff: true, userCode: person.user.user_code, customerId: customer });
    return person;
  };
  const manager = await employed(personWithKey(db, { displayName: 'Manager' }));
  await transaction(db, (tx) => grantKeyManager(tx, manager.user.id, Object.fromEntries(abilities.map((a) => [a, true]))));
  const person = await employed(personWithKey(db, { displayName: 'Person' }));
  const colleague = await employed(personWithKey(db, { displayName: 'Colleague' }));
  const colleagueRole = await transaction(db, (tx) => grantKeyManager(tx, colleague.user.id, { can_create_keys: true }));
  const candidate = await employed(personWithKey(db, { displayName: 'Candidate' }));
  const newcomer = (await employed(transaction(db, async (tx) => ({ user: await createUser(tx, { displayName: 'Newcomer' }) })))).user;
  const client = new TestClient(await h.app());
  assert.equal((await signInWithKey(client, manager.authenticator, manager.user.user_code)).statusCode, 200);
  const personKey = await db.selectFrom('auth_credentials').select('id').where('user_id', '=', person.user.id).executeTakeFirstOrThrow();
  const tag = randomUUID().slice(0, 8);
  return { db, customer, manager, person, personKey, colleague, colleagueRole, candidate, newcomer, client, tag };
}

interface Case {
  ability: KeyAbility;
  action: string;
  run(w: World): Promise<LightMyRequestResponse>;
  /** True when the action took effect. */
  happened(w: World, response: LightMyRequestResponse): Promise<boolean>;
}

const CASES: Case[] = [
  {
    ability: 'can_create_keys',
    action: 'register a person',
    run: async (w) => {
      await w.client.get('/auth/sessions');
      return w.client.post('/auth/register-user', { display_name: `Neue Person ${w.tag}`, email: '', customer: w.customer });
    },
    happened: async (w) => Boolean(await w.db.selectFrom('users').select('id').where('display_name', '=', `Neue Person ${w.tag}`).executeTakeFirst()),
  },
  {
    ability: 'can_update_keys',
    action: 'rename a person',
    run: (w) => w.client.post(`/keys/people/${w.person.user.id}/rename`, { display_name: 'Umbenannt' }),
    happened: async (w) => (await w.db.selectFrom('users').select('display_name').where('id', '=', w.person.user.id).executeTakeFirstOrThrow()).display_name === 'Umbenannt',
  },
  {
    ability: 'can_delete_keys',
    action: 'disable a key',
    run: (w) => w.client.post(`/keys/people/${w.person.user.id}/keys/${w.personKey.id}/disable`),
    happened: async (w) => !(await w.db.selectFrom('auth_credentials').select('is_enabled').where('id', '=', w.personKey.id).executeTakeFirstOrThrow()).is_enabled,
  },
  {
    ability: 'can_create_key_managers',
    action: 'appoint a key manager',
    run: (w) => w.client.post('/keys/managers', { user_code: w.candidate.user.user_code, abilities: [] }),
    happened: async (w) => Boolean(await w.db.selectFrom('key_managers').select('id').where('user_id', '=', w.candidate.user.id).executeTakeFirst()),
  },
  {
    ability: 'can_update_key_managers',
    action: 'change the abilities of a manager',
    run: (w) => w.client.post(`/keys/managers/${w.colleagueRole.id}`, { abilities: [] }),
    happened: async (w) => !(await w.db.selectFrom('key_managers').select('can_create_keys').where('id', '=', w.colleagueRole.id).executeTakeFirstOrThrow()).can_create_keys,
  },
  {
    ability: 'can_delete_key_managers',
    action: 'remove a key manager',
    run: (w) => w.client.post(`/keys/managers/${w.colleagueRole.id}/delete`),
    happened: async (w) => !(await w.db.selectFrom('key_managers').select('id').where('id', '=', w.colleagueRole.id).executeTakeFirst()),
  },
  {
    ability: 'can_update_keys',
    action: 'issue a new enrolment link (for a person without a key)',
    run: (w) => w.client.post(`/keys/people/${w.newcomer.id}/enrolment-link`),
    happened: async (w) => Boolean(await w.db.selectFrom('auth_tokens').select('id').where('user_id', '=', w.newcomer.id).executeTakeFirst()),
  },
  {
    ability: 'can_delete_keys',
    action: 'delete a key',
    run: (w) => w.client.post(`/keys/people/${w.person.user.id}/keys/${w.personKey.id}/delete`),
    happened: async (w) => !(await w.db.selectFrom('auth_credentials').select('id').where('id', '=', w.personKey.id).executeTakeFirst()),
  },
];

describeEachBackend('key manager abilities', (h) => {
  for (const c of CASES) {
    it(`${c.ability} allows: ${c.action}`, async () => {
      // can_update_key_managers may only change abilities it holds itself: give it can_create_keys too.
      const extra: KeyAbility[] = c.ability === 'can_update_key_managers' ? ['can_create_keys'] : [];
      const w = await world(h(), [c.ability, ...extra]);
      await w.client.get('/auth/sessions');
      const response = await c.run(w);
      assert.ok(response.statusCode < 400, `${response.statusCode} ${response.body.slice(0, 300)}`);
      assert.equal(await c.happened(w, response), true);
    });

    it(`without ${c.ability}: ${c.action} is refused (403), even with every other ability`, async () => {
      const w = await world(h(), KEY_ABILITIES.filter((a) => a !== c.ability));
      await w.client.get('/auth/sessions');
      const response = await c.run(w);
      assert.equal(response.statusCode, 403, response.body.slice(0, 300));
      assert.equal(await c.happened(w, response), false);
    });
  }

  it('registration keeps the manager signed in and shows code, one-time link and QR code', async () => {
    const w = await world(h(), ['can_create_keys']);
    await w.client.get('/auth/register-user');
    const invalid = await w.client.post('/auth/register-user', { display_name: '', email: 'nope' });
    assert.equal(invalid.statusCode, 422);
    assert.match(invalid.body, /Dieses Feld ist erforderlich/);
    assert.match(invalid.body, /gültige E-Mail/);
    const done = await w.client.post('/auth/register-user', { display_name: 'Nora', email: '', customer: w.customer });
    assert.equal(done.statusCode, 200);
    const code = /id="new-user-code">([A-Z2-9]{6})</.exec(done.body)?.[1];
    assert.ok(code);
    assert.match(done.body, /value="http:\/\/localhost[^"]*\/auth\/enrol\/[\w-]+"/);
    assert.match(done.body, /<img src="data:image\/png;base64,/);
    assert.equal(done.headers['cache-control'], 'no-store');
    const page = await w.client.get('/auth/keys');
    assert.equal(page.statusCode, 200, 'the manager is still signed in as themselves');
    assert.match(page.body, /Manager/);
    const nora = await w.db.selectFrom('users').selectAll().where('user_code', '=', code!).executeTakeFirstOrThrow();
    assert.equal(nora.display_name, 'Nora');
    assert.equal((await listSecurityEvents(w.db, { userId: nora.id, event: 'user_created' }))[0]!.actor_id, w.manager.user.id);
  });

  it('disabling a person\'s key signs them out; a reset removes every key', async () => {
    const w = await world(h(), ['can_delete_keys']);
    const personClient = new TestClient(await h().app());
    await signInWithKey(personClient, w.person.authenticator, w.person.user.user_code);
    await w.client.get('/auth/sessions');
    await w.client.post(`/keys/people/${w.person.user.id}/keys/${w.personKey.id}/disable`);
    assert.equal((await personClient.get('/auth/keys')).statusCode, 303);
    await w.client.post(`/keys/people/${w.person.user.id}/reset`);
    assert.equal((await w.db.selectFrom('auth_credentials').select('id').where('user_id', '=', w.person.user.id).execute()).length, 0);
  });

  it('nobody grants abilities they do not hold, or manages staff accounts or themselves', async () => {
    const w = await world(h(), ['can_create_key_managers', 'can_update_keys']);
    await w.client.get('/auth/sessions');
    const beyond = await w.client.post('/keys/managers', { user_code: w.candidate.user.user_code, abilities: ['can_delete_keys'] });
    assert.equal(beyond.statusCode, 403);
    const staff = await personWithKey(w.db, { displayName: 'Staff', isStaff: true });
    await addEmployeeToCustomer(w.db, { actorUserId: null, asStaff: true, userCode: staff.user.user_code, customerId: w.customer });
    assert.equal((await w.client.post(`/keys/people/${staff.user.id}/rename`, { display_name: 'x' })).statusCode, 403);
    assert.equal((await w.client.post(`/keys/people/${w.manager.user.id}/rename`, { display_name: 'x' })).statusCode, 403);
    assert.equal((await w.client.post('/keys/managers', { user_code: w.manager.user.user_code, abilities: [] })).statusCode, 403);
  });

  it('a plain person gets 403 and an anonymous visitor the login page', async () => {
    const plain = await personWithKey(h().system.context.db.kysely, { displayName: 'Plain' });
    const client = new TestClient(await h().app());
    await signInWithKey(client, plain.authenticator, plain.user.user_code);
    for (const url of ['/auth/register-user', '/keys/people', '/keys/managers']) {
      assert.equal((await client.get(url, { accept: 'text/html' })).statusCode, 403, url);
    }
    const anonymous = new TestClient(await h().app());
    assert.equal((await anonymous.get('/auth/register-user')).headers.location, '/auth/login-user?next=%2Fauth%2Fregister-user');
  });

  it('a superuser with a verified second factor holds every ability', async () => {
    const account = await staffWithTotp(h().system.context.db.kysely, h().settings.secretKey, { username: 'root', superuser: true });
    const client = new TestClient(await h().app());
    await signInStaff(client, account);
    assert.equal((await client.get('/auth/register-user')).statusCode, 200);
    assert.equal((await client.get('/keys/managers')).statusCode, 200);
  });
});
