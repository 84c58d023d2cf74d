import type { DB } from '../../core/db/connection.js';
import { createUser } from '../../nadooit_auth/services/users.js';
import { bookingWorld, person } from '../../nadooit_api_executions_system/testing/fixtures.js';
import type { BookingWorld, Person } from '../../nadooit_api_executions_system/testing/fixtures.js';
import { bookExecution } from '../../nadooit_api_executions_system/services/booking.js';
import { getOrCreateEmployee } from '../../nadooit_hr/services/employees.js';
import { MANAGER_ROLES } from '../../nadooit_hr/roles.js';
import type { ManagerRole } from '../../nadooit_hr/roles.js';

/** Every ability of every contract role: a manager who may do everything for one customer. */
export const ALL_ROLES = Object.fromEntries(
  Object.entries(MANAGER_ROLES).map(([role, def]) => [role, [...def.abilities]]),
) as Record<ManagerRole, string[]>;

export interface DashboardWorld {
  /** The customer our managers work for, with a program, a time account and bookings. */
  a: BookingWorld;
  /** A second customer with its own bookings that must never show up for A's people. */
  b: BookingWorld;
  /** Holds every role with every ability for A only. */
  boss: Person;
  /** Execution manager for A (no other role). */
  executions: Person;
  /** Holds every role for B only. */
  other: Person;
  /** Employee of A without any role. */
  plain: Person;
  /** A user without an Employee row. */
  stranger: { userId: string; userCode: string };
  bookingsA: string[];
  bookingsB: string[];
}

/** Books `count` runs of a world's program at the given instants (default: now). */
export async function book(db: DB, world: BookingWorld, at: Date[], seconds = 600): Promise<string[]> {
  const ids: string[] = [];
  for (const when of at) {
    const { execution } = await bookExecution(db, {
      customerProgramId: world.customerProgramId,
      timeSavedSeconds: seconds,
      maxTimeSavedSeconds: 86_400,
      userId: world.bot.userId,
      at: when,
    });
    ids.push(execution.id);
  }
  return ids;
}

export async function dashboardWorld(db: DB, options: { now?: Date } = {}): Promise<DashboardWorld> {
  const now = options.now ?? new Date();
  // Fixed price 0,01 €/s, no prepaid time: every booking is open (NOT_PAID) and can be complained about.
  const a = await bookingWorld(db, { customerName: 'Alpha Logistik GmbH', balanceSeconds: 0, pricePerSecond: 10_000 });
  const b = await bookingWorld(db, { customerName: 'Beta Bau AG', balanceSeconds: 0, pricePerSecond: 20_000 });
  const boss = await person(db, { customerId: a.customerId, displayName: 'Anna Alpha', roles: ALL_ROLES });
  const executions = await person(db, {
    customerId: a.customerId,
    displayName: 'Erik Execution',
    roles: { customer_program_execution_manager: ['can_create_customer_program_execution', 'can_delete_customer_program_execution'] },
  });
  const other = await person(db, { customerId: b.customerId, displayName: 'Bernd Beta', roles: ALL_ROLES });
  const plain = await person(db, { customerId: a.customerId, displayName: 'Paula Plain' });
  const strangerUser = await createUser(db, { displayName: 'Sam Stranger' });
  const secondsAgo = (s: number) => new Date(now.getTime() - s * 1000);
  const bookingsA = await book(db, a, [secondsAgo(1), secondsAgo(2), secondsAgo(3)]);
  const bookingsB = await book(db, b, [secondsAgo(1), secondsAgo(4)], 900);
  return { a, b, boss, executions, other, plain, stranger: { userId: strangerUser.id, userCode: strangerUser.user_code }, bookingsA, bookingsB };
}

/** Gives a user an Employee row (and nothing else). */
export async function employeeWithoutContract(db: DB, userId: string): Promise<void> {
  await getOrCreateEmployee(db, userId);
}
