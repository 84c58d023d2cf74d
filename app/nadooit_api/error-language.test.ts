import { before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { describeEachBackend } from '../../test/support/harness.js';
import { apiKeyFor, bookingWorld, person } from '../nadooit_api_executions_system/testing/fixtures.js';

/**
 * Issue 16 #10: an /api/v1 error answers in one language, the one Accept-Language asks for (German without
 * the header, the site's default); the code never changes with the language.
 */
describeEachBackend('REST API errors speak the language of Accept-Language', (h) => {
  let app: FastifyInstance;
  let auth: Record<string, string>;

  const error = async (options: InjectOptions, language?: string) => {
    const response = await app.inject({ ...options, headers: { ...options.headers, ...(language ? { 'accept-language': language } : {}) } });
    return { status: response.statusCode, ...(response.json().error as { code: string; message: string; details?: Array<{ field: string; message: string }> }) };
  };

  before(async () => {
    app = await h().app();
    const db = h().system.context.db.kysely;
    const world = await bookingWorld(db, { customerName: 'Kunde Sprache' });
    const manager = await person(db, { customerId: world.customerId, roles: { customer_program_execution_manager: [] } });
    auth = { authorization: `Bearer ${(await apiKeyFor(db, manager.userId)).secret}` };
  });

  it('the API layer\'s own refusals: no credentials, a wrong key, an unknown record, no route', async () => {
    const cases: Array<[InjectOptions, string, string, string]> = [
      [{ method: 'GET', url: '/api/v1/customers' }, 'unauthorized', 'Anmeldung erforderlich', 'Authentication required'],
      [{ method: 'GET', url: '/api/v1/customers', headers: { authorization: 'Bearer nadooit_nope' } }, 'unauthorized', 'Ungültiger API-Schlüssel', 'Invalid API key'],
      [{ method: 'GET', url: `/api/v1/customers/${crypto.randomUUID()}`, headers: { authorization: '' } }, 'unauthorized', 'Anmeldung erforderlich', 'Authentication required'],
      [{ method: 'GET', url: '/api/v1/nothing-here' }, 'not_found', 'Keine Route für GET /api/v1/nothing-here', 'No route for GET /api/v1/nothing-here'],
    ];
    for (const [options, code, de, en] of cases) {
      const german = await error(options, 'de-DE,de;q=0.9,en;q=0.8');
      const english = await error(options, 'en-US,en;q=0.9');
      const unspecified = await error(options);
      assert.equal(german.code, code);
      assert.equal(english.code, code, 'the code does not depend on the language');
      assert.ok(german.message.startsWith(de), `${options.url}: ${german.message}`);
      assert.ok(english.message.startsWith(en), `${options.url}: ${english.message}`);
      assert.equal(unspecified.message, german.message, 'German without Accept-Language');
    }
    const unknown = { method: 'GET', url: `/api/v1/customers/${crypto.randomUUID()}`, headers: auth } as const;
    assert.deepEqual(await error(unknown, 'de'), { status: 404, code: 'not_found', message: 'Kunde nicht gefunden' });
    assert.deepEqual(await error(unknown, 'en'), { status: 404, code: 'not_found', message: 'Customer not found' });
  });

  it('a service refusal (German by convention) becomes the code\'s text in English', async () => {
    const complaint = { method: 'POST', url: '/api/v1/complaints', headers: { ...auth, 'content-type': 'application/json' }, payload: { execution_id: crypto.randomUUID(), text: 'zu teuer' } } as const;
    const german = await error(complaint, 'de');
    const english = await error(complaint, 'en');
    assert.equal(german.code, english.code);
    assert.equal(german.status, english.status);
    assert.doesNotMatch(english.message, /[äöüß]|nicht|Buchung/, english.message);
    assert.match(german.message, /nicht/);
  });

  it('schema violations: the message and every field detail in the asked language', async () => {
    const invalid = { method: 'GET', url: '/api/v1/executions?limit=0', headers: auth } as const;
    const german = await error(invalid, 'de');
    const english = await error(invalid, 'en');
    assert.equal(german.code, 'validation_error');
    assert.equal(german.message, 'Die Anfrage ist ungültig; siehe details.');
    assert.equal(english.message, 'The request is invalid; see details.');
    assert.equal(german.details![0]!.field, 'querystring.limit');
    assert.equal(german.details![0]!.message, 'Wert zu klein oder zu kurz');
    assert.match(english.details![0]!.message, /[Tt]oo small|expected/);
  });

  it("Fastify's own refusals (invalid JSON) in German too", async () => {
    const broken = { method: 'POST', url: '/api/v1/complaints', headers: { ...auth, 'content-type': 'application/json' }, payload: '{"execution_id": ' } as const;
    const german = await error(broken, 'de');
    const english = await error(broken, 'en');
    assert.equal(german.code, 'bad_request');
    assert.equal(english.code, 'bad_request');
    assert.equal(german.message, 'Die Anfrage ist fehlerhaft.');
    assert.doesNotMatch(english.message, /Anfrage/);
  });
});
