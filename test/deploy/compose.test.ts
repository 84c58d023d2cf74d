import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import YAML from 'yaml';
import { REPO } from './support.js';

interface Service {
  build?: string | { context: string; dockerfile?: string };
  image?: string;
  command?: string | string[];
  env_file?: string | string[];
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: string[] | Record<string, { condition: string }>;
  healthcheck?: { test?: unknown; disable?: boolean };
}
interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const read = (file: string) => readFileSync(path.join(REPO, file), 'utf8');
const compose = (file: string) => YAML.parse(read(file), { merge: true }) as ComposeFile;

/** Every ${VAR…} compose interpolates (not $$VAR, which reaches the container's shell). */
function interpolated(text: string): string[] {
  return [...text.matchAll(/(?<!\$)\$\{([A-Z_][A-Z0-9_]*)/g)].map((m) => m[1]!);
}

function documentedVariables(): Set<string> {
  const example = read('.env.example');
  return new Set([...example.matchAll(/^#?\s*([A-Z_][A-Z0-9_]*)=/gm)].map((m) => m[1]!));
}

function dependencies(service: Service): Record<string, string> {
  const raw = service.depends_on ?? [];
  return Array.isArray(raw) ? Object.fromEntries(raw.map((name) => [name, 'service_started'])) : Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v.condition]));
}

/** Structural checks every compose file of the project must pass. */
function checkReferences(file: string, data: ComposeFile, base?: ComposeFile): void {
  const services = { ...base?.services, ...data.services };
  const volumes = new Set(Object.keys({ ...base?.volumes, ...data.volumes }));
  for (const [name, service] of Object.entries(data.services)) {
    assert.ok(base?.services[name] ?? service.image ?? service.build, `${file}: ${name} has neither image nor build`);
    for (const [dependency, condition] of Object.entries(dependencies(service))) {
      assert.ok(services[dependency], `${file}: ${name} depends on unknown service ${dependency}`);
      if (condition === 'service_healthy') assert.ok(services[dependency]!.healthcheck?.test, `${file}: ${dependency} has no healthcheck`);
    }
    for (const volume of service.volumes ?? []) {
      const source = volume.split(':')[0]!;
      if (source.startsWith('.') || source.startsWith('/') || source.startsWith('$')) continue;
      assert.ok(volumes.has(source), `${file}: ${name} mounts undeclared volume ${source}`);
    }
    if (service.build) {
      const build = typeof service.build === 'string' ? { context: service.build } : service.build;
      const context = path.join(REPO, build.context);
      assert.ok(existsSync(context), `${file}: build context ${build.context} is missing`);
      assert.ok(existsSync(path.join(context, build.dockerfile ?? 'Dockerfile')), `${file}: ${name}'s Dockerfile is missing`);
    }
    for (const envFile of [service.env_file ?? []].flat()) assert.equal(envFile, '.env', `${file}: only .env holds settings`);
  }
  const undocumented = interpolated(read(file)).filter((v) => !documentedVariables().has(v));
  assert.deepEqual([...new Set(undocumented)], [], `${file} uses variables .env.example does not document`);
}

describe('compose files', () => {
  const deploy = compose('docker-compose.deploy.yml');

  it('production: the services of the original, renamed worker, plus the one-shot migrate', () => {
    assert.deepEqual(Object.keys(deploy.services).sort(), ['app', 'certbot', 'migrate', 'proxy', 'redis', 'worker']);
    checkReferences('docker-compose.deploy.yml', deploy);
    for (const name of ['app', 'worker']) {
      assert.equal(dependencies(deploy.services[name]!).migrate, 'service_completed_successfully', `${name} waits for migrate`);
    }
    assert.match(String(deploy.services.migrate!.command), /manage migrate/);
    assert.equal(deploy.services.app!.environment!.TRUST_PROXY, '1');
    assert.deepEqual(Object.keys(deploy.volumes!).sort(), ['certbot_certs', 'certbot_web', 'data', 'media_data', 'redis_data', 'static_data']);
  });

  it('production: redis never evicts and needs the password; no secret is written into the file', () => {
    const redis = deploy.services.redis!;
    assert.match(String(redis.command), /--maxmemory-policy noeviction/);
    assert.match(String(redis.command), /--requirepass "\$\$REDIS_PASSWORD"/);
    assert.match(deploy.services.app!.environment!.REDIS_URL!, /^redis:\/\/:\$\{REDIS_PASSWORD:\?/);
    assert.doesNotMatch(read('docker-compose.deploy.yml'), /(SECRET_KEY|PASSWORD)\s*[:=]\s*[A-Za-z0-9]{8,}/);
  });

  it('production: proxy and certbot share the webroot and certificates; the proxy reads them only', () => {
    const proxy = deploy.services.proxy!.volumes!;
    const certbot = deploy.services.certbot!.volumes!;
    assert.ok(proxy.includes('certbot_web:/vol/www:ro') && certbot.includes('certbot_web:/vol/www'));
    assert.ok(proxy.includes('certbot_certs:/etc/letsencrypt:ro') && certbot.includes('certbot_certs:/etc/letsencrypt'));
    assert.ok(proxy.includes('static_data:/vol/web/static:ro') && proxy.includes('media_data:/vol/web/media:ro'));
  });

  it('the original name docker-compose-deploy.yml is the same file, not a copy', () => {
    assert.equal(realpathSync(path.join(REPO, 'docker-compose-deploy.yml')), path.join(REPO, 'docker-compose.deploy.yml'));
  });

  it('the CockroachDB variant overrides only existing services and mounts the CA certificate', () => {
    const cockroach = compose('docker-compose.deploy_COCKROACHDB.yml');
    checkReferences('docker-compose.deploy_COCKROACHDB.yml', cockroach, deploy);
    for (const name of ['migrate', 'app', 'worker']) {
      const service = cockroach.services[name]!;
      assert.equal(service.environment!.COCKROACH_DB_CA_CERT, '/run/secrets/cockroach-ca.crt');
      assert.match(service.volumes![0]!, /^\$\{COCKROACH_DB_CA_CERT_FILE:\?[^}]*\}:\/run\/secrets\/cockroach-ca\.crt:ro$/);
    }
  });

  it('development: app, worker, redis and the HTTPS proxy on :8000, with the source mounted', () => {
    const dev = compose('docker-compose-dev.yml');
    checkReferences('docker-compose-dev.yml', dev);
    assert.deepEqual(Object.keys(dev.services).sort(), ['app', 'proxy', 'redis', 'worker']);
    assert.ok(dev.services.app!.volumes!.includes('.:/app'));
    assert.deepEqual((dev.services.proxy as { ports: string[] }).ports, ['8000:8443']);
  });
});

/** The few .dockerignore pattern forms we use: names, dir/ prefixes and globs with * and **. */
function dockerignored(relative: string, patterns: string[]): boolean {
  let ignored = false;
  for (const raw of patterns) {
    const negate = raw.startsWith('!');
    const pattern = negate ? raw.slice(1) : raw;
    const regex = new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*\*\//g, '\0')
        .replace(/\*/g, '[^/]*')
        .replace(/\0/g, '(?:.*/)?')}(?:/.*)?$`,
    );
    if (regex.test(relative)) ignored = !negate;
  }
  return ignored;
}

interface DockerfileCase {
  file: string;
  context: string;
  /** Files the image must end up with (absolute paths in the image → their source in the context). */
  entrypoints: string[];
}

describe('Dockerfiles reference only files that exist (and are not excluded from the build context)', () => {
  const cases: DockerfileCase[] = [
    { file: 'Dockerfile', context: '.', entrypoints: ['app/nadooit/main.ts', 'docker/app/healthcheck.mjs'] },
    { file: 'Dockerfile-dev', context: '.', entrypoints: [] },
    { file: 'docker/proxy/Dockerfile', context: 'docker/proxy', entrypoints: ['entrypoint.sh', 'render.sh', 'reload.sh', 'watch-certs.sh'] },
    { file: 'docker/certbot/Dockerfile', context: 'docker/certbot', entrypoints: ['renew-loop.sh', 'certify-init.sh', 'renew.sh', 'deploy-hook.sh', 'common.sh'] },
  ];
  const ignore = read('.dockerignore').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));

  for (const { file, context, entrypoints } of cases) {
    it(file, () => {
      const text = read(file).replace(/\\\n/g, ' ');
      const copied: string[] = [];
      for (const line of text.split('\n')) {
        const match = /^(COPY|ADD)\s+(.*)$/.exec(line.trim());
        if (!match || /--from=/.test(match[2]!)) continue;
        const parts = match[2]!.split(/\s+/).filter((p) => !p.startsWith('--'));
        for (const source of parts.slice(0, -1)) {
          const relative = path.normalize(source).replace(/\/$/, '');
          assert.ok(existsSync(path.join(REPO, context, relative)), `${file}: COPY source ${source} is missing`);
          if (context === '.') assert.ok(!dockerignored(relative, ignore), `${file}: ${source} is excluded by .dockerignore`);
          copied.push(relative);
        }
      }
      for (const entry of entrypoints) {
        assert.ok(copied.some((c) => entry === c || entry.startsWith(`${c}/`)), `${file}: ${entry} is used but never copied`);
      }
      for (const script of ['start', 'worker', 'manage', 'dev']) assert.ok(JSON.parse(read('package.json')).scripts[script], `npm script ${script}`);
    });
  }

  it('the app image leaves tests, local data and secrets out of its context', () => {
    for (const excluded of ['node_modules', '.env', 'data/db.sqlite3', 'app/nadooit/settings.test.ts', 'test/support/harness.ts']) {
      assert.ok(dockerignored(excluded, ignore), excluded);
    }
    assert.ok(!dockerignored('app/nadooit/settings.ts', ignore));
  });

  it('Procfile: web, worker and the release step', () => {
    assert.deepEqual(
      read('Procfile').trim().split('\n'),
      ['web: npm start', 'worker: npm run worker', 'release: npm run manage -- migrate'],
    );
  });
});
