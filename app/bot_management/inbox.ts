import { randomUUID } from 'node:crypto';
import type { AppContext } from '../core/app-module.js';
import type { DB } from '../core/db/connection.js';
import { transaction } from '../core/db/transaction.js';
import type { PlatformKind } from './models.js';

export const PROCESS_UPDATE_TASK = 'bot_management.process_update';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The platform a webhook URL names, with what its check needs; undefined for an unknown or malformed id. */
export async function webhookPlatform(db: DB, kind: PlatformKind, registerId: string) {
  // A malformed id is simply unknown (PostgreSQL would refuse to compare it with a uuid column).
  if (!UUID.test(registerId)) return undefined;
  const row = await db
    .selectFrom('bot_platforms')
    .select(['id', 'platform', 'secret_token_hash', 'app_secret_enc'])
    .where('register_id', '=', registerId.toLowerCase())
    .executeTakeFirst();
  return row?.platform === kind ? row : undefined;
}

export interface InboxEntry {
  /** Unique per platform: Telegram's update_id, WhatsApp's message id. */
  updateKey: string;
  /** The chat whose updates must run in order (null: no chat, processed alone). */
  chatKey: string | null;
  /** Order within the chat (Telegram update_id, WhatsApp timestamp). */
  sortKey: number;
  kind: string;
  payload: unknown;
}

/**
 * Stores an update once and enqueues its processing in the same transaction (the job carries ids only,
 * never a token). A second delivery of the same update finds the row and does nothing: true only for a new one.
 */
export async function storeUpdate(context: Pick<AppContext, 'db' | 'queue'>, platformId: string, entry: InboxEntry): Promise<boolean> {
  return transaction(context.db.kysely, async (tx, hooks) => {
    const id = randomUUID();
    const inserted = await tx
      .insertInto('bot_updates')
      .values({
        id,
        bot_platform_id: platformId,
        update_key: entry.updateKey,
        chat_key: entry.chatKey,
        sort_key: entry.sortKey,
        kind: entry.kind,
        payload: JSON.stringify(entry.payload),
        status: 'pending',
        attempts: 0,
        last_error: null,
        received_at: new Date().toISOString(),
        processed_at: null,
      })
      .onConflict((oc) => oc.columns(['bot_platform_id', 'update_key']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) return false;
    await context.queue.enqueueWithin(tx, hooks, PROCESS_UPDATE_TASK, { updateId: id }, { uniqueKey: `bot-update:${id}` });
    return true;
  });
}
