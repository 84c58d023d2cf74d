import type { Message } from 'grammy/types';
import type { BotUpdatesTable, PlatformKind } from './models.js';
import { messageOf } from './telegram.js';

/** One incoming message, the same shape for every platform. */
export interface IncomingMessage {
  chat: { externalId: string; type: string; title: string | null; firstName: string | null; lastName: string | null; username: string | null; allAdmins: boolean };
  from: { externalId: string; isBot: boolean; firstName: string | null; lastName: string | null; username: string | null; languageCode: string | null } | null;
  messageId: string;
  updateId: number | null;
  date: string;
  text: string | null;
  caption: string | null;
  isEdit: boolean;
  voice: { fileId: string; fileUniqueId: string; duration: number | null; mimeType: string | null; fileSize: number | null } | null;
  photos: Array<{ file_id: string; file_unique_id: string; file_size?: number; width: number; height: number }>;
  entities: unknown;
  replyMarkup: unknown;
}

const iso = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString();

function fromTelegram(updateId: number, kind: string, m: Message): IncomingMessage {
  const chat = m.chat as Message['chat'] & { title?: string; first_name?: string; last_name?: string; username?: string; all_members_are_administrators?: boolean };
  const from = m.from;
  return {
    chat: {
      externalId: String(chat.id),
      type: chat.type,
      title: chat.title ?? null,
      firstName: chat.first_name ?? null,
      lastName: chat.last_name ?? null,
      username: chat.username ?? null,
      allAdmins: chat.all_members_are_administrators ?? false,
    },
    from: from
      ? { externalId: String(from.id), isBot: from.is_bot, firstName: from.first_name ?? null, lastName: from.last_name ?? null, username: from.username ?? null, languageCode: from.language_code ?? null }
      : null,
    messageId: String(m.message_id),
    updateId,
    date: iso(m.date),
    text: m.text ?? null,
    caption: m.caption ?? null,
    isEdit: kind.startsWith('edited_'),
    voice: m.voice
      ? { fileId: m.voice.file_id, fileUniqueId: m.voice.file_unique_id, duration: m.voice.duration ?? null, mimeType: m.voice.mime_type ?? null, fileSize: m.voice.file_size ?? null }
      : null,
    photos: m.photo ?? [],
    entities: m.entities ?? m.caption_entities ?? null,
    replyMarkup: m.reply_markup ?? null,
  };
}

/** A stored WhatsApp message (the inbox keeps `{ message, contact, metadata }` per message). */
interface WhatsAppStored {
  message: { from: string; id: string; timestamp: string; type: string; text?: { body?: string }; image?: { caption?: string; id?: string } };
  contact?: { wa_id?: string; profile?: { name?: string } } | null;
}

function fromWhatsApp(stored: WhatsAppStored): IncomingMessage {
  const m = stored.message;
  const name = stored.contact?.profile?.name ?? null;
  return {
    chat: { externalId: m.from, type: 'private', title: null, firstName: name, lastName: null, username: null, allAdmins: false },
    from: { externalId: m.from, isBot: false, firstName: name, lastName: null, username: null, languageCode: null },
    messageId: m.id,
    updateId: null,
    date: iso(Number(m.timestamp) || 0),
    text: m.text?.body ?? null,
    caption: m.image?.caption ?? null,
    isEdit: false,
    voice: null,
    photos: [],
    entities: null,
    replyMarkup: null,
  };
}

/** The message of an inbox row, or null when the update carries none (it is then marked ignored). */
export function incomingOf(platform: PlatformKind, row: Pick<BotUpdatesTable, 'payload' | 'kind'>): IncomingMessage | null {
  const payload = JSON.parse(row.payload);
  if (platform === 'telegram') {
    const found = messageOf(payload);
    return found ? fromTelegram(payload.update_id, found.kind, found.message) : null;
  }
  if (platform === 'whatsapp' && row.kind === 'whatsapp_message') return fromWhatsApp(payload as WhatsAppStored);
  return null;
}
