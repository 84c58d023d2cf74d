import type { Message, Update } from 'grammy/types';
import type { InboxEntry } from './inbox.js';

export const TELEGRAM_ALLOWED_UPDATES = ['message', 'edited_message', 'channel_post', 'edited_channel_post'] as const;
type MessageKind = (typeof TELEGRAM_ALLOWED_UPDATES)[number];

/** The message of an update (any chat type, new or edited), or null for other kinds of updates. */
export function messageOf(update: Update): { kind: MessageKind; message: Message } | null {
  for (const kind of TELEGRAM_ALLOWED_UPDATES) {
    const message = update[kind];
    if (message) return { kind, message: message as Message };
  }
  return null;
}

/** An update as an inbox entry: its chat keeps the order, update_id de-duplicates. */
export function telegramEntry(update: Update): InboxEntry {
  const found = messageOf(update);
  return {
    updateKey: String(update.update_id),
    chatKey: found ? String(found.message.chat.id) : null,
    sortKey: update.update_id,
    kind: found?.kind ?? (Object.keys(update).find((k) => k !== 'update_id') ?? 'unknown'),
    payload: update,
  };
}

/** A webhook body that is a Telegram update at all (an object with an integer update_id). */
export function isTelegramUpdate(body: unknown): body is Update {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return false;
  const id = (body as { update_id?: unknown }).update_id;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0;
}
