import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SettingsError, loadSettings, normaliseOrigin } from './settings.js';

const root = () => mkdtempSync(path.join(tmpdir(), 'nadooit-settings-'));
const SECRET = 'a'.repeat(20) + 'b'.repeat(20);

describe('settings', () => {
  it('defaults to SQLite under data/ and 127.0.0.1:8000', () => {
    const dir = root();
    const s = loadSettings({ SECRET_KEY: SECRET }, dir);
    assert.deepEqual(s.database, { kind: 'sqlite', file: path.join(dir, 'data', 'db.sqlite3') });
    assert.equal(s.host, '127.0.0.1');
    assert.equal(s.port, 8000);
    assert.equal(s.workerInProcess, true);
  });

  it('requires SECRET_KEY when DEBUG is off and names the variable', () => {
    assert.throws(() => loadSettings({}, root()), (e: unknown) => e instanceof SettingsError && e.variable === 'SECRET_KEY');
  });

  it('lets the manage CLI join the development setup npm run dev made, and only that', () => {
    const dir = root();
    const refused = (e: unknown) => e instanceof SettingsError && e.variable === 'SECRET_KEY' && /npm run dev/.test(e.message);
    assert.throws(() => loadSettings({}, dir, { joinDevelopmentSetup: true }), refused, 'no development setup yet');
    const devSecret = loadSettings({ DEBUG: '1' }, dir).secretKey; // what `npm run dev` does first
    const manage = loadSettings({}, dir, { joinDevelopmentSetup: true });
    assert.equal(manage.debug, true);
    assert.equal(manage.secretKey, devSecret, 'same secret as the dev server, so its sessions and links agree');
    assert.throws(() => loadSettings({}, dir), refused, 'the web process (npm start) still needs SECRET_KEY');
    assert.throws(() => loadSettings({ DEBUG: '0' }, dir, { joinDevelopmentSetup: true }), refused, 'DEBUG=0 is meant');
    assert.equal(loadSettings({ SECRET_KEY: SECRET }, dir, { joinDevelopmentSetup: true }).debug, false);
  });

  it('generates a development secret once and keeps it under data/', () => {
    const dir = root();
    const first = loadSettings({ DEBUG: '1' }, dir).secretKey;
    const second = loadSettings({ DEBUG: '1' }, dir).secretKey;
    assert.equal(first, second);
    assert.equal(readFileSync(path.join(dir, 'data', 'secret_key'), 'utf8'), first);
  });

  it('rejects a malformed DATABASE_URL, PORT or DEBUG with the variable named', () => {
    for (const [name, env] of [
      ['DATABASE_URL', { DATABASE_URL: 'foo://x' }],
      ['PORT', { PORT: 'eighty' }],
      ['DEBUG', { DEBUG: 'maybe' }],
      ['REDIS_URL', { REDIS_URL: 'http://x' }],
      ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ] as const) {
      assert.throws(
        () => loadSettings({ SECRET_KEY: SECRET, ...env }, root()),
        (e: unknown) => e instanceof SettingsError && e.variable === name,
        name,
      );
    }
  });

  it('accepts postgres URLs and builds one from the COCKROACH_DB_* variables with verify-full', () => {
    const pgUrl = 'postgres://u:p@127.0.0.1:5432/db';
    assert.deepEqual(loadSettings({ SECRET_KEY: SECRET, DATABASE_URL: pgUrl }, root()).database, { kind: 'postgres', url: pgUrl, caCertFile: undefined });
    const s = loadSettings(
      {
        SECRET_KEY: SECRET,
        COCKROACH_DB_HOST: 'db.example.com',
        COCKROACH_DB_NAME: 'nadooit',
        COCKROACH_DB_USER: 'app',
        COCKROACH_DB_PASSWORD: 'p@ss',
        COCKROACH_DB_CA_CERT: '/certs/ca.crt',
      },
      root(),
    );
    assert.equal(s.database.kind, 'postgres');
    assert.equal((s.database as { url: string }).url, 'postgresql://app:p%40ss@db.example.com:26257/nadooit?sslmode=verify-full');
  });

  it('normalises CSRF origins from hosts or origins without doubling the scheme', () => {
    assert.equal(normaliseOrigin('example.com'), 'https://example.com');
    assert.equal(normaliseOrigin('https://example.com'), 'https://example.com');
    assert.equal(normaliseOrigin('http://localhost:8000'), 'http://localhost:8000');
    const s = loadSettings({ SECRET_KEY: SECRET, CSRF_TRUSTED_ORIGINS: 'nadooit.de, https://www.nadooit.de' }, root());
    assert.deepEqual(s.csrfTrustedOrigins, ['https://nadooit.de', 'https://www.nadooit.de']);
  });

  it('accepts CELERY_BROKER_URL as an alias for REDIS_URL and then runs the worker separately', () => {
    const s = loadSettings({ SECRET_KEY: SECRET, CELERY_BROKER_URL: 'redis://127.0.0.1:6379/0' }, root());
    assert.equal(s.redisUrl, 'redis://127.0.0.1:6379/0');
    assert.equal(s.workerInProcess, false);
  });

  it('reads a .env file, with the real environment winning', () => {
    const dir = root();
    writeFileSync(path.join(dir, '.env'), `# comment\nSECRET_KEY="${SECRET}"\nPORT=9000\nHOST=0.0.0.0\n`);
    const s = loadSettings({ PORT: '9100' }, dir);
    assert.equal(s.port, 9100);
    assert.equal(s.host, '0.0.0.0');
  });

  it('reads the API rate limit (default 1200, 0 switches it off) and refuses a malformed one', () => {
    assert.equal(loadSettings({ SECRET_KEY: SECRET }, root()).apiRateLimitPerMinute, 1200);
    assert.equal(loadSettings({ SECRET_KEY: SECRET, NADOOIT_API_RATE_LIMIT_PER_MINUTE: '0' }, root()).apiRateLimitPerMinute, 0);
    assert.throws(
      () => loadSettings({ SECRET_KEY: SECRET, NADOOIT_API_RATE_LIMIT_PER_MINUTE: 'abc' }, root()),
      (e: unknown) => e instanceof SettingsError && e.variable === 'NADOOIT_API_RATE_LIMIT_PER_MINUTE',
    );
  });

  it('refuses INSECURE_DEV_LOGIN when DEBUG is off', () => {
    assert.throws(() => loadSettings({ SECRET_KEY: SECRET, INSECURE_DEV_LOGIN: '1' }, root()), /INSECURE_DEV_LOGIN/);
  });
});
