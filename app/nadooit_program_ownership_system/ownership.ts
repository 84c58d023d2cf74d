import type { Tx } from '../core/db/transaction.js';
import { programsByName } from '../nadooit_program/services.js';
import type { Program } from '../nadooit_program/services.js';
import { customerProgramsWithNames } from './services.js';
import type { CustomerProgram, ProgramShare } from './services.js';
import './models.js';

/**
 * Who owns what (the original's placeholder pages /program_ownership/…): per program its licences (customer
 * programs) and its shares. Scoped by the caller: staff pass 'all', a customer's people their customer ids.
 * Execution figures come from the executions app, which builds on this one (the page composes both).
 */
export interface ProgramOwnership {
  program: Program;
  licences: Array<CustomerProgram & { program_name: string | null }>;
  shares: ProgramShare[];
}

export async function programOwnership(db: Tx, customerIds: 'all' | readonly string[]): Promise<ProgramOwnership[]> {
  const licences = await customerProgramsWithNames(db, { customerIds, limit: 5000 });
  const programIds = [...new Set(licences.map((l) => l.program_id).filter((id): id is string => id !== null))];
  const programs = customerIds === 'all' ? await programsByName(db, { limit: 5000 }) : await programsByName(db, { ids: programIds });
  const shares = programs.length
    ? await db.selectFrom('pos_program_shares').selectAll().where('share_of', 'in', programs.map((p) => p.id)).orderBy('created_at').execute()
    : [];
  return programs.map((program) => ({
    program,
    licences: licences.filter((l) => l.program_id === program.id),
    shares: shares.filter((s) => s.share_of === program.id),
  }));
}
