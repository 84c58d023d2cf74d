import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { transaction } from '../core/db/transaction.js';
import type { Tx } from '../core/db/transaction.js';
import type { Actor } from '../core/actor.js';
import { InvalidCustomer, InvalidInput, NotFound, PermissionDenied } from '../core/errors.js';
import { isUuid } from '../core/ids.js';
import { staffAuthority } from '../nadooit_auth/services/actor.js';
import { customerExists } from '../nadooit_crm/services.js';
import { customersWithRole, hasRole } from '../nadooit_hr/permissions.js';
import { programsByName } from '../nadooit_program/services.js';
import type { ProcessesTable } from './models.js';
import './models.js';

/**
 * Process definitions per customer (the original's nadooit_workflow.Process): a name, a description, the
 * programs a process uses, the process that triggers it and the processes it triggers. All processes a
 * process names belong to its own customer.
 *
 * Who: NADOOIT staff for every customer; on the customer's side its program managers (customer_program_manager)
 * read, those with can_create_customer_program create and change, those with can_delete_customer_program
 * delete — the same rule for dashboard, admin (staff) and REST API.
 */

export type Process = Selectable<ProcessesTable>;

export interface ProcessDetails extends Process {
  programIds: string[];
  /** Processes this one triggers (outgoing edges). */
  triggersIds: string[];
}

export interface ProcessInput {
  name: string;
  description?: string;
  triggerProcessId?: string | null;
  programIds?: readonly string[];
  triggersIds?: readonly string[];
}

export const MAX_PROCESS_NAME = 255;
export const MAX_PROCESS_DESCRIPTION = 5000;

type Access = 'read' | 'write' | 'delete';
const ABILITY = { write: 'can_create_customer_program', delete: 'can_delete_customer_program' } as const;

/** The one rule: staff, or a program manager of the customer (with the ability the access needs). */
export async function mayAccessProcesses(db: Tx, actor: Actor, customerId: string, access: Access): Promise<boolean> {
  if (await staffAuthority(db, actor)) return true;
  if (!actor.actorUserId) return false;
  return hasRole(db, actor.actorUserId, customerId, 'customer_program_manager', access === 'read' ? undefined : ABILITY[access]);
}

async function assertAccess(db: Tx, actor: Actor, customerId: string, access: Access): Promise<void> {
  if (!(await mayAccessProcesses(db, actor, customerId, access))) {
    throw new PermissionDenied(access === 'read' ? 'Sie dürfen die Prozesse dieses Kunden nicht sehen.' : 'Sie dürfen die Prozesse dieses Kunden nicht ändern.');
  }
}

/** The customers whose processes the actor may read ('all' for staff). */
export async function customersWithProcessAccess(db: Tx, actor: Actor, access: Access = 'read'): Promise<'all' | string[]> {
  if (await staffAuthority(db, actor)) return 'all';
  if (!actor.actorUserId) return [];
  return customersWithRole(db, actor.actorUserId, 'customer_program_manager', access === 'read' ? undefined : ABILITY[access]);
}

interface CleanInput {
  name: string;
  description: string;
  triggerProcessId: string | null;
  programIds: string[];
  triggersIds: string[];
}

function cleanInput(input: ProcessInput): CleanInput {
  const name = input.name?.trim() ?? '';
  if (!name) throw new InvalidInput('Bitte geben Sie einen Namen ein.', { field: 'name' });
  if (name.length > MAX_PROCESS_NAME) throw new InvalidInput(`Der Name darf höchstens ${MAX_PROCESS_NAME} Zeichen lang sein.`, { field: 'name' });
  const description = input.description?.trim() ?? '';
  if (description.length > MAX_PROCESS_DESCRIPTION) {
    throw new InvalidInput(`Die Beschreibung darf höchstens ${MAX_PROCESS_DESCRIPTION} Zeichen lang sein.`, { field: 'description' });
  }
  const ids = (values: readonly string[] | undefined, field: string) => {
    const list = [...new Set((values ?? []).map((v) => v.toLowerCase()))];
    if (list.some((id) => !isUuid(id))) throw new InvalidInput('Ungültige Auswahl.', { field });
    return list;
  };
  const trigger = input.triggerProcessId ? input.triggerProcessId.toLowerCase() : null;
  if (trigger !== null && !isUuid(trigger)) throw new InvalidInput('Ungültiger auslösender Prozess.', { field: 'triggerProcessId' });
  return { name, description, triggerProcessId: trigger, programIds: ids(input.programIds, 'programIds'), triggersIds: ids(input.triggersIds, 'triggersIds') };
}

/** Processes named by a definition must exist, belong to the customer and not be the process itself. */
async function checkRelated(tx: Tx, customerId: string, selfId: string, input: CleanInput): Promise<void> {
  const related = [...new Set([...(input.triggerProcessId ? [input.triggerProcessId] : []), ...input.triggersIds])];
  if (related.includes(selfId)) throw new InvalidInput('Ein Prozess kann sich nicht selbst auslösen.', { field: 'triggersIds' });
  if (related.length) {
    const found = await tx.selectFrom('wf_processes').select('id').where('id', 'in', related).where('customer_id', '=', customerId).execute();
    if (found.length !== related.length) throw new InvalidInput('Verknüpfte Prozesse müssen zum selben Kunden gehören.', { field: 'triggersIds' });
  }
  if (input.programIds.length) {
    const programs = await programsByName(tx, { ids: input.programIds });
    if (programs.length !== input.programIds.length) throw new InvalidInput('Unbekanntes Programm.', { field: 'programIds' });
  }
}

async function writeLinks(tx: Tx, processId: string, input: CleanInput): Promise<void> {
  await tx.deleteFrom('wf_process_programs').where('process_id', '=', processId).execute();
  await tx.deleteFrom('wf_process_triggers').where('process_id', '=', processId).execute();
  if (input.programIds.length) {
    await tx.insertInto('wf_process_programs').values(input.programIds.map((program_id) => ({ process_id: processId, program_id }))).execute();
  }
  if (input.triggersIds.length) {
    await tx
      .insertInto('wf_process_triggers')
      .values(input.triggersIds.map((triggered_process_id) => ({ process_id: processId, triggered_process_id })))
      .execute();
  }
}

export async function createProcess(db: Tx, input: Actor & ProcessInput & { customerId: string }): Promise<ProcessDetails> {
  const clean = cleanInput(input);
  return transaction(db, async (tx) => {
    if (!isUuid(input.customerId) || !(await customerExists(tx, input.customerId))) throw new InvalidCustomer();
    await assertAccess(tx, input, input.customerId, 'write');
    const id = randomUUID();
    await checkRelated(tx, input.customerId, id, clean);
    const now = new Date().toISOString();
    const process: Process = {
      id,
      customer_id: input.customerId,
      name: clean.name,
      description: clean.description,
      trigger_process_id: clean.triggerProcessId,
      created_at: now,
      updated_at: now,
    };
    await tx.insertInto('wf_processes').values(process).execute();
    await writeLinks(tx, id, clean);
    return { ...process, programIds: clean.programIds, triggersIds: clean.triggersIds };
  });
}

async function processRow(db: Tx, id: string): Promise<Process | undefined> {
  return isUuid(id) ? db.selectFrom('wf_processes').selectAll().where('id', '=', id.toLowerCase()).executeTakeFirst() : undefined;
}

/** A process with its links, for someone who may read the customer's processes. */
export async function getProcess(db: Tx, input: Actor & { id: string }): Promise<ProcessDetails> {
  const process = await processRow(db, input.id);
  if (!process) throw new NotFound('Prozess nicht gefunden');
  await assertAccess(db, input, process.customer_id, 'read');
  const [details] = await withLinks(db, [process]);
  return details!;
}

/** Replaces a process's fields and links (every field of ProcessInput; omitted lists become empty). */
export async function updateProcess(db: Tx, input: Actor & ProcessInput & { id: string }): Promise<ProcessDetails> {
  const clean = cleanInput(input);
  return transaction(db, async (tx) => {
    const process = await processRow(tx, input.id);
    if (!process) throw new NotFound('Prozess nicht gefunden');
    await assertAccess(tx, input, process.customer_id, 'write');
    await checkRelated(tx, process.customer_id, process.id, clean);
    const now = new Date().toISOString();
    await tx
      .updateTable('wf_processes')
      .set({ name: clean.name, description: clean.description, trigger_process_id: clean.triggerProcessId, updated_at: now })
      .where('id', '=', process.id)
      .execute();
    await writeLinks(tx, process.id, clean);
    return {
      ...process,
      name: clean.name,
      description: clean.description,
      trigger_process_id: clean.triggerProcessId,
      updated_at: now,
      programIds: clean.programIds,
      triggersIds: clean.triggersIds,
    };
  });
}

/** Deletes a process; processes it triggered lose the reference (as in the original: SET NULL). */
export async function deleteProcess(db: Tx, input: Actor & { id: string }): Promise<void> {
  await transaction(db, async (tx) => {
    const process = await processRow(tx, input.id);
    if (!process) throw new NotFound('Prozess nicht gefunden');
    await assertAccess(tx, input, process.customer_id, 'delete');
    await tx.deleteFrom('wf_processes').where('id', '=', process.id).execute();
  });
}

async function withLinks(db: Tx, processes: Process[]): Promise<ProcessDetails[]> {
  const ids = processes.map((p) => p.id);
  if (!ids.length) return [];
  const [programs, triggers] = await Promise.all([
    db.selectFrom('wf_process_programs').selectAll().where('process_id', 'in', ids).execute(),
    db.selectFrom('wf_process_triggers').selectAll().where('process_id', 'in', ids).execute(),
  ]);
  return processes.map((p) => ({
    ...p,
    programIds: programs.filter((r) => r.process_id === p.id).map((r) => r.program_id),
    triggersIds: triggers.filter((r) => r.process_id === p.id).map((r) => r.triggered_process_id),
  }));
}

/** Every process of a customer with its links, by name. */
export async function processesOfCustomer(db: Tx, input: Actor & { customerId: string }): Promise<ProcessDetails[]> {
  if (!isUuid(input.customerId)) throw new NotFound('Kunde nicht gefunden');
  await assertAccess(db, input, input.customerId, 'read');
  const rows = await db.selectFrom('wf_processes').selectAll().where('customer_id', '=', input.customerId).orderBy('name').orderBy('id').limit(500).execute();
  return withLinks(db, rows);
}

/** Process names by id (admin titles, diagram labels). No permission check. */
export async function processNames(db: Tx, ids: readonly string[]): Promise<Map<string, string>> {
  const wanted = ids.filter((id) => isUuid(id));
  if (!wanted.length) return new Map();
  const rows = await db.selectFrom('wf_processes').select(['id', 'name']).where('id', 'in', wanted).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The programs used by a set of processes, with their names. No permission check. */
export async function programNamesOf(db: Tx, processes: readonly ProcessDetails[]): Promise<Map<string, string>> {
  const ids = [...new Set(processes.flatMap((p) => p.programIds))];
  if (!ids.length) return new Map();
  return new Map((await programsByName(db, { ids })).map((p) => [p.id, p.name]));
}
