import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { ALL_BACKENDS, describeBackend, migratedDatabase, testSettings } from '../../../test/support/harness.js';
import type { FreshDatabase } from '../../../test/support/harness.js';
import { startAppServer } from '../../../bench/support/server-process.js';
import type { ServerProcess } from '../../../bench/support/server-process.js';
import { bootstrap } from '../../nadooit/bootstrap.js';
import type { System } from '../../nadooit/bootstrap.js';
import { verifyLedger } from '../../nadooit_time_account/ledger.js';
import { bookingWorld, legacyForm } from '../testing/fixtures.js';
import type { BookingWorld } from '../testing/fixtures.js';

const START = 10_000_000;
const CLIENTS = 16;
const KILL_AFTER_ANSWERS = 150;

/**
 * A booking server killed with SIGKILL in the middle of a load (as a crash or an OOM kill would): every
 * booking that was answered 200 is in the database with its ledger entry, nothing is half-written, and a
 * bot that retries its unanswered bookings with their idempotency keys books each exactly once.
 */
for (const backend of ALL_BACKENDS) {
  describeBackend(backend, `POST /api/executions survives kill -9 mid-load [${backend}]`, () => {
    const settings = testSettings();
    let database: FreshDatabase;
    let system: System;
    let world: BookingWorld;
    let server: ServerProcess | null = null;

    const start = async () => {
      const url = database.target.kind === 'sqlite' ? `sqlite:${database.target.file}` : database.target.url;
      server = await startAppServer({ databaseUrl: url, dataDir: settings.dataDir });
      return server;
    };
    const book = (target: ServerProcess, key: string) =>
      fetch(`${target.url}/api/executions`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': key },
        body: legacyForm(world),
      });

    before(async () => {
      database = await migratedDatabase(backend, settings);
      system = await bootstrap(settings, { migrate: true, database: database.target, queueDriver: 'inline', logger: pino({ level: 'silent' }) });
      world = await bookingWorld(system.context.db.kysely, { balanceSeconds: START, defaultSeconds: 300 });
    });
    after(async () => {
      await server?.kill();
      await system?.close();
      await database?.drop();
    });

    it('loses no answered booking and books each retried key once', async () => {
      const db = system.context.db.kysely;
      const first = await start();
      const answered = new Map<string, string>(); // idempotency key → execution id
      const unanswered = new Set<string>();
      let next = 0;
      let killed: Promise<void> | null = null;
      const client = async () => {
        while (!killed) {
          const key = `kill-test-${next++}`;
          try {
            const response = await book(first, key);
            const body = (await response.json()) as { execution_id?: string };
            if (response.status !== 200 || !body.execution_id) throw new Error(`answered ${response.status}`);
            answered.set(key, body.execution_id);
            if (answered.size >= KILL_AFTER_ANSWERS) killed ??= first.kill();
          } catch {
            unanswered.add(key);
          }
        }
      };
      await Promise.all(Array.from({ length: CLIENTS }, client));
      await killed;
      assert.ok(answered.size >= KILL_AFTER_ANSWERS);

      const rows = await db.selectFrom('ex_executions').select(['id', 'idempotency_key', 'covered_seconds']).where('customer_program_id', '=', world.customerProgramId).execute();
      const stored = new Set(rows.map((r) => r.id));
      assert.deepEqual([...answered.values()].filter((id) => !stored.has(id)), [], 'every answered booking is stored');
      const entries = await db.selectFrom('ta_ledger_entries').select(['seq', 'execution_id']).where('time_account_id', '=', world.timeAccountId!).orderBy('seq').execute();
      assert.deepEqual(entries.map((e) => Number(e.seq)), entries.map((_, i) => i + 1), 'seq gapless');
      assert.deepEqual(new Set(entries.slice(1).map((e) => e.execution_id)), stored, 'one ledger entry per stored booking, none without');
      assert.deepEqual(await verifyLedger(db), []);

      // The bot retries what it never got an answer for, with the same keys, against the restarted server.
      const second = await start();
      for (const key of unanswered) {
        const response = await book(second, key);
        assert.equal(response.status, 200, await response.text());
      }
      await second.stop();
      server = null;
      const after = await db.selectFrom('ex_executions').select(['idempotency_key', 'covered_seconds']).where('customer_program_id', '=', world.customerProgramId).execute();
      assert.equal(after.length, answered.size + unanswered.size, 'each key booked exactly once');
      assert.equal(new Set(after.map((r) => r.idempotency_key)).size, after.length);
      const account = await db.selectFrom('ta_time_accounts').select('balance_seconds').where('id', '=', world.timeAccountId!).executeTakeFirstOrThrow();
      assert.equal(Number(account.balance_seconds), START - after.reduce((sum, r) => sum + Number(r.covered_seconds), 0));
      assert.deepEqual(await verifyLedger(db), []);
    });
  });
}
