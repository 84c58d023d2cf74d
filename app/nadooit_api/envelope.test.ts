import { before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { describeEachBackend } from '../../test/support/harness.js';
import { apiKeyFor, bookingWorld, person } from '../nadooit_api_executions_system/testing/fixtures.js';

/**
 * Finding 10 of issue 10, the /api/v1 part: every answer carries `Cache-Control: no-store`, and every error —
 * Fastify's own FST_ERR_* included — is the documented `{error: {code, message}}` envelope. (Errors raised
 * before routing, such as a malformed or over-long path segment, are the platform's: core/http/server.tsx.)
 */
describeEachBackend('REST API /api/v1: no-store on every answer, every error in the envelope', (h) => {
  let app: FastifyInstance;
  let auth: Record<string, string>;
  let customerId: string;

  const send = (options: InjectOptions) => app.inject(options);
  const json = (payload: string, extra: Record<string, string> = {}): InjectOptions => ({
    method: 'POST',
    url: '/api/v1/complaints',
    headers: { ...auth, 'content-type': 'application/json', ...extra },
    payload,
  });

  function assertEnvelope(response: LightMyRequestResponse, status: number, code: string, what: string): void {
    assert.equal(response.statusCode, status, `${what}: ${response.body.slice(0, 300)}`);
    assert.match(String(response.headers['content-type']), /^application\/json/, what);
    assert.equal(response.headers['cache-control'], 'no-store', what);
    const body = response.json();
    assert.deepEqual(Object.keys(body), ['error'], what);
    assert.equal(body.error.code, code, what);
    assert.equal(typeof body.error.message, 'string', what);
    assert.ok(body.error.message.length > 0, what);
  }

  // A manager of one customer with an API key (read by every test below).
  before(async () => {
    app = await h().app();
    const db = h().system.context.db.kysely;
    const world = await bookingWorld(db, { customerName: 'Kunde Umschlag' });
    customerId = world.customerId;
    const manager = await person(db, { customerId, roles: { customer_program_execution_manager: [] } });
    auth = { authorization: `Bearer ${(await apiKeyFor(db, manager.userId)).secret}` };
  });

  it('answers, downloads and the API\'s own errors are never cached', async () => {
    for (const url of ['/api/v1/customers', `/api/v1/customers/${customerId}`, '/api/v1/executions?limit=1', '/api/v1/executions/sums']) {
      const response = await send({ method: 'GET', url, headers: auth });
      assert.equal(response.statusCode, 200, url);
      assert.equal(response.headers['cache-control'], 'no-store', url);
    }
    const csv = await send({ method: 'GET', url: `/api/v1/executions/export.csv?customer=${customerId}`, headers: auth });
    assert.equal(csv.statusCode, 200);
    assert.equal(csv.headers['cache-control'], 'no-store');
    assertEnvelope(await send({ method: 'GET', url: '/api/v1/customers' }), 401, 'unauthorized', 'no credentials');
    assertEnvelope(await send({ method: 'GET', url: '/api/v1/customers', headers: { authorization: 'Bearer nadooit_nope' } }), 401, 'unauthorized', 'unknown key');
    assertEnvelope(await send({ method: 'GET', url: `/api/v1/customers/${crypto.randomUUID()}`, headers: auth }), 404, 'not_found', 'unknown customer');
    assertEnvelope(await send({ method: 'GET', url: '/api/v1/executions?limit=0', headers: auth }), 400, 'validation_error', 'schema violation');
  });

  it("Fastify's own body errors (FST_ERR_CTP_*) come in the envelope", async () => {
    assertEnvelope(await send(json('{"execution_id": ')), 400, 'bad_request', 'invalid JSON');
    assertEnvelope(await send(json('{"__proto__": {"admin": true}}')), 400, 'bad_request', 'prototype poisoning');
    assertEnvelope(await send(json('')), 400, 'bad_request', 'empty JSON body');
    assertEnvelope(await send(json('{"a": 1}', { 'content-length': '3' })), 400, 'bad_request', 'Content-Length does not match the body');
    assertEnvelope(await send(json(JSON.stringify({ text: 'x'.repeat(1024 * 1024) }))), 413, 'payload_too_large', 'body over the limit');
    assertEnvelope(await send(json('<complaint/>', { 'content-type': 'application/xml' })), 415, 'unsupported_media_type', 'unsupported content type');
    assertEnvelope(await send({ method: 'POST', url: '/api/v1/complaints', headers: auth, payload: 'text' }), 415, 'unsupported_media_type', 'no content type');
  });

  it('paths under /api/v1 without a route: 404 in the envelope, with or without credentials', async () => {
    for (const url of ['/api/v1', '/api/v1/', '/api/v1/nothing-here', `/api/v1/customers/${customerId}/nothing`]) {
      assertEnvelope(await send({ method: 'GET', url, headers: auth }), 404, 'not_found', url);
      assertEnvelope(await send({ method: 'GET', url }), 404, 'not_found', `${url} without credentials`);
    }
  });
});
