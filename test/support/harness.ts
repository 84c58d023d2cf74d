import { after, before, describe } from 'node:test';
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

export type Backend = 'sqlite' | 'postgres';

/** SQLite always; PostgreSQL when TEST_DATABASE_URL points at a real server. */
export function backends(): Backend[] {
  return process.env.TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];
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

export interface Harness {
  backend: Backend;
  system: System;
  settings: Settings;
  /** The web app (built on first use), for app.inject(). */
  app(): Promise<FastifyInstance>;
}

export interface HarnessOptions {
  settings?: Record<string, string>;
  queueDriver?: 'db' | 'redis' | 'inline';
  /** Routes only the test needs (registered before the app is ready). */
  routes?: (app: FastifyInstance) => void;
}

/**
 * Runs `body` once per backend inside a describe block titled with the backend, on a freshly migrated
 * database. Use the returned getter inside tests.
 */
export function describeEachBackend(title: string, body: (h: () => Harness) => void, options: HarnessOptions = {}): void {
  for (const backend of backends()) {
    describe(`${title} [${backend}]`, () => {
      let harness: Harness | null = null;
      let database: FreshDatabase | null = null;
      let app: FastifyInstance | null = null;
      before(async () => {
        const settings = testSettings(options.settings);
        database = await freshDatabase(backend, settings);
        const system = await bootstrap(settings, {
          migrate: true,
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
    });
  }
}
