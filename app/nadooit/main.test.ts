import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import type { Settings } from '../core/config.js';
import { sha256Hex } from '../core/http/tokens.js';
import { RedisQueue } from '../core/queue/redis-driver.js';
import { waitFor } from '../core/queue/testing/support.js';
import { describeWith, serviceUrl } from '../../test/support/harness.js';
import { bootstrap } from './bootstrap.js';
import { loadSettings } from './settings.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const SECRET = 'process-test-secret-0123456789-abcdefghijklmnopqrstuvwxyz';

const cleanups: Array<() => unknown> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** Runs `node --import tsx app/nadooit/main.ts <args>` with only the given environment (plus PATH). */
function run(args: string[], env: Record<string, string>): ChildProcess & { output: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'app/nadooit/main.ts', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return Object.assign(child, { output: () => output, exit });
}

/**
 * The origin a child started with PORT=0 listens on, read from its log (no port is reserved and bound
 * later, so no other process can take it in between).
 */
async function listeningOrigin(child: ReturnType<typeof run>): Promise<string> {
  let origin: string | undefined;
  await waitFor(
    () => {
      origin = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(child.output())?.[1];
      return origin !== undefined || child.exitCode !== null;
    },
    () => `server listening (${child.output()})`,
    60_000,
  );
  if (!origin) throw new Error(`the server exited before listening: ${child.output()}`);
  return origin;
}

/** Environment for a process with its own data folder; DATABASE_URL defaults to SQLite in it. */
function processEnv(extra: Record<string, string> = {}): Record<string, string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'nadooit-process-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return { SECRET_KEY: SECRET, DEBUG: '0', LOG_LEVEL: 'info', DATA_DIR: dir, MEDIA_ROOT: path.join(dir, 'media'), ...extra };
}

/** Migrates the process's database and leaves one expired session in it for the cleanup task to remove. */
async function seedExpiredSession(
  env: Record<string, string>,
): Promise<{ settings: Settings; sessionGone: () => Promise<boolean>; lastProbeError: () => string }> {
  const settings = loadSettings(env, ROOT);
  let lastProbeError = 'none';
  const system = await bootstrap(settings, { migrate: true, queueDriver: 'inline', logger: pino({ level: 'silent' }) });
  const id = randomUUID();
  // Long expired by any clock: the process under test runs with an environment (and clock) of its own.
  const past = '2000-01-01T00:00:00.000Z';
  await system.context.db.kysely
    .insertInto('core_sessions')
    .values({ id, token_hash: sha256Hex(randomUUID()), user_id: null, data: '{}', ip: null, user_agent: null, created_at: past, last_seen_at: past, expires_at: past })
    .execute();
  await system.close();
  return {
    settings,
    async sessionGone() {
      // The process under test may hold the database for a moment (its start-up migrate takes the lock):
      // a probe that cannot read yet means "not yet", and waitFor's label tells what the last one saw.
      try {
        const probe = await bootstrap(settings, { queueDriver: 'inline', logger: pino({ level: 'silent' }) });
        try {
          return !(await probe.context.db.kysely.selectFrom('core_sessions').select('id').where('id', '=', id).executeTakeFirst());
        } finally {
          await probe.close();
        }
      } catch (error) {
        lastProbeError = String(error);
        return false;
      }
    },
    lastProbeError: () => lastProbeError,
  };
}

async function stopWithSigterm(child: ReturnType<typeof run>): Promise<void> {
  child.kill('SIGTERM');
  const code = await child.exit;
  assert.equal(code, 0, `exit code after SIGTERM (output: ${child.output()})`);
}

/** Runs `body` while the child runs, then stops it with SIGTERM; a failure of `body` is the one reported. */
async function whileRunning(child: ReturnType<typeof run>, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    child.kill('SIGKILL');
    await child.exit;
    throw error;
  }
  await stopWithSigterm(child);
}

describe('process: configuration errors', () => {
  it('stops `start` with DATABASE_URL=foo://x: exit code ≠ 0 and one line naming DATABASE_URL', async () => {
    const child = run(['start'], processEnv({ DATABASE_URL: 'foo://x' }));
    assert.notEqual(await child.exit, 0);
    const lines = child.output().trim().split('\n');
    assert.equal(lines.length, 1, child.output());
    assert.match(lines[0]!, /DATABASE_URL/);
    assert.doesNotMatch(child.output(), /\n\s+at /, 'no stack trace');
  });

  it('names the variable for the worker too (PORT=eighty)', async () => {
    const child = run(['worker'], processEnv({ PORT: 'eighty' }));
    assert.notEqual(await child.exit, 0);
    assert.match(child.output().trim(), /^Configuration error: PORT: /);
    assert.equal(child.output().trim().split('\n').length, 1);
  });
});

describe('process: npm start on SQLite', () => {
  it('serves /, /healthz and /readyz, runs the session cleanup in-process and shuts down on SIGTERM', async () => {
    const env = processEnv({ HOST: '127.0.0.1', PORT: '0' });
    const { sessionGone, lastProbeError } = await seedExpiredSession(env);
    const child = run(['start'], env);
    await whileRunning(child, async () => {
      const base = await listeningOrigin(child);
      await waitFor(async () => (await fetch(`${base}/healthz`).catch(() => null))?.status === 200, () => `server up (${child.output()})`, 60_000);
      const ready = await fetch(`${base}/readyz`);
      assert.equal(ready.status, 200);
      assert.deepEqual(await ready.json(), { status: 'ok', checks: { database: 'ok', queue: 'ok' } });
      const home = await fetch(`${base}/`);
      assert.equal(home.status, 200);
      assert.match(await home.text(), /NADOO/);
      await waitFor(sessionGone, () => `expired session removed by the scheduled cleanup (last probe error: ${lastProbeError()}; ${child.output()})`, 120_000);
    });
    assert.match(child.output(), /shutdown complete/);
  });
});

describeWith('postgres', 'process: npm start on PostgreSQL', () => {
  it('migrates a fresh database, answers /readyz and runs the session cleanup', async () => {
    const name = `nadooit_start_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: serviceUrl('postgres') });
    await admin.connect();
    await admin.query(`create database ${name}`);
    cleanups.push(async () => {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    });
    const url = new URL(serviceUrl('postgres')!);
    url.pathname = `/${name}`;
    const env = processEnv({ HOST: '127.0.0.1', PORT: '0', DATABASE_URL: url.toString(), WORKER_IN_PROCESS: '1' });
    const { sessionGone, lastProbeError } = await seedExpiredSession(env);
    const child = run(['start'], env);
    await whileRunning(child, async () => {
      const base = await listeningOrigin(child);
      await waitFor(async () => (await fetch(`${base}/readyz`).catch(() => null))?.status === 200, () => `ready (${child.output()})`, 60_000);
      await waitFor(sessionGone, () => `expired session removed (last probe error: ${lastProbeError()}; ${child.output()})`, 120_000);
    });
  });
});

describe('process: npm run worker (db queue)', () => {
  it('runs the scheduled session cleanup and stops cleanly on SIGTERM', async () => {
    const env = processEnv();
    const { sessionGone, lastProbeError } = await seedExpiredSession(env);
    const child = run(['worker'], env);
    await whileRunning(child, async () => {
      await waitFor(sessionGone, () => `expired session removed by the worker (last probe error: ${lastProbeError()}; ${child.output()})`, 120_000);
    });
    assert.match(child.output(), /"driver":"db"/);
  });
});

describeWith('redis', 'process: npm run worker with REDIS_URL [redis]', () => {
  it('processes the scheduled session cleanup through BullMQ', async () => {
    const redisUrl = serviceUrl('redis')!;
    const queueName = `proc-${randomBytes(4).toString('hex')}`;
    const env = processEnv({ REDIS_URL: `${redisUrl}?queue=${queueName}` });
    const { sessionGone, lastProbeError } = await seedExpiredSession(env);
    const child = run(['worker'], env);
    cleanups.push(async () => {
      const queue = new RedisQueue(redisUrl, [], { name: queueName });
      await queue.bull.obliterate({ force: true });
      await queue.close();
    });
    await whileRunning(child, async () => {
      await waitFor(sessionGone, () => `expired session removed via Redis (last probe error: ${lastProbeError()}; ${child.output()})`, 120_000);
    });
    assert.match(child.output(), /"driver":"redis"/);
  });
});
