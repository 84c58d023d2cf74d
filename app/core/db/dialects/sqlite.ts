import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { SqliteDialect } from 'kysely';
import type { DatabaseConnection, Driver, QueryCompiler, SqliteDatabase, SqliteStatement, TransactionSettings } from 'kysely';
import { WalCheckpointer } from '../checkpointer.js';
import { WalSync } from '../wal-sync.js';
import { booleanColumns } from './columns.js';

function toParameter(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return value.toISOString();
  return value;
}

function fromRow(row: unknown): unknown {
  if (row === null || typeof row !== 'object') return row;
  const record = row as Record<string, unknown>;
  for (const key in record) {
    const value = record[key];
    if (booleanColumns.has(key) && (value === 0 || value === 1)) record[key] = value === 1;
  }
  return record;
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * Wraps better-sqlite3 so booleans and dates bind, and boolean columns come back as booleans. Prepared
 * statements are reused by SQL text (Kysely prepares on every query, which more than halves the write
 * rate); Kysely's single-connection mutex means a cached statement is never used by two queries at once.
 */
function adapt(database: Database.Database, wal: WalSync | null, checkpointer: WalCheckpointer | null): SqliteDatabase {
  const statements = new Map<string, Database.Statement>();
  let writes = 0;
  const written = () => {
    wal!.written();
    // A process that writes this much is a server, not a short command: its checkpoints move off the event loop.
    if (++writes === CHECKPOINTER_AFTER_WRITES) checkpointer?.start();
  };
  const prepared = (sql: string): Database.Statement => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = database.prepare(sql);
      if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
      statements.set(sql, statement);
    }
    return statement;
  };
  return {
    close: () => database.close(),
    prepare(sql: string): SqliteStatement {
      const safety = wal && SYNCHRONOUS_PRAGMA.exec(sql);
      if (safety) return safetyLevelStatement(wal!, safety[1]);
      const statement = prepared(sql);
      return {
        reader: statement.reader,
        all: (parameters) => {
          if (wal && !statement.readonly) written(); // INSERT … RETURNING reads and writes
          return statement.all(...parameters.map(toParameter)).map(fromRow);
        },
        run: (parameters) => {
          if (wal && !statement.readonly) written();
          return statement.run(...parameters.map(toParameter));
        },
        *iterate(parameters) {
          for (const row of statement.iterate(...parameters.map(toParameter))) yield fromRow(row);
        },
      };
    },
  };
}

const SYNCHRONOUS_PRAGMA = /^\s*pragma\s+synchronous\s*(?:=\s*['"]?(\w+)['"]?)?\s*;?\s*$/i;
const LEVELS: Record<string, number> = { off: 0, normal: 1, full: 2, extra: 3 };

/**
 * `pragma synchronous` as the code sees it while the file really runs with NORMAL and WalSync: reading it
 * gives 2 (FULL: every commit is synced before it answers) or 1 while someone lowered it; setting NORMAL or
 * OFF makes the following commits relaxed (committed, not awaited on disk — synced by the next full commit or
 * checkpoint), FULL or EXTRA makes them durable again.
 */
function safetyLevelStatement(wal: WalSync, value: string | undefined): SqliteStatement {
  return {
    reader: value === undefined,
    all: () => [{ synchronous: wal.relaxed ? 1 : 2 }],
    run: () => {
      const level = value === undefined ? undefined : (LEVELS[value.toLowerCase()] ?? Number(value));
      if (level !== undefined && Number.isInteger(level)) wal.relaxed = level < 2;
      return { changes: 0, lastInsertRowid: 0 };
    },
    *iterate() {},
  };
}

/**
 * Kysely's SQLite driver, plus: whenever the connection is handed back (after a statement outside a
 * transaction, after a transaction), the caller waits until what was committed is on disk (WalSync) —
 * without holding the connection or the event loop meanwhile.
 */
class DurableSqliteDriver implements Driver {
  private restarting = false;

  constructor(
    private readonly inner: Driver,
    private readonly wal: WalSync,
    private readonly checkpointer: WalCheckpointer,
  ) {
    checkpointer.onBehind = () => void this.restartLog().catch(() => undefined); // the next report tries again
  }

  /**
   * Holds the connection while the checkpointer copies the rest of the log, so that the next write starts it
   * anew (checkpointer.ts): statements wait meanwhile, the event loop does not.
   */
  private async restartLog(): Promise<void> {
    if (this.restarting) return;
    this.restarting = true;
    try {
      const connection = await this.inner.acquireConnection();
      try {
        await this.checkpointer.checkpointNow();
      } finally {
        await this.inner.releaseConnection(connection);
      }
    } finally {
      this.restarting = false;
    }
  }

  init = () => this.inner.init();
  acquireConnection = () => this.inner.acquireConnection();
  beginTransaction = (connection: DatabaseConnection, settings: TransactionSettings) => this.inner.beginTransaction(connection, settings);
  commitTransaction = (connection: DatabaseConnection) => this.inner.commitTransaction(connection);
  rollbackTransaction = (connection: DatabaseConnection) => this.inner.rollbackTransaction(connection);
  savepoint = (connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) => this.inner.savepoint!(connection, name, compile);
  rollbackToSavepoint = (connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) =>
    this.inner.rollbackToSavepoint!(connection, name, compile);
  releaseSavepoint = (connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']) =>
    this.inner.releaseSavepoint!(connection, name, compile);

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    await this.inner.releaseConnection(connection);
    await this.wal.durable();
  }

  async destroy(): Promise<void> {
    await this.wal.durable().catch(() => undefined);
    await this.checkpointer.stop();
    await this.inner.destroy();
    await this.wal.close();
  }
}

/** Bytes a restarted log keeps at most (above RESTART_AFTER_FRAMES' 64 MiB, so a normal restart keeps the file and rewrites it). */
const JOURNAL_SIZE_LIMIT = 128 * 1024 * 1024;

/** Write statements (COMMIT included) after which a process hands its checkpoints to a worker thread. */
const CHECKPOINTER_AFTER_WRITES = 1000;

class DurableSqliteDialect extends SqliteDialect {
  constructor(
    database: SqliteDatabase,
    private readonly wal: WalSync,
    private readonly checkpointer: WalCheckpointer,
  ) {
    super({ database });
  }

  override createDriver(): Driver {
    return new DurableSqliteDriver(super.createDriver(), this.wal, this.checkpointer);
  }
}

export function openSqlite(
  file: string,
  options: { restartLogAfterFrames?: number } = {},
): { dialect: SqliteDialect; raw: Database.Database; checkpointer?: WalCheckpointer; wal?: WalSync } {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const raw = new Database(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  if (file === ':memory:') return { dialect: new SqliteDialect({ database: adapt(raw, null, null) }), raw };
  // COMMIT writes the log, WalSync fdatasyncs it before anyone sees the answer: as durable as
  // synchronous=FULL (one sync per commit), but the sync runs off the event loop (docs/database.md).
  raw.pragma('synchronous = NORMAL');
  // A log that grew while a long read held it (an export's snapshot) is cut back to this when it restarts.
  raw.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT}`);
  const wal = new WalSync(`${file}-wal`);
  const checkpointer = new WalCheckpointer(raw, undefined, options.restartLogAfterFrames);
  return { dialect: new DurableSqliteDialect(adapt(raw, wal, checkpointer), wal, checkpointer), raw, checkpointer, wal };
}
