import { registerBooleanColumns } from '../core/db/dialects/columns.js';

export const PLATFORMS = ['telegram', 'whatsapp', 'facebook'] as const;
export type PlatformKind = (typeof PLATFORMS)[number];

/**
 * A bot of a customer. `code` names the bot's code in the registry (bots as code); the original required
 * `name` itself to be the code's name, so only one bot per code could exist.
 */
export interface BotBotsTable {
  id: string;
  name: string;
  code: string;
  customer_id: string;
  created_at: string;
}

/**
 * One bot on one platform. `register_id` is the webhook URL's id; the access token (and WhatsApp's app
 * secret) are stored encrypted (AES-256-GCM), the webhook secret only as a SHA-256 hash.
 */
export interface BotPlatformsTable {
  id: string;
  bot_id: string;
  platform: PlatformKind;
  register_id: string;
  access_token_enc: string | null;
  app_secret_enc: string | null;
  secret_token_hash: string | null;
  phone_number: string | null;
  phone_number_id: string | null;
  send_paused_until: string | null;
  webhook_url: string | null;
  webhook_set_at: string | null;
  webhook_pending_update_count: number | null;
  webhook_last_error_message: string | null;
  webhook_last_error_at: string | null;
  webhook_checked_at: string | null;
  webhook_check_error: string | null;
  created_at: string;
}

/** A platform user (Telegram user, WhatsApp contact) — not an account of this site. */
export interface BotUsersTable {
  id: string;
  platform: PlatformKind;
  external_id: string;
  is_bot: boolean;
  first_name: string | null;
  last_name: string | null;
  username: string | null;
  language_code: string | null;
}

export interface BotChatsTable {
  id: string;
  platform: PlatformKind;
  external_id: string;
  type: string;
  title: string | null;
  first_name: string | null;
  last_name: string | null;
  username: string | null;
  all_members_are_administrators: boolean;
}

export const UPDATE_STATUSES = ['pending', 'done', 'ignored', 'failed'] as const;
export type UpdateStatus = (typeof UPDATE_STATUSES)[number];

/** The durable inbox: each platform update exactly once (unique on platform + update_key). */
export interface BotUpdatesTable {
  id: string;
  bot_platform_id: string;
  update_key: string;
  chat_key: string | null;
  sort_key: number;
  kind: string;
  payload: string;
  status: UpdateStatus;
  attempts: number;
  last_error: string | null;
  received_at: string;
  processed_at: string | null;
}

/** Who processes a chat right now: updates of one chat run one after the other. */
export interface BotChatLeasesTable {
  id: string;
  bot_platform_id: string;
  chat_key: string;
  owner: string | null;
  lease_until: string | null;
}

export interface BotVoicesTable {
  id: string;
  bot_platform_id: string;
  file_id: string;
  file_unique_id: string;
  duration: number | null;
  mime_type: string | null;
  file_size: number | null;
  transcript: string | null;
  created_at: string;
}

/** The stored audio of a voice message: a private media file (MEDIA_ROOT/private/voice_files/…). */
export interface BotVoiceFilesTable {
  id: string;
  voice_id: string;
  path: string;
  created_at: string;
}

export interface BotMessagesTable {
  id: string;
  bot_platform_id: string;
  customer_id: string;
  update_row_id: string | null;
  update_id: number | null;
  message_id: string;
  chat_id: string;
  from_user_id: string | null;
  direction: 'in' | 'out';
  text: string | null;
  voice_id: string | null;
  date: string;
  edited_at: string | null;
  additional_info: string | null;
  reply_markup: string | null;
  parse_mode: string | null;
  delivery_status: string | null;
  delivery_rank: number;
  created_at: string;
}

export interface BotPhotoMessagesTable {
  id: string;
  message_id: string;
  caption: string | null;
  created_at: string;
}

export interface BotTelegramPhotosTable {
  id: string;
  photo_message_id: string;
  file_id: string | null;
  file_unique_id: string | null;
  file_size: number | null;
  width: number | null;
  height: number | null;
}

/** One outbound API call of an update's processing: written before the call, completed after it. */
export interface BotOutboundTable {
  id: string;
  bot_platform_id: string;
  idempotency_key: string;
  update_row_id: string | null;
  method: string;
  status: 'sending' | 'sent';
  result: string | null;
  created_at: string;
  sent_at: string | null;
}

/** A chat's dialogue state (a small state machine per bot and chat). */
export interface BotDialoguesTable {
  id: string;
  bot_platform_id: string;
  chat_id: string;
  state: string | null;
  data: string;
  updated_at: string;
}

export interface BotAdvertisementsTable {
  id: string;
  bot_platform_id: string | null;
  item: string;
  text: string;
  created_at: string;
}

export interface BotAdvertisementMessagesTable {
  id: string;
  advertisement_id: string;
  message_id: string;
}

declare module '../core/db/schema.js' {
  interface Database {
    bot_bots: BotBotsTable;
    bot_platforms: BotPlatformsTable;
    bot_users: BotUsersTable;
    bot_chats: BotChatsTable;
    bot_updates: BotUpdatesTable;
    bot_chat_leases: BotChatLeasesTable;
    bot_voices: BotVoicesTable;
    bot_voice_files: BotVoiceFilesTable;
    bot_messages: BotMessagesTable;
    bot_photo_messages: BotPhotoMessagesTable;
    bot_telegram_photos: BotTelegramPhotosTable;
    bot_outbound: BotOutboundTable;
    bot_dialogues: BotDialoguesTable;
    bot_advertisements: BotAdvertisementsTable;
    bot_advertisement_messages: BotAdvertisementMessagesTable;
  }
}

registerBooleanColumns('is_bot', 'all_members_are_administrators');
