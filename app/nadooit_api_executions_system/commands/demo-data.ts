import type { AppContext } from '../../core/app-module.js';
import { transaction } from '../../core/db/transaction.js';
import type { DB } from '../../core/db/connection.js';
import { createUser, findUserByUsername } from '../../nadooit_auth/services/users.js';
import { enrolmentPath, issueEnrolmentToken } from '../../nadooit_auth/services/tokens.js';
import { appointApiKeyManager, createApiKey, listApiKeys, revokeApiKey } from '../../nadooit_api_key/services/index.js';
import { listCustomers } from '../../nadooit_crm/services.js';
import { createCustomerWithManagers } from '../../nadooit_hr/services/onboarding.js';
import { ensureContract, getOrCreateEmployee } from '../../nadooit_hr/services/index.js';
import { MANAGER_ROLES, MANAGER_ROLE_NAMES } from '../../nadooit_hr/roles.js';
import type { ManagerRole } from '../../nadooit_hr/roles.js';
import { createProgram } from '../../nadooit_program/services.js';
import { createCustomerProgram, customerProgramsOf } from '../../nadooit_program_ownership_system/services.js';
import { balanceOf, topUp } from '../../nadooit_time_account/ledger.js';
import { createCustomerTimeAccount, customerTimeAccounts } from '../../nadooit_time_account/services.js';
import { bookExecution } from '../services/booking.js';
import { applyPaymentStatus } from '../services/payment.js';

/** The system actor of commands (never reachable from a request). */
const SYSTEM = { actorUserId: null, asStaff: true } as const;

export const DEMO_CUSTOMER = 'NADOOIT Demo GmbH';
const MANAGER_USERNAME = 'demo.verwalterin';
const BOT_USERNAME = 'demo.bot';
const KEY_NAME = 'Demo-Bot';

const PROGRAMS = [
  { name: 'Rechnungseingang (Demo)', description: 'Liest Eingangsrechnungen aus dem Postfach und bucht sie vor.', seconds: 300, mode: 'fixed' as const, price: 15_000 },
  { name: 'Lieferschein-Erfassung (Demo)', description: 'Erfasst Lieferscheine aus Scans.', seconds: 180, mode: 'tiered' as const, price: 0 },
];

export interface DemoResult {
  created: boolean;
  customerId: string;
  manager: { userId: string; userCode: string; enrolmentPath: string | null };
  bot: { userId: string; userCode: string };
  customerProgramIds: string[];
  timeAccountId: string;
  /** The plain API key: only when it was created by this run (it is stored hashed). */
  apiKey: string | null;
  apiKeyId: string;
  executions: number;
  balanceSeconds: number;
}

/** A small deterministic generator, so every demo database looks the same. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

async function demoUser(db: DB, username: string, displayName: string) {
  return (await findUserByUsername(db, username)) ?? (await transaction(db, (tx) => createUser(tx, { username, displayName })));
}

/** Every role with every ability — the demo manager sees every page of the dashboard. */
const allRoles = Object.fromEntries(MANAGER_ROLE_NAMES.map((r) => [r, [...MANAGER_ROLES[r].abilities]])) as Record<ManagerRole, string[]>;

/**
 * `manage demo`: a demo customer with a manager (all roles), a bot with an API key, two licensed programs
 * drawing from one prepaid time account, and a few hundred bookings over the last four months — through
 * the real services, so balances, ledger, prices and counters are all consistent. Safe to run again: what
 * exists is reused, nothing is booked twice; the API key is shown only when it is created.
 */
export async function seedDemo(context: AppContext, options: { newKey?: boolean; bookings?: number; now?: Date } = {}): Promise<DemoResult> {
  const db = context.db.kysely;
  const now = options.now ?? new Date();
  const manager = await demoUser(db, MANAGER_USERNAME, 'Demo Verwalterin');
  const bot = await demoUser(db, BOT_USERNAME, 'Demo Bot');

  let customer = (await listCustomers(db, { search: DEMO_CUSTOMER })).find((c) => c.name === DEMO_CUSTOMER);
  const created = !customer;
  if (!customer) {
    ({ customer } = await createCustomerWithManagers(db, {
      ...SYSTEM,
      customer: { name: DEMO_CUSTOMER, contactEmail: 'demo@example.invalid', timeZone: 'Europe/Berlin' },
      managers: [{ userCode: manager.user_code, roles: allRoles }],
    }));
    await appointApiKeyManager(db, { ...SYSTEM, targetUserCode: manager.user_code, customerIds: [customer.id], abilities: ['can_create_api_key', 'can_delete_api_key', 'can_give_manager_role'] });
  }
  await ensureContract(db, (await getOrCreateEmployee(db, bot.id)).id, customer.id);

  const start = new Date(now.getTime() - 120 * 86_400_000);
  let account = (await customerTimeAccounts(db, customer.id))[0];
  if (!account) {
    account = await createCustomerTimeAccount(db, {
      ...SYSTEM,
      customerId: customer.id,
      name: 'Demo Hauptkonto',
      openingBalanceSeconds: 10 * 3600,
      lowBalanceThresholdSeconds: 3600,
      openedAt: start,
    });
  }

  const existing = await customerProgramsOf(db, customer.id);
  const programIds: string[] = [];
  for (const spec of PROGRAMS) {
    const found = existing.find((cp) => cp.programName === spec.name);
    if (found) {
      programIds.push(found.id);
      continue;
    }
    const program = await createProgram(db, { name: spec.name, description: spec.description });
    const cp = await createCustomerProgram(db, {
      ...SYSTEM,
      customerId: customer.id,
      programId: program.id,
      timeAccountId: account.timeAccountId,
      defaultSecondsPerRun: spec.seconds,
      pricingMode: spec.mode,
      pricePerSecondMicros: spec.price,
    });
    programIds.push(cp.id);
  }

  const keys = (await listApiKeys(db, bot.id)).filter((key) => key.name === KEY_NAME && key.is_active);
  let apiKey: string | null = null;
  let apiKeyId = keys[0]?.id;
  if (!apiKeyId || options.newKey) {
    for (const key of keys) await revokeApiKey(db, { ...SYSTEM, keyId: key.id });
    const fresh = await createApiKey(db, { ...SYSTEM, ownerUserId: bot.id, name: KEY_NAME, customerId: customer.id });
    apiKey = fresh.secret;
    apiKeyId = fresh.id;
  }

  const booked = await db.selectFrom('ex_executions').select((eb) => eb.fn.countAll<number>().as('n')).where('customer_id', '=', customer.id).executeTakeFirstOrThrow();
  if (Number(booked.n) === 0) await bookDemoHistory(context, { programIds, timeAccountId: account.timeAccountId, botId: bot.id, start, now, count: options.bookings ?? 320 });

  const enrolment = created ? await transaction(db, (tx) => issueEnrolmentToken(tx, manager.id, null, now)) : null;
  const totals = await db.selectFrom('ex_executions').select((eb) => eb.fn.countAll<number>().as('n')).where('customer_id', '=', customer.id).executeTakeFirstOrThrow();
  const balanceSeconds = await balanceOf(db, account.timeAccountId);
  return {
    created,
    customerId: customer.id,
    manager: { userId: manager.id, userCode: manager.user_code, enrolmentPath: enrolment ? enrolmentPath(enrolment.token) : null },
    bot: { userId: bot.id, userCode: bot.user_code },
    customerProgramIds: programIds,
    timeAccountId: account.timeAccountId,
    apiKey,
    apiKeyId: apiKeyId!,
    executions: Number(totals.n),
    balanceSeconds,
  };
}

/** Purchases during the demo period (fraction of the period, hours): the account runs dry in between. */
const TOP_UPS = [
  { at: 0.5, hours: 5, reference: 'DEMO-0001' },
  { at: 0.9, hours: 10, reference: 'DEMO-0002' },
];

/**
 * Bookings spread over working hours from `start` to `now`, oldest first so the prepaid account runs down
 * as it would; two top-ups; older priced bookings marked paid. Ledger entries get the booking's time.
 */
async function bookDemoHistory(
  context: AppContext,
  input: { programIds: string[]; timeAccountId: string; botId: string; start: Date; now: Date; count: number },
): Promise<void> {
  const db = context.db.kysely;
  const next = random(20250829);
  const span = input.now.getTime() - input.start.getTime();
  const times = Array.from({ length: input.count }, () => {
    const day = new Date(input.start.getTime() + Math.floor(next() * span));
    day.setUTCHours(6 + Math.floor(next() * 10), Math.floor(next() * 60), Math.floor(next() * 60), 0);
    return Math.min(day.getTime(), input.now.getTime() - 60_000);
  }).sort((a, b) => a - b);
  const topUps = [...TOP_UPS];
  for (const [i, time] of times.entries()) {
    if (topUps.length && time > input.start.getTime() + span * topUps[0]!.at) {
      const { hours, reference } = topUps.shift()!;
      await topUp(db, { timeAccountId: input.timeAccountId, seconds: hours * 3600, note: `Zeitpaket ${hours} h (Demo)`, reference, authorUserId: null, at: new Date(time - 3_600_000) });
    }
    const programId = input.programIds[i % 3 === 2 ? 1 : 0]!;
    const seconds = Math.round((i % 3 === 2 ? 180 : 300) * (0.6 + next() * 0.8));
    const { execution } = await bookExecution(db, { customerProgramId: programId, timeSavedSeconds: seconds, maxTimeSavedSeconds: context.settings.maxTimeSavedSeconds, userId: input.botId, at: new Date(time) });
    if (execution.payment_status === 'NOT_PAID' && input.now.getTime() - time > 30 * 86_400_000) {
      await applyPaymentStatus(db, { executionId: execution.id, to: 'PAID', actorUserId: null, note: 'Demo: bezahlt' });
    }
  }
}
