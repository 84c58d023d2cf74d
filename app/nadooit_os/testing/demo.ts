import type { DB } from '../../core/db/connection.js';
import { fileComplaint } from '../../nadoo_complaint_management/services.js';
import { createApiKey } from '../../nadooit_api_key/services/index.js';
import { appointApiKeyManager } from '../../nadooit_api_key/services/index.js';
import { bookingWorld, person } from '../../nadooit_api_executions_system/testing/fixtures.js';
import type { BookingWorld, Person } from '../../nadooit_api_executions_system/testing/fixtures.js';
import { createProgram } from '../../nadooit_program/services.js';
import { createCustomerProgram } from '../../nadooit_program_ownership_system/services.js';
import { topUp } from '../../nadooit_time_account/ledger.js';
import { customerTimeAccounts, setLowBalanceThreshold } from '../../nadooit_time_account/services.js';
import { approveTopUpRequest, rejectTopUpRequest, requestTopUp } from '../../nadooit_time_account/top-up-requests.js';
import { ALL_ROLES, book } from './world.js';

const SYSTEM = { actorUserId: null, asStaff: true } as const;

export interface DemoWorld {
  a: BookingWorld;
  b: BookingWorld;
  /** Every role for customer A, and API-key manager for A. */
  boss: Person;
  other: Person;
  bookingsA: string[];
  /** A's second program, priced by the tier table, with one open complaint. */
  tieredProgramId: string;
}

/** Deterministic pseudo-random numbers, so screenshots look the same on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

/**
 * A populated dashboard for screenshots and the browser test: customer A with two programs (fixed and
 * tiered), a topped-up time account with a low-balance threshold and top-up requests, a year of bookings,
 * employees and an API key; customer B with its own people and bookings.
 */
export async function demoWorld(db: DB, now = new Date()): Promise<DemoWorld> {
  const a = await bookingWorld(db, { customerName: 'Alpha Logistik GmbH', balanceSeconds: 0, pricePerSecond: 10_000, defaultSeconds: 600 });
  const b = await bookingWorld(db, { customerName: 'Beta Bau AG', balanceSeconds: 0, pricePerSecond: 20_000 });
  const boss = await person(db, { customerId: a.customerId, displayName: 'Anna Alpha', roles: ALL_ROLES });
  const other = await person(db, { customerId: b.customerId, displayName: 'Bernd Beta', roles: ALL_ROLES });
  for (const name of ['Jonas Weber', 'Lea Schmidt', 'Mehmet Yilmaz']) await person(db, { customerId: a.customerId, displayName: name });
  await person(db, { customerId: a.customerId, displayName: 'Tom Ehemalig', contractActive: false });
  await appointApiKeyManager(db, { ...SYSTEM, targetEmployeeId: boss.employeeId, customerIds: [a.customerId], abilities: ['can_create_api_key', 'can_delete_api_key', 'can_give_manager_role'] });
  await createApiKey(db, { ...SYSTEM, ownerUserId: boss.userId, name: 'Buchhaltungs-Bot', customerId: a.customerId });

  const program = await createProgram(db, { name: 'Lieferschein-Erfassung', description: 'Liest Lieferscheine aus dem Postfach und legt sie im ERP an.' });
  const tiered = await createCustomerProgram(db, {
    ...SYSTEM,
    customerId: a.customerId,
    programId: program.id,
    timeAccountId: a.timeAccountId,
    defaultSecondsPerRun: 240,
    pricingMode: 'tiered',
  });
  const second: BookingWorld = { ...a, customerProgramId: tiered.id, programId: program.id };

  const next = random(42);
  const day = 86_400_000;
  const past = (days: number) => new Date(now.getTime() - days * day - Math.floor(next() * 8 * 3_600_000));
  const bookingsA: string[] = [];
  // A year of bookings, denser in recent weeks; the newest first get prepaid time from the top-ups below.
  for (let i = 0; i < 160; i++) bookingsA.push(...(await book(db, i % 3 ? a : second, [past(Math.floor(next() * next() * 380))], 300 + Math.floor(next() * 1500))));
  // From here on recorded in the order of their dates, so the ledger (in recording order) reads like a real one.
  await book(db, b, [past(40), past(3), past(1)], 900);
  const [disputed] = await book(db, second, [past(2)], 2400);
  const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
  await topUp(db, { timeAccountId: a.timeAccountId!, seconds: 10 * 3600, note: 'Paket 10 Stunden', reference: 'RE-2025-0412', authorUserId: null, at: minutesAgo(60) });
  const [account] = await customerTimeAccounts(db, a.customerId);
  await setLowBalanceThreshold(db, { ...SYSTEM, customerTimeAccountId: account!.customerTimeAccountId, seconds: 12 * 3600 });
  // Top-up requests in every state: approved (in the ledger), rejected with a reason, and one still open.
  const ask = (hours: number, note: string, at: Date) => requestTopUp(db, { actorUserId: boss.userId, customerTimeAccountId: account!.customerTimeAccountId, seconds: hours * 3600, note, at });
  await approveTopUpRequest(db, { ...SYSTEM, requestId: (await ask(2, 'Nachkauf für die Monatsabschlüsse', minutesAgo(55))).id, at: minutesAgo(50) });
  await rejectTopUpRequest(db, { ...SYSTEM, requestId: (await ask(50, 'Jahrespaket', minutesAgo(48))).id, reason: 'Bitte über das Angebot AN-2025-117 bestellen.', at: minutesAgo(46) });
  for (let i = 6; i >= 1; i--) bookingsA.push(...(await book(db, i % 2 ? second : a, [minutesAgo(i * 7)], 1200 + (6 - i) * 300)));
  await ask(5, 'Bestellung 2025-051', minutesAgo(3));
  await fileComplaint(db, { actorUserId: boss.userId, executionId: disputed!, text: 'Der Lieferschein wurde zweimal erfasst.' });
  return { a, b, boss, other, bookingsA: [...bookingsA, disputed!], tieredProgramId: tiered.id };
}
