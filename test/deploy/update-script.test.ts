import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { REPO } from './support.js';

/**
 * No Docker engine here: a stand-in `docker` records every call and plays the containers (old123 →
 * old123 + new456 after scaling), so the script's order of steps and its rollback are checked for real.
 */
const FAKE_DOCKER = `#!/usr/bin/env bash
echo "$*" >> "$STUB_DIR/calls"
args="$*"
if [ -n "\${STUB_FAIL:-}" ] && [[ "$args" == *"$STUB_FAIL"* ]]; then exit 1; fi
case "$args" in
  "compose ps -q app") if [ -f "$STUB_DIR/scaled" ]; then printf 'old123\\nnew456\\n'; else echo old123; fi ;;
  *"--scale app=2"*) touch "$STUB_DIR/scaled" ;;
  "inspect -f {{.State.Health.Status}} new456") echo "\${STUB_HEALTH:-healthy}" ;;
esac
exit 0
`;

const gitEnv = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.org', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.org' };

function git(cwd: string, ...args: string[]): string {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...gitEnv } });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.trim();
}

interface Installation {
  dir: string;
  stub: string;
  before: string;
  released: string;
  update(env?: Record<string, string>): { status: number | null; stdout: string; stderr: string; calls: string[] };
}

/** An "origin" repository with a new release and an installed clone one commit behind it. */
function installation(root: string): Installation {
  const origin = path.join(root, 'origin');
  const dir = path.join(root, 'install');
  const stub = path.join(root, 'stub');
  mkdirSync(origin);
  mkdirSync(stub);
  copyFileSync(path.join(REPO, 'update_script.sh'), path.join(origin, 'update_script.sh'));
  writeFileSync(path.join(origin, '.gitignore'), '.env\n');
  git(origin, 'init', '-q', '-b', 'main');
  git(origin, 'add', '.');
  git(origin, 'commit', '-q', '-m', 'v1');
  git(root, 'clone', '-q', origin, dir);
  writeFileSync(path.join(dir, '.env'), 'DOMAIN=example.org\n');
  const before = git(dir, 'rev-parse', 'HEAD');
  writeFileSync(path.join(origin, 'CHANGELOG'), 'v2\n');
  git(origin, 'add', '.');
  git(origin, 'commit', '-q', '-m', 'v2');
  const released = git(origin, 'rev-parse', 'HEAD');
  writeFileSync(path.join(stub, 'docker'), FAKE_DOCKER, { mode: 0o755 });
  return {
    dir,
    stub,
    before,
    released,
    update(env = {}) {
      rmSync(path.join(stub, 'calls'), { force: true });
      rmSync(path.join(stub, 'scaled'), { force: true });
      const result = spawnSync('bash', ['update_script.sh'], {
        cwd: dir,
        encoding: 'utf8',
        timeout: 30_000,
        env: { PATH: process.env.PATH, HOME: root, ...gitEnv, DOCKER: path.join(stub, 'docker'), STUB_DIR: stub, DNS_SETTLE: '0', ...env },
      });
      let calls: string[] = [];
      try {
        calls = readFileSync(path.join(stub, 'calls'), 'utf8').trim().split('\n');
      } catch {
        /* docker never called */
      }
      return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls };
    },
  };
}

function indexOf(calls: string[], fragment: string): number {
  const index = calls.findIndex((c) => c.includes(fragment));
  assert.ok(index >= 0, `expected a call containing "${fragment}" in:\n${calls.join('\n')}`);
  return index;
}

describe('update_script.sh (with a stand-in docker)', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'nadooit-update-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  let n = 0;
  const fresh = () => installation(mkdirSync(path.join(root, String(++n)), { recursive: true })!);

  it('pulls, builds, backs up, migrates, starts the new app beside the old one, then the worker', () => {
    const site = fresh();
    const run = site.update();
    assert.equal(run.status, 0, run.stderr + run.stdout);
    assert.equal(git(site.dir, 'rev-parse', 'HEAD'), site.released);
    const order = [
      'image tag nadooit-app:latest nadooit-app:rollback',
      'compose build',
      'compose run --rm -T app npm run manage -- backup --keep 14',
      'compose run --rm -T migrate',
      'compose up -d --no-deps --no-recreate --scale app=2 app',
      'inspect -f {{.State.Health.Status}} new456',
      'stop -t 30 old123',
      'rm old123',
      'compose up -d --no-deps --no-recreate --scale app=1 app',
      'compose up -d --no-deps worker',
      'compose up -d --no-deps proxy certbot',
    ].map((step) => indexOf(run.calls, step));
    assert.deepEqual(order, [...order].sort((a, b) => a - b), run.calls.join('\n'));
  });

  it('rolls code and images back when the migration fails, and never touches the running containers', () => {
    const site = fresh();
    const run = site.update({ STUB_FAIL: 'compose run --rm -T migrate' });
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /FAILED — rolling back/);
    assert.equal(git(site.dir, 'rev-parse', 'HEAD'), site.before);
    indexOf(run.calls, 'image tag nadooit-app:rollback nadooit-app:latest');
    assert.ok(!run.calls.some((c) => c.includes(' up ') || c.startsWith('stop')), run.calls.join('\n'));
  });

  it('removes a new app container that never gets healthy; the old one keeps serving', () => {
    const site = fresh();
    const run = site.update({ STUB_HEALTH: 'unhealthy', HEALTH_TIMEOUT: '0' });
    assert.notEqual(run.status, 0);
    indexOf(run.calls, 'rm -f new456');
    assert.ok(!run.calls.some((c) => c.includes('old123') && /^(stop|rm)/.test(c)), 'old container untouched');
    assert.ok(!run.calls.some((c) => c.includes('worker')));
    assert.equal(git(site.dir, 'rev-parse', 'HEAD'), site.before);
  });

  it('does nothing when already up to date, and refuses local changes to tracked files', () => {
    const site = fresh();
    assert.equal(site.update().status, 0);
    const idle = site.update();
    assert.equal(idle.status, 0);
    assert.match(idle.stdout, /Already up to date/);
    assert.ok(!idle.calls.some((c) => c.includes('build')));
    writeFileSync(path.join(site.dir, 'CHANGELOG'), 'edited on the server\n');
    const refused = site.update();
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /changed locally/);
  });
});
