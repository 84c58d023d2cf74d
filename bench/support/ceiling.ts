import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Backend } from '../../test/support/harness.js';
import { answeredText, matches, settled } from './load.js';
import type { Answered } from './load.js';
import { freePort, startServerProcess } from './server-process.js';
import type { ServerProcess } from './server-process.js';

/**
 * Where minimal servers (bench/booking-ceiling-server.ts) keep their data: a SQLite file in a folder of its
 * own, or a schema of its own on TEST_DATABASE_URL. Every process started on one shares it.
 */
export interface CeilingDatabase {
  backend: Backend;
  env: Record<string, string>;
  drop(): Promise<void>;
}

export function ceilingDatabase(backend: Backend): CeilingDatabase {
  const dir = mkdtempSync(path.join(tmpdir(), 'nadooit-ceiling-'));
  const schema = `ceiling_${randomBytes(6).toString('hex')}`;
  const pgUrl = process.env.TEST_DATABASE_URL;
  if (backend === 'postgres' && !pgUrl) throw new Error('a PostgreSQL ceiling needs TEST_DATABASE_URL');
  return {
    backend,
    env: { BACKEND: backend, DB: backend === 'sqlite' ? path.join(dir, 'ceiling.sqlite3') : pgUrl!, SCHEMA: schema },
    async drop() {
      rmSync(dir, { recursive: true, force: true });
      if (backend !== 'postgres') return;
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}

export interface CeilingOptions {
  kind: 'group' | 'bare';
  /** The bot's API key (the form's NADOOIT__API_KEY). */
  key: string;
  balance: number;
  secondsPerBooking: number;
  /** Processes given the same id share that account. */
  accountId?: string;
  /** PostgreSQL: 'transaction' (default) or 'statement' (see the server's header). */
  write?: 'transaction' | 'statement';
}

/** A minimal server process (bench/booking-ceiling-server.ts) on `database`. */
export async function startCeilingServer(database: CeilingDatabase, options: CeilingOptions): Promise<ServerProcess> {
  const port = await freePort();
  return startServerProcess('node --import tsx bench/booking-ceiling-server.ts', {
    port,
    env: {
      ...database.env,
      PORT: String(port),
      CEILING: options.kind,
      KEY: options.key,
      START_BALANCE: String(options.balance),
      SECONDS_PER_BOOKING: String(options.secondsPerBooking),
      ...(options.accountId ? { ACCOUNT_ID: options.accountId } : {}),
      ...(options.write ? { WRITE: options.write } : {}),
    },
  });
}

/**
 * After a group-commit ceiling's runs: every 200 has its entry, and balance = start − drawn. Waits until
 * bookings still in flight when the load stopped are settled.
 */
export async function ceilingIntegrity(server: ServerProcess, answered: Answered, options: Pick<CeilingOptions, 'balance' | 'secondsPerBooking'>): Promise<string> {
  const integrity = async () => (await (await fetch(`${server.url}/integrity`)).json()) as { entries: number; balance: number; drawn: number };
  await settled(answered, async () => (await integrity()).entries);
  const state = await integrity();
  const ok = matches(state.entries, answered) && state.balance === options.balance - state.drawn && state.drawn === state.entries * options.secondsPerBooking;
  return ok ? `ok (${state.entries} entries)` : `MISMATCH entries=${state.entries} 200s=${answeredText(answered)} balance=${state.balance}`;
}
