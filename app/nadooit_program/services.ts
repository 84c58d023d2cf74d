import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Tx } from '../core/db/transaction.js';
import type { ProgramsTable } from './models.js';
import './models.js';
import { isUuid } from '../core/ids.js';

/** Programs (automation software). Staff operations: no actor here, callers (admin, commands) authorize. */

export type Program = Selectable<ProgramsTable>;

export interface ProgramInput {
  name: string;
  description: string;
  programDependencies?: string | null;
}

function clean(input: Partial<ProgramInput>): Partial<Pick<Program, 'name' | 'description' | 'program_dependencies'>> {
  const out: Partial<Pick<Program, 'name' | 'description' | 'program_dependencies'>> = {};
  if (input.name !== undefined) {
    if (!input.name.trim()) throw new Error('program name must not be empty');
    out.name = input.name.trim();
  }
  if (input.description !== undefined) out.description = input.description;
  if (input.programDependencies !== undefined) out.program_dependencies = input.programDependencies ?? '';
  return out;
}

/** Creates a program. */
export async function createProgram(db: Tx, input: ProgramInput): Promise<Program> {
  const now = new Date().toISOString();
  const program: Program = {
    id: randomUUID(),
    name: '',
    description: '',
    program_dependencies: '',
    ...clean(input),
    created_at: now,
    updated_at: now,
  };
  await db.insertInto('program_programs').values(program).execute();
  return program;
}

/** Updates the given fields; undefined when the program does not exist. */
export async function updateProgram(db: Tx, id: string, patch: Partial<ProgramInput>): Promise<Program | undefined> {
  const existing = await getProgram(db, id);
  if (!existing) return undefined;
  const changes = { ...clean(patch), updated_at: new Date().toISOString() };
  await db.updateTable('program_programs').set(changes).where('id', '=', id).execute();
  return { ...existing, ...changes };
}

/** A program by id (undefined for unknown or malformed ids). */
export async function getProgram(db: Tx, id: string): Promise<Program | undefined> {
  if (!isUuid(id)) return undefined;
  return db.selectFrom('program_programs').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Programs by name (ties by id): all, or those with the given ids; at most `limit`. */
export async function programsByName(db: Tx, filter: { ids?: readonly string[]; limit?: number } = {}): Promise<Program[]> {
  if (filter.ids && !filter.ids.length) return [];
  let query = db.selectFrom('program_programs').selectAll().orderBy('name').orderBy('id').limit(filter.limit ?? 1000);
  if (filter.ids) query = query.where('id', 'in', [...filter.ids]);
  return query.execute();
}

/** All programs by name. */
export async function listPrograms(db: Tx): Promise<Program[]> {
  return db.selectFrom('program_programs').selectAll().orderBy('name').orderBy('id').execute();
}

/** Every program's id and name as one compiled query, for a reader that runs it in a snapshot of its own (the CSV export). */
export function programNamesQuery(db: Tx) {
  return db.selectFrom('program_programs').select(['id', 'name']).compile();
}
