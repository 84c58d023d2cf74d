import type { SelectQueryBuilder } from 'kysely';
import type { Tx } from '../../core/db/transaction.js';
import '../models.js';

export interface PersonRow {
  id: string;
  user_code: string;
  display_name: string;
  is_active: boolean;
  created_at: string;
  last_login: string | null;
  keys: number;
}

export interface PeopleFilter {
  /** Only these users (a subquery of user ids, e.g. the employees of some customers); everyone when absent. */
  among?: SelectQueryBuilder<any, any, { user_id: string }>;
  /** A user code (exact, any case) or part of the display name. */
  search?: string;
  limit?: number;
  offset?: number;
}

/** People (not staff) with the number of security keys each holds, newest first. */
export async function listPeopleWithKeyCounts(db: Tx, filter: PeopleFilter = {}): Promise<PersonRow[]> {
  let query = db
    .selectFrom('users')
    .leftJoin('auth_credentials', 'auth_credentials.user_id', 'users.id')
    .select((eb) => [
      'users.id',
      'users.user_code',
      'users.display_name',
      'users.is_active',
      'users.created_at',
      'users.last_login',
      eb.fn.count<number>('auth_credentials.id').as('keys'),
    ])
    .where('users.is_staff', '=', false)
    .where('users.is_superuser', '=', false)
    .groupBy(['users.id', 'users.user_code', 'users.display_name', 'users.is_active', 'users.created_at', 'users.last_login']);
  if (filter.among) query = query.where('users.id', 'in', filter.among);
  const search = filter.search?.trim();
  if (search) {
    // Wildcards are dropped rather than escaped (LIKE escaping differs between SQLite and PostgreSQL).
    const pattern = `%${search.toLowerCase().replace(/[\\%_]/g, '')}%`;
    query = query.where((eb) =>
      eb.or([eb('users.user_code', '=', search.toUpperCase()), eb('users.user_code', '=', search), eb(eb.fn('lower', ['users.display_name']), 'like', pattern)]),
    );
  }
  const rows = await query
    .orderBy('users.created_at', 'desc')
    .limit(Math.min(filter.limit ?? 50, 200))
    .offset(filter.offset ?? 0)
    .execute();
  return rows.map((r) => ({ ...r, keys: Number(r.keys) }));
}
