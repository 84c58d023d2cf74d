import { randomUUID } from 'node:crypto';
import type { Tx } from '../../core/db/transaction.js';
import { randomToken, sha256Hex } from '../../core/http/tokens.js';
import type { AuthTokenPurpose, AuthTokensTable } from '../models.js';

export const ENROLMENT_TOKEN_SECONDS = 24 * 3600;

export interface IssuedToken {
  /** The secret for the link; shown once, only its hash is stored. */
  token: string;
  row: AuthTokensTable;
}

export async function issueToken(
  tx: Tx,
  input: { purpose: AuthTokenPurpose; userId?: string | null; createdBy?: string | null; validSeconds?: number; firstKeyOnly?: boolean },
  now = new Date(),
): Promise<IssuedToken> {
  const token = randomToken(32);
  const row: AuthTokensTable = {
    id: randomUUID(),
    purpose: input.purpose,
    token_hash: sha256Hex(token),
    user_id: input.userId ?? null,
    created_by: input.createdBy ?? null,
    expires_at: new Date(now.getTime() + (input.validSeconds ?? ENROLMENT_TOKEN_SECONDS) * 1000).toISOString(),
    used_at: null,
    created_at: now.toISOString(),
    first_key_only: input.firstKeyOnly ?? true,
  };
  await tx.insertInto('auth_tokens').values(row).execute();
  return { token, row };
}

/** The token's row when it is unused and not expired, else undefined. Lookup is by hash only. */
export async function findValidToken(
  db: Tx,
  purpose: AuthTokenPurpose,
  token: string,
  now = new Date(),
): Promise<AuthTokensTable | undefined> {
  if (!token || token.length > 200) return undefined;
  return db
    .selectFrom('auth_tokens')
    .selectAll()
    .where('token_hash', '=', sha256Hex(token))
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .executeTakeFirst();
}

/**
 * Marks the token used; only one caller can win (the update is conditional), so a link works exactly
 * once even when two tabs submit at the same time.
 */
export async function consumeToken(tx: Tx, tokenId: string, now = new Date()): Promise<boolean> {
  const result = await tx
    .updateTable('auth_tokens')
    .set({ used_at: now.toISOString() })
    .where('id', '=', tokenId)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Earlier unused links of a person stop working when a new one is issued. */
export async function revokeOpenTokens(tx: Tx, purpose: AuthTokenPurpose, userId: string | null, now = new Date()): Promise<void> {
  let query = tx.updateTable('auth_tokens').set({ used_at: now.toISOString() }).where('purpose', '=', purpose).where('used_at', 'is', null);
  query = userId === null ? query.where('user_id', 'is', null) : query.where('user_id', '=', userId);
  await query.execute();
}

/**
 * A person's new enrolment link (earlier open links of that person stop working). By default it adds only the
 * person's first key: it stops working once they have any key. `firstKeyOnly: false` (a further key) is for
 * links made by staff with a second factor or by the person themselves — callers decide (nadooit_key).
 */
export async function issueEnrolmentToken(
  tx: Tx,
  userId: string,
  createdBy: string | null,
  now = new Date(),
  options: { firstKeyOnly?: boolean } = {},
): Promise<IssuedToken> {
  await revokeOpenTokens(tx, 'enrolment', userId, now);
  return issueToken(tx, { purpose: 'enrolment', userId, createdBy, firstKeyOnly: options.firstKeyOnly ?? true }, now);
}

/** True when this enrolment link may not (or no longer) be used: a first-key link of a person who has a key. */
export async function linkSpent(db: Tx, token: Pick<AuthTokensTable, 'first_key_only' | 'user_id'>): Promise<boolean> {
  if (!token.first_key_only || !token.user_id) return false;
  const key = await db.selectFrom('auth_credentials').select('id').where('user_id', '=', token.user_id).limit(1).executeTakeFirst();
  return key !== undefined;
}

export function enrolmentPath(token: string): string {
  return `/auth/enrol/${encodeURIComponent(token)}`;
}
