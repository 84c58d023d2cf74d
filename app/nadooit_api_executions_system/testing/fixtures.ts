import type { DB } from '../../core/db/connection.js';
import { createUser } from '../../nadooit_auth/services/users.js';
import { createApiKey } from '../../nadooit_api_key/services/index.js';
import { createCustomer } from '../../nadooit_crm/services.js';
import { ensureContract, getOrCreateEmployee, grantRole } from '../../nadooit_hr/services/index.js';
import type { ManagerRole } from '../../nadooit_hr/roles.js';
import { createProgram } from '../../nadooit_program/services.js';
import { createCustomerProgram } from '../../nadooit_program_ownership_system/services.js';
import type { PricingMode } from '../../nadooit_program_ownership_system/models.js';
import { createCustomerTimeAccount } from '../../nadooit_time_account/services.js';

/** Test data built through the apps' own services (the system actor: actorUserId null, asStaff). */
const SYSTEM = { actorUserId: null, asStaff: true } as const;

export interface Person {
  userId: string;
  userCode: string;
  employeeId: string;
}

/** A person employed by `customerId` (contract active unless told otherwise) holding the given roles there. */
export async function person(
  db: DB,
  input: { customerId?: string; displayName?: string; contractActive?: boolean; isActive?: boolean; isStaff?: boolean; roles?: Partial<Record<ManagerRole, string[]>> } = {},
): Promise<Person> {
  const user = await createUser(db, { displayName: input.displayName ?? 'Test Person', isActive: input.isActive, isStaff: input.isStaff });
  const employee = await getOrCreateEmployee(db, user.id);
  if (input.customerId) {
    const { contract } = await ensureContract(db, employee.id, input.customerId);
    for (const [role, abilities] of Object.entries(input.roles ?? {})) {
      await grantRole(db, { ...SYSTEM, targetEmployeeId: employee.id, customerId: input.customerId, role: role as ManagerRole, abilities: abilities ?? [] });
    }
    if (input.contractActive === false) {
      await db.updateTable('hr_employee_contracts').set({ is_active: false }).where('id', '=', contract.id).execute();
    }
  }
  return { userId: user.id, userCode: user.user_code, employeeId: employee.id };
}

export async function apiKeyFor(db: DB, userId: string, customerId: string | null = null): Promise<{ id: string; secret: string }> {
  const key = await createApiKey(db, { ...SYSTEM, ownerUserId: userId, name: 'Bot', customerId });
  return { id: key.id, secret: key.secret };
}

export interface BookingWorld {
  customerId: string;
  programId: string;
  customerProgramId: string;
  timeAccountId: string | null;
  bot: Person;
  key: { id: string; secret: string };
}

/**
 * A customer with one licensed program, its prepaid time account and a bot user with an API key, ready
 * for POST /api/executions.
 */
export async function bookingWorld(
  db: DB,
  input: {
    balanceSeconds?: number;
    withTimeAccount?: boolean;
    pricingMode?: PricingMode;
    pricePerSecond?: number;
    defaultSeconds?: number;
    active?: boolean;
    customerName?: string;
  } = {},
): Promise<BookingWorld> {
  const customer = await createCustomer(db, { name: input.customerName ?? 'Müller Logistik GmbH' });
  const program = await createProgram(db, { name: 'Rechnungseingang automatisiert', description: 'Test' });
  const account =
    input.withTimeAccount === false
      ? null
      : await createCustomerTimeAccount(db, { ...SYSTEM, customerId: customer.id, name: 'Hauptkonto', openingBalanceSeconds: input.balanceSeconds ?? 0 });
  const cp = await createCustomerProgram(db, {
    ...SYSTEM,
    customerId: customer.id,
    programId: program.id,
    timeAccountId: account?.timeAccountId ?? null,
    defaultSecondsPerRun: input.defaultSeconds ?? 300,
    pricingMode: input.pricingMode ?? 'fixed',
    pricePerSecondMicros: input.pricePerSecond ?? 10_000,
    isActive: input.active ?? true,
  });
  const bot = await person(db, { customerId: customer.id, displayName: 'Bot' });
  const key = await apiKeyFor(db, bot.userId);
  return { customerId: customer.id, programId: program.id, customerProgramId: cp.id, timeAccountId: account?.timeAccountId ?? null, bot, key };
}

/** The legacy form body a bot sends. */
export function legacyForm(world: BookingWorld, extra: Record<string, string> = {}): string {
  return new URLSearchParams({
    NADOOIT__API_KEY: world.key.secret,
    NADOOIT__USER_CODE: world.bot.userCode,
    program_id: world.customerProgramId,
    ...extra,
  }).toString();
}
