import type { AppContext } from '../core/app-module.js';
import type { ScheduleDefinition, TaskDefinition } from '../core/queue/types.js';
import { PROCESS_UPDATE_TASK } from './inbox.js';
import { MAX_UPDATE_ATTEMPTS, processUpdate, sendOnce, storeOutgoing, sweepStalled } from './processing.js';
import { clientFor } from './clients.js';
import { checkWebhooks } from './webhooks.js';

export const CHECK_WEBHOOKS_TASK = 'bot_management.check_webhooks';
export const SWEEP_TASK = 'bot_management.sweep_stalled';
export const BROADCAST_TASK = 'bot_management.broadcast';

export interface BroadcastPayload {
  platformId: string;
  /** Names the broadcast: each chat gets it at most once, also when the job runs again. */
  broadcastId: string;
  text: string;
}

/**
 * Sends a text to every chat the platform has talked with, behind any reply (the bot's sender puts
 * replies first) and at most once per chat.
 */
export async function broadcast(context: AppContext, payload: BroadcastPayload): Promise<number> {
  const db = context.db.kysely;
  const platform = await db
    .selectFrom('bot_platforms')
    .innerJoin('bot_bots', 'bot_bots.id', 'bot_platforms.bot_id')
    .select(['bot_platforms.id', 'bot_platforms.platform', 'bot_platforms.access_token_enc', 'bot_platforms.phone_number_id', 'bot_bots.customer_id'])
    .where('bot_platforms.id', '=', payload.platformId)
    .executeTakeFirst();
  if (!platform) return 0;
  const chats = await db
    .selectFrom('bot_chats')
    .select(['bot_chats.id', 'bot_chats.external_id'])
    .where('bot_chats.id', 'in', db.selectFrom('bot_messages').select('chat_id').where('bot_platform_id', '=', platform.id).where('direction', '=', 'in'))
    .orderBy('bot_chats.id')
    .execute();
  const client = clientFor(context.settings, platform);
  await Promise.all(
    chats.map(async (chat) => {
      const key = `broadcast:${payload.broadcastId}:${chat.id}`;
      const sent = await sendOnce(context, { platformId: platform.id, key, updateRowId: null, method: 'sendMessage', priority: 'broadcast' }, () => client.sendMessage(chat.external_id, payload.text));
      if (sent) await storeOutgoing(db, platform, chat.id, sent, null);
    }),
  );
  return chats.length;
}

export function botTasks(context: () => AppContext): TaskDefinition<any>[] {
  return [
    { name: PROCESS_UPDATE_TASK, maxAttempts: MAX_UPDATE_ATTEMPTS, handler: (payload: { updateId: string }) => processUpdate(context(), payload.updateId) },
    { name: CHECK_WEBHOOKS_TASK, maxAttempts: 1, handler: async () => void (await checkWebhooks(context())) },
    { name: SWEEP_TASK, maxAttempts: 1, handler: async () => void (await sweepStalled(context())) },
    { name: BROADCAST_TASK, handler: async (payload: BroadcastPayload) => void (await broadcast(context(), payload)) },
  ];
}

export const botSchedules: ScheduleDefinition[] = [
  { task: CHECK_WEBHOOKS_TASK, everyMs: 5 * 60_000 },
  { task: SWEEP_TASK, everyMs: 60_000 },
];
