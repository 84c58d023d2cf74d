import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { transaction } from '../core/db/transaction.js';
import type { Tx } from '../core/db/transaction.js';
import { staffAuthority } from '../nadooit_auth/services/actor.js';
import type { Actor } from '../core/actor.js';
import { InvalidCustomer, InvalidInput, NotFound, PermissionDenied } from '../core/errors.js';
import { hasRole } from '../nadooit_hr/permissions.js';
import { customerExists } from '../nadooit_crm/services.js';
import { isUuid } from '../core/ids.js';
import { getProgram } from '../nadooit_program/services.js';
import { timeAccountBelongsTo } from '../nadooit_time_account/services.js';
import type { CustomerProgramsTable, PricingMode, ProgramSharesTable } from './models.js';
import './models.js';

/**
 * Customer programs (a program licensed to a customer, with its pricing and time account) and program
 * shares. Customer-side users act through customer_program_manager abilities for THAT customer; pricing
 * (mode, price, currency) is set on the staff path only (asStaff).
 */

export type CustomerProgram = Selectable<CustomerProgramsTable>;
export type ProgramShare = Selectable<ProgramSharesTable>;

export const PRICING_MODES: readonly PricingMode[] = ['fixed', 'tiered'];
/** 1 currency unit in micro-units. */
export const MICROS = 1_000_000;

export interface CustomerProgramFields {
  programId: string;
  timeAccountId?: string | null;
  defaultSecondsPerRun?: number;
  pricingMode?: PricingMode;
  /** Micro-units of `currency` per uncovered second (fixed mode). */
  pricePerSecondMicros?: number;
  currency?: string;
  overCharge?: boolean;
  isActive?: boolean;
}

const PRICE_FIELDS = ['pricingMode', 'pricePerSecondMicros', 'currency', 'overCharge'] as const;

/** price per second × seconds, exact in integer micro-units (throws beyond the safe integer range). */
export function priceForSeconds(pricePerSecondMicros: number, seconds: number): number {
  const product = BigInt(pricePerSecondMicros) * BigInt(seconds);
  if (product > BigInt(Number.MAX_SAFE_INTEGER) || product < BigInt(Number.MIN_SAFE_INTEGER)) throw new RangeError('price exceeds the safe integer range');
  return Number(product);
}

/** The price of one run at the default seconds, in micro-units (the original's price_per_execution, fixed mode). */
export function pricePerRun(cp: Pick<CustomerProgram, 'price_per_second' | 'program_time_saved_per_execution_in_seconds'>): number {
  return priceForSeconds(cp.price_per_second, cp.program_time_saved_per_execution_in_seconds);
}

function validateFields(fields: Partial<CustomerProgramFields>): void {
  const d = fields.defaultSecondsPerRun;
  if (d !== undefined && (!Number.isSafeInteger(d) || d < 0)) throw new InvalidInput('Die Zeitersparnis pro Ausführung muss eine ganze Zahl ≥ 0 sein.');
  const p = fields.pricePerSecondMicros;
  if (p !== undefined && (!Number.isSafeInteger(p) || p < 0)) throw new InvalidInput('Der Preis pro Sekunde muss eine ganze Zahl ≥ 0 (Mikro-Einheiten) sein.');
  if (fields.pricingMode !== undefined && !PRICING_MODES.includes(fields.pricingMode)) throw new InvalidInput('Unbekannter Preismodus.');
  if (fields.currency !== undefined && !/^[A-Z]{3}$/.test(fields.currency)) throw new InvalidInput('Die Währung muss ein ISO-4217-Code sein (z. B. EUR).');
}

/** Customer-side rules: the ability for this customer, no pricing, only the customer's own time accounts. */
async function authorize(
  tx: Tx,
  actor: Actor,
  customerId: string,
  ability: 'can_create_customer_program' | 'can_delete_customer_program',
  fields: Partial<CustomerProgramFields>,
): Promise<boolean> {
  if (await staffAuthority(tx, actor)) return true;
  if (!(await hasRole(tx, actor.actorUserId!, customerId, 'customer_program_manager', ability))) {
    throw new PermissionDenied('Sie haben nicht die notwendige Berechtigung für die Programme dieses Kunden.');
  }
  if (PRICE_FIELDS.some((f) => fields[f] !== undefined)) throw new PermissionDenied('Preise legt NADOOIT fest.');
  if (fields.timeAccountId && !(await timeAccountBelongsTo(tx, fields.timeAccountId, customerId))) {
    throw new PermissionDenied('Dieses Zeitkonto gehört nicht zu diesem Kunden.');
  }
  return false;
}

/**
 * Licenses a program to a customer. Customer-side: customer_program_manager.can_create_customer_program for
 * that customer; the price then follows the standard tier table (pricing mode 'tiered').
 */
export async function createCustomerProgram(db: Tx, input: Actor & CustomerProgramFields & { customerId: string }): Promise<CustomerProgram> {
  validateFields(input);
  return transaction(db, async (tx) => {
    if (!(await customerExists(tx, input.customerId))) throw new InvalidCustomer();
    if (!(await getProgram(tx, input.programId))) throw new NotFound('Programm nicht gefunden');
    const staff = await authorize(tx, input, input.customerId, 'can_create_customer_program', input);
    const now = new Date().toISOString();
    const row: CustomerProgram = {
      id: randomUUID(),
      program_id: input.programId,
      customer_id: input.customerId,
      time_account_id: input.timeAccountId ?? null,
      program_time_saved_per_execution_in_seconds: input.defaultSecondsPerRun ?? 0,
      pricing_mode: input.pricingMode ?? (staff ? 'fixed' : 'tiered'),
      price_per_second: input.pricePerSecondMicros ?? 0,
      currency: input.currency ?? 'EUR',
      over_charge: input.overCharge ?? false,
      is_active: input.isActive ?? true,
      created_at: now,
      updated_at: now,
    };
    await tx.insertInto('pos_customer_programs').values(row).execute();
    return row;
  });
}

/** A customer program by id (undefined for unknown or malformed ids). */
export async function getCustomerProgram(db: Tx, id: string): Promise<CustomerProgram | undefined> {
  if (!isUuid(id)) return undefined;
  return db.selectFrom('pos_customer_programs').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Changes a customer program. Customer-side: can_create_customer_program for its customer; switching it
 * off (isActive false) needs can_delete_customer_program. Pricing and the customer itself: staff only.
 */
export async function updateCustomerProgram(
  db: Tx,
  input: Actor & { id: string; patch: Partial<Omit<CustomerProgramFields, 'programId'>> },
): Promise<CustomerProgram> {
  validateFields(input.patch);
  return transaction(db, async (tx) => {
    const existing = await getCustomerProgram(tx, input.id);
    if (!existing) throw new NotFound('Kundenprogramm nicht gefunden');
    if (!existing.customer_id) {
      if (!(await staffAuthority(tx, input))) throw new PermissionDenied();
    } else {
      const ability = input.patch.isActive === false ? 'can_delete_customer_program' : 'can_create_customer_program';
      await authorize(tx, input, existing.customer_id, ability, input.patch);
    }
    const p = input.patch;
    const changes: Partial<CustomerProgram> = { updated_at: new Date().toISOString() };
    if (p.timeAccountId !== undefined) changes.time_account_id = p.timeAccountId;
    if (p.defaultSecondsPerRun !== undefined) changes.program_time_saved_per_execution_in_seconds = p.defaultSecondsPerRun;
    if (p.pricingMode !== undefined) changes.pricing_mode = p.pricingMode;
    if (p.pricePerSecondMicros !== undefined) changes.price_per_second = p.pricePerSecondMicros;
    if (p.currency !== undefined) changes.currency = p.currency;
    if (p.overCharge !== undefined) changes.over_charge = p.overCharge;
    if (p.isActive !== undefined) changes.is_active = p.isActive;
    await tx.updateTable('pos_customer_programs').set(changes).where('id', '=', existing.id).execute();
    return { ...existing, ...changes };
  });
}

/** Switches a customer program off (can_delete_customer_program) — it then refuses bookings. */
export async function deactivateCustomerProgram(db: Tx, input: Actor & { id: string }): Promise<CustomerProgram> {
  return updateCustomerProgram(db, { ...input, patch: { isActive: false } });
}

export interface CustomerProgramView extends CustomerProgram {
  programName: string | null;
  /** price_per_second × default seconds, micro-units. */
  pricePerRunMicros: number;
}

/** The customer programs of a customer with program names and price per run, newest first. */
export async function customerProgramsOf(db: Tx, customerId: string, options: { activeOnly?: boolean } = {}): Promise<CustomerProgramView[]> {
  let query = db
    .selectFrom('pos_customer_programs as cp')
    .leftJoin('program_programs as p', 'p.id', 'cp.program_id')
    .where('cp.customer_id', '=', customerId)
    .selectAll('cp')
    .select('p.name as programName')
    .orderBy('cp.created_at', 'desc')
    .orderBy('cp.id');
  if (options.activeOnly) query = query.where('cp.is_active', '=', true);
  const rows = await query.execute();
  return rows.map((r) => ({ ...r, pricePerRunMicros: pricePerRun(r) }));
}

/**
 * Customer programs with their program's name, newest first: of `customerIds` ('all' for every customer),
 * optionally one by id; at most `limit`.
 */
export async function customerProgramsWithNames(
  db: Tx,
  filter: { customerIds: 'all' | readonly string[]; id?: string; limit?: number },
): Promise<Array<CustomerProgram & { program_name: string | null }>> {
  if (filter.customerIds !== 'all' && !filter.customerIds.length) return [];
  if (filter.id !== undefined && !isUuid(filter.id)) return [];
  let query = db
    .selectFrom('pos_customer_programs as cp')
    .leftJoin('program_programs as p', 'p.id', 'cp.program_id')
    .selectAll('cp')
    .select('p.name as program_name')
    .orderBy('cp.created_at', 'desc')
    .orderBy('cp.id')
    .limit(filter.limit ?? 1000);
  if (filter.customerIds !== 'all') query = query.where('cp.customer_id', 'in', [...filter.customerIds]);
  if (filter.id !== undefined) query = query.where('cp.id', '=', filter.id);
  return query.execute();
}

/** Ids of the programs licensed to any of `customerIds`. */
export async function programIdsLicensedTo(db: Tx, customerIds: readonly string[]): Promise<string[]> {
  if (!customerIds.length) return [];
  const rows = await db.selectFrom('pos_customer_programs').select('program_id').distinct().where('customer_id', 'in', [...customerIds]).execute();
  return rows.map((r) => r.program_id).filter((id): id is string => id !== null);
}

/** (time account, customer) pairs of customer programs that draw from `timeAccountIds`, or of `customerIds`. */
export async function programTimeAccountLinks(
  db: Tx,
  filter: { timeAccountIds?: readonly string[]; customerIds?: readonly string[] },
): Promise<Array<{ time_account_id: string; customer_id: string }>> {
  let query = db.selectFrom('pos_customer_programs').select(['time_account_id', 'customer_id']).where('time_account_id', 'is not', null).where('customer_id', 'is not', null);
  if (filter.timeAccountIds) query = filter.timeAccountIds.length ? query.where('time_account_id', 'in', [...filter.timeAccountIds]) : query.where('id', 'is', null);
  if (filter.customerIds) query = filter.customerIds.length ? query.where('customer_id', 'in', [...filter.customerIds]) : query.where('id', 'is', null);
  return (await query.execute()) as Array<{ time_account_id: string; customer_id: string }>;
}

/** Records a share of a program (the original's ProgramShare; no further behaviour). */
export async function createProgramShare(db: Tx, programId: string | null): Promise<ProgramShare> {
  const now = new Date().toISOString();
  const share: ProgramShare = { id: randomUUID(), share_of: programId, created_at: now, updated_at: now };
  await db.insertInto('pos_program_shares').values(share).execute();
  return share;
}

/** Shares of a program, oldest first. */
export async function programShares(db: Tx, programId: string): Promise<ProgramShare[]> {
  return db.selectFrom('pos_program_shares').selectAll().where('share_of', '=', programId).orderBy('created_at').execute();
}

/** How a share is shown (the original returned a raw UUID and crashed). */
export function programShareLabel(share: ProgramShare, programName?: string | null): string {
  return programName ? `Anteil an ${programName}` : `Anteil ${share.id}`;
}
