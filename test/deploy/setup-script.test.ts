import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { loadSettings, readDotEnv } from '../../app/nadooit/settings.js';
import { REPO } from './support.js';

/** setup.sh writes .env next to itself: each case gets a copy in its own folder. */
function setupIn(dir: string, args: string[], env: Record<string, string>, input = '') {
  copyFileSync(path.join(REPO, 'setup.sh'), path.join(dir, 'setup.sh'));
  return spawnSync('bash', [path.join(dir, 'setup.sh'), ...args], {
    env: { PATH: process.env.PATH, HOME: dir, ...env },
    input,
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('setup.sh writes a correct .env and never overwrites one', () => {
  const dirs: string[] = [];
  const fresh = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nadooit-setup-'));
    dirs.push(dir);
    return dir;
  };
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('derives hosts and CSRF origins from the domain, generates secrets, and the app accepts the result', () => {
    const dir = fresh();
    const result = setupIn(dir, ['--env-only', '--non-interactive'], { DOMAIN: 'example.org', ACME_DEFAULT_EMAIL: 'ops@example.org' });
    assert.equal(result.status, 0, result.stderr);
    const env = readDotEnv(path.join(dir, '.env'));
    assert.equal(env.DOMAIN, 'example.org');
    assert.equal(env.ALLOWED_HOSTS, 'example.org,www.example.org');
    assert.equal(env.CSRF_TRUSTED_ORIGINS, 'https://example.org,https://www.example.org');
    assert.match(env.SECRET_KEY!, /^[0-9a-f]{96}$/);
    assert.match(env.REDIS_PASSWORD!, /^[0-9a-f]{64}$/);
    assert.equal(env.COMPOSE_FILE, 'docker-compose.deploy.yml');
    assert.equal(statSync(path.join(dir, '.env')).mode & 0o777, 0o600);

    const settings = loadSettings({}, dir);
    assert.equal(settings.debug, false);
    assert.deepEqual(settings.allowedHosts, ['example.org', 'www.example.org']);
    assert.deepEqual(settings.csrfTrustedOrigins, ['https://example.org', 'https://www.example.org']);
    assert.equal(settings.domain, 'example.org');

    // Every variable the production compose file insists on (${VAR:?…}) has a value.
    const compose = readFileSync(path.join(REPO, 'docker-compose.deploy.yml'), 'utf8');
    for (const [, name] of compose.matchAll(/\$\{([A-Z_]+):\?/g)) assert.ok(env[name!], `${name} is required by compose`);
  });

  it('is idempotent: a second run changes nothing and only fills in what is missing', () => {
    const dir = fresh();
    const first = { DOMAIN: 'example.org', ACME_DEFAULT_EMAIL: 'ops@example.org' };
    assert.equal(setupIn(dir, ['--env-only', '--non-interactive'], first).status, 0);
    const written = readFileSync(path.join(dir, '.env'), 'utf8');
    const again = setupIn(dir, ['--env-only', '--non-interactive'], { DOMAIN: 'other.org', ACME_DEFAULT_EMAIL: 'x@other.org' });
    assert.equal(again.status, 0, again.stderr);
    assert.equal(readFileSync(path.join(dir, '.env'), 'utf8'), written);

    writeFileSync(path.join(dir, '.env'), written.replace(/^REDIS_PASSWORD=.*\n/m, 'REDIS_PASSWORD=\n'));
    assert.equal(setupIn(dir, ['--env-only', '--non-interactive'], {}).status, 0);
    const repaired = readDotEnv(path.join(dir, '.env'));
    assert.match(repaired.REDIS_PASSWORD!, /^[0-9a-f]{64}$/);
    assert.equal(repaired.SECRET_KEY, /^SECRET_KEY=(.*)$/m.exec(written)![1]);
    assert.equal(readFileSync(path.join(dir, '.env'), 'utf8').match(/^REDIS_PASSWORD=/gm)!.length, 1);
  });

  it('asks again on invalid answers and takes the default on an empty one', () => {
    const dir = fresh();
    const answers = ['www.example.org', 'Not A Domain', 'example.org', 'not-an-email', 'ops@example.org', ''].join('\n');
    const result = setupIn(dir, ['--env-only'], {}, `${answers}\n`);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout.match(/is not valid/g)?.length, 3);
    const env = readDotEnv(path.join(dir, '.env'));
    assert.equal(env.DOMAIN, 'example.org');
    assert.equal(env.ACME_DEFAULT_EMAIL, 'ops@example.org');
    assert.equal(env.COMPOSE_FILE, 'docker-compose.deploy.yml', 'empty answer = sqlite');
  });

  it('sets up the CockroachDB variant with its CA certificate', () => {
    const dir = fresh();
    writeFileSync(path.join(dir, 'root.crt'), 'CA');
    const result = setupIn(dir, ['--env-only', '--non-interactive'], {
      DOMAIN: 'example.org', ACME_DEFAULT_EMAIL: 'ops@example.org', DATABASE: 'cockroach', COCKROACH_DB_HOST: 'db.example.org',
      COCKROACH_DB_PASSWORD: 'pw', COCKROACH_DB_CA_CERT_FILE: path.join(dir, 'root.crt'),
    });
    assert.equal(result.status, 0, result.stderr);
    const env = readDotEnv(path.join(dir, '.env'));
    assert.equal(env.COMPOSE_FILE, 'docker-compose.deploy.yml:docker-compose.deploy_COCKROACHDB.yml');
    assert.equal(env.COCKROACH_DB_PORT, '26257');
    const settings = loadSettings({ COCKROACH_DB_CA_CERT: '/run/secrets/cockroach-ca.crt' }, dir);
    assert.equal(settings.database.kind, 'postgres');
    assert.match(settings.database.kind === 'postgres' ? settings.database.url : '', /^postgresql:\/\/nadooit:pw@db\.example\.org:26257\/nadooit\?sslmode=verify-full$/);
  });

  it('stops with a clear message when an answer is missing and nobody can be asked', () => {
    const result = setupIn(fresh(), ['--env-only', '--non-interactive'], { ACME_DEFAULT_EMAIL: 'ops@example.org' });
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /setup: DOMAIN is missing or invalid/);
  });
});
