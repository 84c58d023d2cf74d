import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../test/support/harness.js';
import { TestClient } from '../../test/support/http.js';
import { transaction } from '../core/db/transaction.js';
import { listSecurityEvents } from '../nadooit_auth/services/audit.js';
import { addCredential } from '../nadooit_auth/services/credentials.js';
import { createUser } from '../nadooit_auth/services/users.js';
import { SoftAuthenticator } from '../nadooit_auth/testing/soft-authenticator.js';
import { TEST_ORIGIN, personWithKey, signInStaff, signInWithKey, staffWithTotp } from '../nadooit_auth/testing/sign-in.js';
import { addEmployeeToCustomer, contractsOfUser } from '../nadooit_hr/services/contracts.js';
import { makeCustomer } from '../nadooit_hr/testing.js';
import { KEY_ABILITIES, grantKeyManager } from './services.js';

/**
 * Issue 10, finding 2: a key manager reached every person of every customer, could create an enrolment link
 * for a person who already had a key, enrol their own authenticator on it and sign in as that person.
 */
describeEachBackend('key managers reach only the people of their own customers', (h) => {
  const db = () => h().system.context.db.kysely;
  const ALL = Object.fromEntries(KEY_ABILITIES.map((a) => [a, true]));

  const employ = (userCode: string, customerId: string) => addEmployeeToCustomer(db(), { actorUserId: null, asStaff: true, userCode, customerId });
  const keysOf = async (userId: string) => db().selectFrom('auth_credentials').selectAll().where('user_id', '=', userId).execute();
  const tokensOf = async (userId: string) => db().selectFrom('auth_tokens').selectAll().where('user_id', '=', userId).execute();

  /**
   * Customer A (where the key manager Kim works) and customer B. Ada works at A and has a key, Nina works at A
   * and has none yet, Bob works at B and has a key. Kim is signed in with every key-manager ability.
   */
  async function world() {
    const tag = randomUUID().slice(0, 6);
    const a = await makeCustomer(db(), `Alpha ${tag}`);
    const b = await makeCustomer(db(), `Beta ${tag}`);
    const kim = await personWithKey(db(), { displayName: `Kim Keymanager ${tag}` });
    await transaction(db(), (tx) => grantKeyManager(tx, kim.user.id, ALL));
    await employ(kim.user.user_code, a);
    const ada = await personWithKey(db(), { displayName: `Ada Alpha ${tag}` });
    await employ(ada.user.user_code, a);
    const bob = await personWithKey(db(), { displayName: `Bob Beta ${tag}` });
    await employ(bob.user.user_code, b);
    const nina = await transaction(db(), (tx) => createUser(tx, { displayName: `Nina Neu ${tag}` }));
    await employ(nina.user_code, a);
    const client = new TestClient(await h().app());
    assert.equal((await signInWithKey(client, kim.authenticator, kim.user.user_code)).statusCode, 200);
    return { tag, a, b, kim, ada, bob, nina, client };
  }

  /** The enrolment path shown once on the link page. */
  function linkPath(body: string): string {
    const link = /id="enrolment-link" value="([^"]+)"/.exec(body)?.[1];
    assert.ok(link, 'the page shows an enrolment link');
    return new URL(link!).pathname;
  }

  /** Opens the link in a fresh browser and registers a software key through the real endpoints. */
  async function enrol(path: string, authenticator = new SoftAuthenticator(TEST_ORIGIN)) {
    const client = new TestClient(await h().app());
    const page = await client.get(path);
    if (page.statusCode !== 200) return { client, status: page.statusCode };
    const begin = await client.json('POST', `${path}/options`, { name: 'Neuer Schlüssel' });
    if (begin.statusCode !== 200) return { client, status: begin.statusCode };
    const done = await client.json('POST', `${path}/verify`, { name: 'Neuer Schlüssel', credential: authenticator.createCredential(begin.json().options) });
    return { client, status: done.statusCode };
  }

  it('lists and opens only people with an active contract at one of the manager’s customers', async () => {
    const w = await world();
    const list = await w.client.get('/keys/people');
    assert.equal(list.statusCode, 200);
    assert.match(list.body, new RegExp(w.ada.user.user_code));
    assert.match(list.body, new RegExp(w.nina.user_code));
    assert.doesNotMatch(list.body, new RegExp(w.bob.user.user_code), 'a person of another customer is not listed');
    assert.match(list.body, new RegExp(`Sie sehen die Personen mit aktivem Vertrag bei: Alpha ${w.tag}\\.`));
    const search = await w.client.get(`/keys/people?q=${w.bob.user.user_code}`);
    assert.doesNotMatch(search.body, new RegExp(`/keys/people/${w.bob.user.id}`), 'not found by code either');
    assert.match(search.body, /Keine Personen gefunden/);
    assert.equal((await w.client.get(`/keys/people/${w.bob.user.id}`)).statusCode, 404);
  });

  it('refuses every action on a person of another customer (404) and changes nothing', async () => {
    const w = await world();
    const [bobKey] = await keysOf(w.bob.user.id);
    const base = `/keys/people/${w.bob.user.id}`;
    for (const [url, form] of [
      [`${base}/enrolment-link`, {}],
      [`${base}/rename`, { display_name: 'Übernommen' }],
      [`${base}/keys/${bobKey!.id}/rename`, { name: 'Übernommen' }],
      [`${base}/keys/${bobKey!.id}/disable`, {}],
      [`${base}/keys/${bobKey!.id}/delete`, {}],
      [`${base}/reset`, {}],
    ] as const) {
      assert.equal((await w.client.post(url, form)).statusCode, 404, url);
    }
    assert.deepEqual(await tokensOf(w.bob.user.id), []);
    const [after] = await keysOf(w.bob.user.id);
    assert.deepEqual([after?.name, after?.is_enabled], [bobKey!.name, true]);
    const bob = await db().selectFrom('users').select('display_name').where('id', '=', w.bob.user.id).executeTakeFirstOrThrow();
    assert.equal(bob.display_name, `Bob Beta ${w.tag}`);
  });

  it('refuses a link for a person who already has a key: the takeover of issue 10', async () => {
    const w = await world();
    const attempt = await w.client.post(`/keys/people/${w.ada.user.id}/enrolment-link`);
    assert.equal(attempt.statusCode, 403);
    assert.doesNotMatch(attempt.body, /\/auth\/enrol\//);
    assert.deepEqual(await tokensOf(w.ada.user.id), [], 'no link was made');
    assert.equal((await keysOf(w.ada.user.id)).length, 1);
    const page = await w.client.get(`/keys/people/${w.ada.user.id}`);
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, /action="[^"]*\/enrolment-link"/, 'no button for a link');
    assert.match(page.body, /hat bereits einen Sicherheitsschlüssel/);
  });

  it('a first-key link works once, is audited, and the person sees who made it on their keys page', async () => {
    const w = await world();
    const created = await w.client.post(`/keys/people/${w.nina.id}/enrolment-link`);
    assert.equal(created.statusCode, 200, created.body.slice(0, 300));
    const path = linkPath(created.body);
    const [link] = await listSecurityEvents(db(), { userId: w.nina.id, event: 'enrolment_link_created' });
    assert.equal(link?.actor_id, w.kim.user.id);

    const nina = await enrol(path);
    assert.equal(nina.status, 200);
    const [added] = await listSecurityEvents(db(), { userId: w.nina.id, event: 'key_added' });
    assert.equal(added?.actor_id, w.kim.user.id);
    const keys = await nina.client.get('/auth/keys');
    assert.equal(keys.statusCode, 200);
    assert.match(keys.body, /id="key-history"/);
    assert.match(keys.body, new RegExp(`Registrierungslink erstellt von Kim Keymanager ${w.tag} am `));
    assert.match(keys.body, new RegExp(`Schlüssel „Neuer Schlüssel“ hinzugefügt über den Registrierungslink von Kim Keymanager ${w.tag} am `));
    const english = await nina.client.get('/auth/keys', { 'accept-language': 'en' });
    assert.match(english.body, new RegExp(`Registration link created by Kim Keymanager ${w.tag} on `));

    // Now Nina has a key: the manager may not add another one.
    assert.equal((await w.client.post(`/keys/people/${w.nina.id}/enrolment-link`)).statusCode, 403);
    assert.equal((await enrol(path)).status, 404, 'the link worked once');
  });

  it('a first-key link made earlier stops working once the person has a key', async () => {
    const w = await world();
    const created = await w.client.post(`/keys/people/${w.nina.id}/enrolment-link`);
    const path = linkPath(created.body);
    // Nina gets a key another way (e.g. added by staff or on her own keys page) while the link is still open.
    await addCredential(db(), { userId: w.nina.id, credentialId: `cred-${w.tag}`, publicKey: new Uint8Array([1, 2, 3]), signCount: 0, backedUp: false, name: 'Eigener Schlüssel' });
    const attempt = await enrol(path);
    assert.equal(attempt.status, 404);
    assert.equal((await keysOf(w.nina.id)).length, 1, 'no second key through the old link');
  });

  it('registers people only for the manager’s own customers, with an active contract there', async () => {
    const w = await world();
    const form = await w.client.get('/auth/register-user');
    assert.equal(form.statusCode, 200);
    assert.match(form.body, new RegExp(`<option value="${w.a}"[^>]*>Alpha ${w.tag}</option>`));
    assert.doesNotMatch(form.body, new RegExp(`Beta ${w.tag}`));

    const foreign = await w.client.post('/auth/register-user', { display_name: `Fremd ${w.tag}`, email: '', customer: w.b });
    assert.equal(foreign.statusCode, 403);
    assert.equal(await db().selectFrom('users').select('id').where('display_name', '=', `Fremd ${w.tag}`).executeTakeFirst(), undefined);

    const done = await w.client.post('/auth/register-user', { display_name: `Neu ${w.tag}`, email: '', customer: w.a });
    assert.equal(done.statusCode, 200, done.body.slice(0, 300));
    linkPath(done.body);
    const person = await db().selectFrom('users').select('id').where('display_name', '=', `Neu ${w.tag}`).executeTakeFirstOrThrow();
    assert.deepEqual(
      (await contractsOfUser(db(), person.id)).map((c) => [c.customerId, c.isActive]),
      [[w.a, true]],
    );
    assert.equal((await listSecurityEvents(db(), { userId: person.id, event: 'enrolment_link_created' }))[0]?.actor_id, w.kim.user.id);
    assert.match((await w.client.get('/keys/people')).body, new RegExp(`Neu ${w.tag}`));
  });

  it('lists, appoints and changes key managers only among the people of the manager’s customers', async () => {
    const w = await world();
    const bobRole = await transaction(db(), (tx) => grantKeyManager(tx, w.bob.user.id, { can_create_keys: true }));
    const page = await w.client.get('/keys/managers');
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, new RegExp(w.bob.user.user_code));
    assert.equal((await w.client.post(`/keys/managers/${bobRole.id}`, { abilities: [] })).statusCode, 404);
    assert.equal((await w.client.post(`/keys/managers/${bobRole.id}/delete`)).statusCode, 404);
    const stillThere = await db().selectFrom('key_managers').select('can_create_keys').where('id', '=', bobRole.id).executeTakeFirstOrThrow();
    assert.equal(stillThere.can_create_keys, true);
    const foreign = await w.client.post('/keys/managers', { user_code: w.bob.user.user_code, abilities: [] });
    assert.equal(foreign.statusCode, 422);
    const own = await w.client.post('/keys/managers', { user_code: w.ada.user.user_code, abilities: ['can_create_keys'] });
    assert.equal(own.statusCode, 302);
    assert.equal((await db().selectFrom('key_managers').select('appointed_by').where('user_id', '=', w.ada.user.id).executeTakeFirstOrThrow()).appointed_by, w.kim.user.id);
  });

  it('staff with a second factor reach everyone and may give a person who has a key a link for another one', async () => {
    const w = await world();
    const root = await staffWithTotp(db(), h().settings.secretKey, { username: `root-${w.tag}`, superuser: true });
    const staff = new TestClient(await h().app());
    await signInStaff(staff, root);
    assert.match((await staff.get('/keys/people')).body, new RegExp(w.bob.user.user_code));
    const created = await staff.post(`/keys/people/${w.bob.user.id}/enrolment-link`);
    assert.equal(created.statusCode, 200, created.body.slice(0, 300));
    const second = await enrol(linkPath(created.body));
    assert.equal(second.status, 200, 'a link made by staff with a second factor adds a further key');
    assert.equal((await keysOf(w.bob.user.id)).length, 2);
    const history = await second.client.get('/auth/keys');
    assert.match(history.body, new RegExp(`Registrierungslink erstellt von root-${w.tag} am `));
  });
});
