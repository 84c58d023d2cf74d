import { sql } from 'kysely';
import type { Db } from '../../core/db/connection.js';

/** Names of the tables in the connection's own schema (PostgreSQL: current_schema(); SQLite: main). */
export async function userTables(db: Db): Promise<string[]> {
  const tables = await db.kysely.introspection.getTables({ withInternalKyselyTables: true });
  if (db.flavor === 'sqlite') return tables.map((t) => t.name).sort();
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db.kysely);
  const schema = rows[0]?.schema;
  return tables.filter((t) => t.schema === schema).map((t) => t.name).sort();
}
