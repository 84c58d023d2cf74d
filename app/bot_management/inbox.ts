import { randomUUID } from 'node:crypto';
import type { AppContext } from '../core/app-module.js';
import { transaction } from '../core/db/transaction.js';

export const PROCESS_UPDATE_TASK = 'bot_management.process_update';

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
