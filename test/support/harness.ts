import { after, before, describe, it } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import type { Settings } from '../../app/core/config.js';
import type { DatabaseTarget } from '../../app/core/db/connection.js';
import { loadSettings } from '../../app/nadooit/settings.js';
import { bootstrap } from '../../app/nadooit/bootstrap.js';
import type { System } from '../../app/nadooit/bootstrap.js';
import { buildApp } from '../../app/nadooit/server.js';
import { clonePostgresTemplate, copySqliteTemplate } from './templates.js';

export type Backend = 'sqlite' | 'postgres';

/** Every backend a suite of describeEachBackend is registered for (run or shown as skipped). */
export const ALL_BACKENDS: readonly Backend[] = ['sqlite', 'postgres'];

/** SQLite always; PostgreSQL when TEST_DATABASE_URL points at a real server. */
export function backends(): Backend[] {
  return process.env.TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];
}

/** A server some suites need, and the variable that points the tests at it. */
export type TestService = 'postgres' | 'redis';

const SERVICES: Record<TestService, { variable: string; example: string }> = {
  postgres: { variable: 'TEST_DATABASE_URL', example: 'postgres://postgres@127.0.0.1:5432/nadooit_test' },
  redis: { variable: 'TEST_REDIS_URL', example: 'redis://127.0.0.1:6379/15' },
};

/** True on CI (CI=true, as CI services and .ci/run set it): there a suite that cannot run is a failure. */
export function onCi(): boolean {
  const value = (process.env.CI ?? '').toLowerCase();
  return value !== '' && value !== '0' && value !== 'false';
}

/** The URL of a test service, or undefined when it is not configured. */
export function serviceUrl(service: TestService): string | undefined {
  return process.env[SERVICES[service].variable] || undefined;
}

/** Why suites needing `service` cannot run here, or undefined when they can. */
export function missingService(service: TestService): string | undefined {
  if (serviceUrl(service)) return undefined;
  const { variable, example } = SERVICES[service];
  return `${variable} not set: set it (e.g. ${variable}=${example}) to run this suite`;
}

/**
 * A suite that needs a server: `describe(title, body)` when `service` is configured. Otherwise the suite
 * is still registered and reported — as one skipped test giving the reason, or on CI as a failing test —
 * so that nothing disappears silently and the summary counts it under "skipped".
 */
export function describeWith(service: TestService, title: string, body: () => void): void {
  describeUnless(missingService(service), title, body);
}

/**
 * `describe(title, body)` unless `missing` gives a reason it cannot run here (a service, a fixture beside
 * the project): then one skipped test with the reason, or on CI one failing test.
 */
export function describeUnless(missing: string | undefined, title: string, body: () => void): void {
  if (!missing) {
    describe(title, body);
    return;
  }
  describe(title, () => {
    if (onCi()) {
      it(`cannot run: ${missing}`, () => {
        throw new Error(`CI=${process.env.CI}: ${missing}. On CI every suite must run.`);
      });
    } else {
      it('every test of this suite', { skip: missing }, () => {});
    }
  });
}

/** Settings as production has them (DEBUG off), with a fixed secret and paths in a fresh temp folder. */
export function testSettings(overrides: Record<string, string> = {}): Settings {
  const root = mkdtempSync(path.join(tmpdir(), 'nadooit-test-'));
  return loadSettings(
    {
      SECRET_KEY: 'test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz',
      DEBUG: '0',
      ALLOWED_HOSTS: 'localhost,127.0.0.1',
      LOG_LEVEL: 'silent',
      WEBAUTHN_RP_ID: 'localhost',
      WEBAUTHN_ORIGIN: 'http://localhost',
      ...overrides,
    },
    root,
  );
}

export interface FreshDatabase {
  target: DatabaseTarget;
  drop(): Promise<void>;
}

/** An empty database: a temp SQLite file, or a new schema on the PostgreSQL test server. */
export async function freshDatabase(backend: Backend, settings: Settings): Promise<FreshDatabase> {
  if (backend === 'sqlite') {
    const file = path.join(settings.dataDir, `test-${randomBytes(4).toString('hex')}.sqlite3`);
    return { target: { kind: 'sqlite', file }, drop: async () => rmSync(settings.dataDir, { recursive: true, force: true }) };
  }
  const url = process.env.TEST_DATABASE_URL!;
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  return {
    target: { kind: 'postgres', url, searchPath: schema, max: 20 },
    async drop() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}

/**
 * A migrated database of its own: a copy of the migrated template (SQLite file in the settings' data dir,
 * or a new database on the PostgreSQL test server cloned with CREATE DATABASE … TEMPLATE). See templates.ts.
 */
export async function migratedDatabase(backend: Backend, settings: Settings): Promise<FreshDatabase> {
  if (backend === 'sqlite') {
    const file = path.join(settings.dataDir, `test-${randomBytes(4).toString('hex')}.sqlite3`);
    await copySqliteTemplate(file);
    return { target: { kind: 'sqlite', file }, drop: async () => rmSync(settings.dataDir, { recursive: true, force: true }) };
  }
  const url = serviceUrl('postgres');
  if (!url) throw new Error(missingService('postgres'));
  const clone = await clonePostgresTemplate(url);
  return { target: { kind: 'postgres', url: clone.url, max: 20 }, drop: clone.drop };
}

export interface Harness {
  backend: Backend;
  system: System;
  settings: Settings;
  /** The web app (built on first use), for app.inject(). */
  app(): Promise<FastifyInstance>;
}

export interface HarnessOptions {
  /** Settings overrides; a function is called in the suite's before hook (e.g. to reserve a port first). */
  settings?: Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);
  queueDriver?: 'db' | 'redis' | 'inline';
  /** Routes only the test needs (registered before the app is ready). */
  routes?: (app: FastifyInstance) => void;
}

/**
 * Runs `body` once per backend inside a describe block titled with the backend, on a freshly migrated
 * database of its own. Use the returned getter inside tests. A backend that is not configured (PostgreSQL
 * without TEST_DATABASE_URL) shows up as a skipped suite with the reason (on CI: as a failure).
 */
export function describeEachBackend(title: string, body: (h: () => Harness) => void, options: HarnessOptions = {}): void {
  for (const backend of ALL_BACKENDS) describeOnBackend(backend, title, body, options);
}

/** describeEachBackend for one backend: `${title} [${backend}]`. */
export function describeOnBackend(backend: Backend, title: string, body: (h: () => Harness) => void, options: HarnessOptions = {}): void {
  const suite = `${title} [${backend}]`;
  const inSuite = () => {
    let harness: Harness | null = null;
    let database: FreshDatabase | null = null;
    let app: FastifyInstance | null = null;
    before(async () => {
      const overrides = typeof options.settings === 'function' ? await options.settings() : options.settings;
      const settings = testSettings(overrides);
      database = await migratedDatabase(backend, settings);
      const system = await bootstrap(settings, {
        migrate: true, // a no-op on the template's copy, unless a migration came after the template was made
        database: database.target,
        queueDriver: options.queueDriver ?? 'inline',
        logger: pino({ level: 'silent' }),
      });
      harness = {
        backend,
        system,
        settings,
        async app() {
          app ??= await buildApp(system, options.routes);
          return app;
        },
      };
    });
    after(async () => {
      await app?.close();
      await harness?.system.close();
      await database?.drop();
    });
    body(() => {
      if (!harness) throw new Error('harness used outside a test');
      return harness;
    });
  };
  describeBackend(backend, suite, inSuite);
}

/** `describe(title, body)` for a suite that needs `backend`: on PostgreSQL only where it is configured. */
export function describeBackend(backend: Backend, title: string, body: () => void): void {
  if (backend === 'postgres') describeWith('postgres', title, body);
  else describe(title, body);
}
