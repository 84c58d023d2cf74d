import { derivedUuid, legacyBool, legacyInteger, legacyMicros, legacyOptionalText, legacyText, legacyTimestamp, legacyUuid, LegacyValueError } from '../core/legacy/values.js';
import { existingIdOr, notImported, perRun as sharedPerRun, requireKnown, tableImport } from '../core/legacy/step.js';
import type { LegacyAppImport, LegacyImportContext, LegacyImportStep } from '../core/legacy/step.js';
import type { LegacyRow } from '../core/legacy/source.js';
import { PLATFORMS } from './models.js';
import type { PlatformKind } from './models.js';
import { botCode } from './registry.js';
import { decryptToken, encryptToken, tokenKey } from './secrets.js';

const T = {
  bot: 'bot_management_bot',
  platform: 'bot_management_botplatform',
  user: 'bot_management_user',
  chat: 'bot_management_chat',
  voice: 'bot_management_voice',
  voiceFile: 'bot_management_voicefile',
  message: 'bot_management_message',
  photoMessage: 'bot_management_photomessage',
  telegramPhoto: 'bot_management_telegramphoto',
  advertisement: 'bot_management_advertisement',
  advertisementMessages: 'bot_management_advertisement_messages',
  apiKey: 'bot_management_apikey',
} as const;

/** A per-run value of this app's steps. */
const perRun = <V>(context: LegacyImportContext, name: string, make: () => V): V => sharedPerRun(context, `bot_management.${name}`, make);

/** Legacy integer id → this system's id, for rows that may be matched to a row the system already had. */
const idsOf = (context: LegacyImportContext, table: string) => perRun(context, `ids.${table}`, () => new Map<string, string>());

function mappedId(context: LegacyImportContext, table: string, legacyId: unknown, what: string): string {
  const id = idsOf(context, table).get(String(legacyInteger(legacyId, what)));
  if (!id) throw new LegacyValueError(`${what} ${String(legacyId)} was not imported`);
  return id;
}

function optionalMappedId(context: LegacyImportContext, table: string, legacyId: unknown, what: string): string | null {
  return legacyId === null || legacyId === undefined ? null : mappedId(context, table, legacyId, what);
}

/** Django's JSON text, in one canonical form (a PostgreSQL source's jsonb orders keys differently). */
function canonicalJson(value: unknown, what: string): string | null {
  if (value === null || value === undefined || value === '') return null;
  let parsed: unknown;
  try {
    parsed = typeof value === 'string' ? JSON.parse(value) : value;
  } catch {
    throw new LegacyValueError(`${what} is not JSON`);
  }
  const sorted = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sorted) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])])) : v;
  return JSON.stringify(sorted(parsed));
}

function platformKind(value: unknown): PlatformKind {
  const kind = legacyText(value, 'platform').trim().toLowerCase();
  if (!(PLATFORMS as readonly string[]).includes(kind)) throw new LegacyValueError(`platform "${kind}" is not supported (${PLATFORMS.join(', ')})`);
  return kind as PlatformKind;
}

/**
 * The stored (encrypted) token: the one already stored when it still decrypts to the same token, so a
 * second import changes nothing (every encryption uses a fresh nonce); otherwise newly encrypted.
 */
function encryptedToken(key: Buffer, stored: string | null | undefined, token: string | null): string | null {
  if (!token) return null;
  if (stored) {
    try {
      if (decryptToken(key, stored) === token) return stored;
    } catch {
      // stored under another key: encrypt again with the current one
    }
  }
  return encryptToken(key, token);
}

/** A media path as the original stored it (relative to MEDIA_ROOT); refused when it could leave the folder. */
function mediaPath(value: unknown, what: string): string {
  const path = legacyText(value, what).trim();
  if (!path || path.startsWith('/') || path.split(/[\\/]/).includes('..')) throw new LegacyValueError(`${what} is not a path inside the media folder: ${JSON.stringify(path)}`);
  return path;
}

const bots = tableImport({
  legacyTable: T.bot,
  target: 'bot_bots',
  async map(row, context) {
    const name = legacyText(row.name, 'name').trim();
    const customerId = legacyUuid(row.customer_id, 'customer_id');
    requireKnown(context, 'crm_customers', customerId, 'customer');
    const id = await existingIdOr(context, 'bot_bots', { name }, derivedUuid(T.bot, row.id));
    idsOf(context, T.bot).set(String(row.id), id);
    if (!botCode(name)) context.report.outcome('bot_bots').notes.push(`bot "${name}": no code is registered under this name; its messages are refused until its code is added (docs/bots.md)`);
    // The original ran the code named like the bot, so the code is the name (changed here later, it is kept).
    return { id, name, code: name, customer_id: customerId, created_at: context.now };
  },
  insertOnly: ['code', 'created_at'],
});

const platforms = tableImport({
  legacyTable: T.platform,
  target: 'bot_platforms',
  async map(row, context) {
    if (!context.settings) throw new LegacyValueError('the access token cannot be encrypted: the import was started without the system settings');
    const platform = platformKind(row.platform);
    // The webhook URL's id: kept, so the URLs Telegram and Meta know stay valid.
    const registerId = legacyUuid(row.bot_register_id, 'bot_register_id');
    const id = await existingIdOr(context, 'bot_platforms', { register_id: registerId }, derivedUuid(T.platform, row.id));
    const botId = mappedId(context, T.bot, row.bot_id, 'bot');
    const stored = await context.tx.selectFrom('bot_platforms').select('access_token_enc').where('id', '=', id).executeTakeFirst();
    idsOf(context, T.platform).set(String(row.id), id);
    perRun(context, 'platformKinds', () => new Map<string, PlatformKind>()).set(String(row.id), platform);
    const notes = context.report.outcome('bot_platforms').notes;
    if (platform === 'telegram') {
      notes.push(`platform ${id} (telegram): the original set no webhook secret, so its webhook answers 401 and Telegram keeps the updates until \`manage bots set_webhooks\` registers it with a fresh secret`);
    } else {
      notes.push(`platform ${id} (${platform}): the original stored no app secret and no phone number id; enter them (Admin › Bot-Plattformen › Zugangsdaten setzen) and set the webhook there — until then deliveries are refused (401/403)`);
    }
    return {
      id,
      bot_id: botId,
      platform,
      register_id: registerId,
      access_token_enc: encryptedToken(tokenKey(context.settings), stored?.access_token_enc, legacyOptionalText(row.access_token, 'access_token')?.trim() || null),
      phone_number: legacyOptionalText(row.phone_number, 'phone_number'),
      // No secret: the original's secret_token was never given to Telegram; a fresh one comes with set_webhooks.
      secret_token_hash: null,
      app_secret_enc: null,
      phone_number_id: null,
      send_paused_until: null,
      created_at: context.now,
    };
  },
  // What the operator or `manage bots` sets here after the import is kept by a later import.
  insertOnly: ['secret_token_hash', 'app_secret_enc', 'phone_number_id', 'send_paused_until', 'created_at'],
});

/**
 * Telegram users and chats: the original's ids are the Telegram ids (the external ids here); a user or chat
 * this system already met live keeps its id.
 */
async function telegramIdentity(context: LegacyImportContext, legacyTable: string, target: 'bot_users' | 'bot_chats', row: LegacyRow) {
  const externalId = String(legacyInteger(row.id, 'id'));
  const id = await existingIdOr(context, target, { platform: 'telegram', external_id: externalId }, derivedUuid(legacyTable, externalId));
  idsOf(context, legacyTable).set(externalId, id);
  return { id, platform: 'telegram', external_id: externalId, username: null };
}

const users = tableImport({
  legacyTable: T.user,
  target: 'bot_users',
  async map(row, context) {
    const identity = await telegramIdentity(context, T.user, 'bot_users', row);
    const isBot = legacyBool(row.is_bot, 'is_bot');
    if (isBot) perRun(context, 'botUsers', () => new Set<string>()).add(identity.external_id);
    return {
      ...identity,
      is_bot: isBot,
      first_name: legacyText(row.first_name, 'first_name'),
      last_name: legacyOptionalText(row.last_name, 'last_name'),
      language_code: legacyOptionalText(row.language_code, 'language_code'),
    };
  },
  insertOnly: ['username'],
});

const chats = tableImport({
  legacyTable: T.chat,
  target: 'bot_chats',
  async map(row, context) {
    return {
      ...(await telegramIdentity(context, T.chat, 'bot_chats', row)),
      type: legacyText(row.type, 'type'),
      title: legacyOptionalText(row.title, 'title'),
      first_name: legacyOptionalText(row.first_name, 'first_name'),
      last_name: legacyOptionalText(row.last_name, 'last_name'),
      all_members_are_administrators: legacyBool(row.all_members_are_administrators, 'all_members_are_administrators'),
    };
  },
  insertOnly: ['username'],
});

/** Which platform and date each voice had, from the messages that carry it (the original's Voice has neither). */
async function voiceOrigins(context: LegacyImportContext): Promise<Map<string, { platform: unknown; date: unknown }>> {
  const origins = new Map<string, { platform: unknown; date: unknown }>();
  for await (const message of context.source.rows(T.message)) {
    if (message.voice_id !== null && message.voice_id !== undefined && message.bot_platform_id !== null && !origins.has(String(message.voice_id))) {
      origins.set(String(message.voice_id), { platform: message.bot_platform_id, date: message.date });
    }
  }
  return origins;
}

function voicesStep(): LegacyImportStep {
  let origins: Map<string, { platform: unknown; date: unknown }> | null = null;
  const step = tableImport({
    legacyTable: T.voice,
    target: 'bot_voices',
    async map(row, context) {
      const origin = origins!.get(String(row.id));
      let platformId: string;
      if (origin) platformId = mappedId(context, T.platform, origin.platform, 'bot platform');
      else {
        // The original's transcription failed before the message was stored: voices only came from Telegram.
        const telegram = [...perRun(context, 'platformKinds', () => new Map<string, PlatformKind>())].filter(([, kind]) => kind === 'telegram');
        if (telegram.length !== 1) throw new LegacyValueError('the voice has no message, so its bot platform is unknown');
        platformId = mappedId(context, T.platform, telegram[0]![0], 'bot platform');
        context.report.outcome('bot_voices').notes.push(`voice ${String(row.id)} had no message in the original; assigned to the only Telegram platform ${platformId}`);
      }
      const fileUniqueId = legacyText(row.file_unique_id, 'file_unique_id');
      const id = await existingIdOr(context, 'bot_voices', { bot_platform_id: platformId, file_unique_id: fileUniqueId }, derivedUuid(T.voice, row.id));
      idsOf(context, T.voice).set(String(row.id), id);
      return {
        id,
        bot_platform_id: platformId,
        file_id: legacyText(row.file_id, 'file_id'),
        file_unique_id: fileUniqueId,
        duration: legacyInteger(row.duration, 'duration'),
        mime_type: legacyOptionalText(row.mime_type, 'mime_type'),
        file_size: legacyInteger(row.file_size, 'file_size'),
        created_at: origin ? legacyTimestamp(origin.date, 'date') : context.now,
      };
    },
    // Transcribed here later: kept.
    insertOnly: ['transcript', 'created_at'],
  });
  return {
    ...step,
    reads: [T.voice, T.message],
    async run(context) {
      origins = await voiceOrigins(context);
      await step.run(context);
    },
  };
}

/** The audio's path relative to the media root; here it lives under MEDIA_ROOT/private (docs/migration-from-django.md). */
const voiceFiles = tableImport({
  legacyTable: T.voiceFile,
  target: 'bot_voice_files',
  async map(row, context) {
    const voiceId = mappedId(context, T.voice, row.voice_id, 'voice');
    return {
      id: await existingIdOr(context, 'bot_voice_files', { voice_id: voiceId }, derivedUuid(T.voiceFile, row.id)),
      voice_id: voiceId,
      path: mediaPath(row.file, 'file'),
      created_at: context.now,
    };
  },
  insertOnly: ['created_at'],
});

const messages = tableImport({
  legacyTable: T.message,
  target: 'bot_messages',
  async map(row, context) {
    if (row.bot_platform_id === null || row.bot_platform_id === undefined) throw new LegacyValueError('the message has no bot platform');
    if (row.chat_id === null || row.chat_id === undefined) throw new LegacyValueError('the message has no chat');
    const platformId = mappedId(context, T.platform, row.bot_platform_id, 'bot platform');
    const chatId = mappedId(context, T.chat, row.chat_id, 'chat');
    const customerId = legacyUuid(row.customer_id, 'customer_id');
    requireKnown(context, 'crm_customers', customerId, 'customer');
    const messageId = String(legacyInteger(row.message_id, 'message_id'));
    const fromExternal = row.from_user_id === null || row.from_user_id === undefined ? null : String(legacyInteger(row.from_user_id, 'from_user_id'));
    const id = await existingIdOr(context, 'bot_messages', { bot_platform_id: platformId, chat_id: chatId, message_id: messageId }, derivedUuid(T.message, row.id));
    idsOf(context, T.message).set(String(row.id), id);
    const date = legacyTimestamp(row.date, 'date');
    return {
      id,
      bot_platform_id: platformId,
      customer_id: customerId,
      update_id: row.update_id === null || row.update_id === undefined ? null : legacyInteger(row.update_id, 'update_id'),
      message_id: messageId,
      chat_id: chatId,
      from_user_id: optionalMappedId(context, T.user, fromExternal, 'user'),
      // The original stored its own replies with the bot's Telegram user as sender.
      direction: fromExternal !== null && perRun(context, 'botUsers', () => new Set<string>()).has(fromExternal) ? 'out' : 'in',
      text: legacyOptionalText(row.text, 'text'),
      voice_id: optionalMappedId(context, T.voice, row.voice_id, 'voice'),
      date,
      additional_info: canonicalJson(row.additional_info, 'additional_info'),
      reply_markup: canonicalJson(row.reply_markup, 'reply_markup'),
      parse_mode: legacyOptionalText(row.parse_mode, 'parse_mode'),
      update_row_id: null,
      edited_at: null,
      delivery_status: null,
      delivery_rank: 0,
      created_at: date,
    };
  },
  // What the live system records about a message (its inbox row, edits, WhatsApp delivery) is kept.
  insertOnly: ['update_row_id', 'edited_at', 'delivery_status', 'delivery_rank'],
});

const photoMessages = tableImport({
  legacyTable: T.photoMessage,
  target: 'bot_photo_messages',
  async map(row, context) {
    const messageId = mappedId(context, T.message, row.message_id, 'message');
    const id = await existingIdOr(context, 'bot_photo_messages', { message_id: messageId }, derivedUuid(T.photoMessage, row.id));
    idsOf(context, T.photoMessage).set(String(row.id), id);
    return { id, message_id: messageId, caption: legacyOptionalText(row.caption, 'caption'), created_at: context.now };
  },
  insertOnly: ['created_at'],
});

const optionalInteger = (value: unknown, what: string) => (value === null || value === undefined ? null : legacyInteger(value, what));

const telegramPhotos = tableImport({
  legacyTable: T.telegramPhoto,
  target: 'bot_telegram_photos',
  map: (row, context) => ({
    id: derivedUuid(T.telegramPhoto, row.id),
    photo_message_id: mappedId(context, T.photoMessage, row.photo_message_id, 'photo message'),
    file_id: legacyOptionalText(row.file_id, 'file_id'),
    file_unique_id: legacyOptionalText(row.file_unique_id, 'file_unique_id'),
    file_size: optionalInteger(row.file_size, 'file_size'),
    width: optionalInteger(row.width, 'width'),
    height: optionalInteger(row.height, 'height'),
  }),
});

/** The advertised ERP article as the advertisement keeps it (a snapshot, like the bots' sample item). */
function itemSnapshot(item: LegacyRow): Record<string, unknown> {
  const micros = legacyMicros(item.price, 'price');
  if (micros < 0) throw new LegacyValueError(`the item's price is negative: ${JSON.stringify(item.price)}`);
  const cents = Math.round(micros / 10_000); // decimal(10,2)
  return {
    legacy_item_id: legacyInteger(item.id, 'item id'),
    description: legacyText(item.description, 'description'),
    price: `${Math.trunc(cents / 100)}.${String(cents % 100).padStart(2, '0')}`,
    currency: 'EUR',
    condition: legacyText(item.condition, 'condition'),
    quantity_available: legacyInteger(item.quantity_available, 'quantity_available'),
    minimum_quantity: legacyInteger(item.minimum_quantity, 'minimum_quantity'),
    location: legacyText(item.location, 'location'),
    delivery_options: legacyText(item.delivery_options, 'delivery_options'),
    link: legacyOptionalText(item.link, 'link'),
    img_link: legacyOptionalText(item.img_link, 'img_link'),
  };
}

/**
 * Advertisements keep their article as a snapshot (read from the original's ERP table, so they do not wait
 * for the ERP import) and their text from the message they were sent as (the photo's caption).
 */
function advertisementsStep(): LegacyImportStep {
  let items = new Map<string, LegacyRow>();
  let sentAs = new Map<string, string>();
  const step = tableImport({
    legacyTable: T.advertisement,
    target: 'bot_advertisements',
    async map(row, context) {
      const item = items.get(String(row.item_id));
      if (!item) throw new LegacyValueError(`the advertised item ${String(row.item_id)} does not exist in the original`);
      const legacyMessage = sentAs.get(String(row.id));
      const messageId = legacyMessage === undefined ? null : idsOf(context, T.message).get(legacyMessage) ?? null;
      const message = messageId
        ? await context.tx
            .selectFrom('bot_messages as m')
            .leftJoin('bot_photo_messages as p', 'p.message_id', 'm.id')
            .select(['m.bot_platform_id', 'm.text', 'm.date', 'p.caption'])
            .where('m.id', '=', messageId)
            .executeTakeFirst()
        : undefined;
      return {
        id: derivedUuid(T.advertisement, row.id),
        bot_platform_id: message?.bot_platform_id ?? null,
        item: JSON.stringify(itemSnapshot(item)),
        text: message?.caption ?? message?.text ?? '',
        created_at: message ? new Date(message.date).toISOString() : context.now,
      };
    },
    insertOnly: ['created_at'],
  });
  return {
    ...step,
    reads: [T.advertisement, 'nadoo_erp_item', T.advertisementMessages],
    async run(context) {
      items = new Map();
      sentAs = new Map();
      const wanted = new Set<string>();
      for await (const ad of context.source.rows(T.advertisement)) wanted.add(String(ad.item_id));
      for await (const item of context.source.rows('nadoo_erp_item')) if (wanted.has(String(item.id))) items.set(String(item.id), item);
      for await (const link of context.source.rows(T.advertisementMessages)) {
        if (!sentAs.has(String(link.advertisement_id))) sentAs.set(String(link.advertisement_id), String(link.message_id));
      }
      await step.run(context);
    },
  };
}

const advertisementMessages = tableImport({
  legacyTable: T.advertisementMessages,
  target: 'bot_advertisement_messages',
  map(row, context) {
    const advertisementId = derivedUuid(T.advertisement, legacyInteger(row.advertisement_id, 'advertisement_id'));
    requireKnown(context, 'bot_advertisements', advertisementId, 'advertisement');
    return { id: derivedUuid(T.advertisementMessages, row.id), advertisement_id: advertisementId, message_id: mappedId(context, T.message, row.message_id, 'message') };
  },
});

/** The original's n8n integration keys: reported, not imported. */
const integrationKeys = notImported(
  T.apiKey,
  'bot_management_apikey (not rebuilt)',
  "the original's bot API key model (used for its n8n integration) is not rebuilt here (docs/bots.md), so the key has nowhere to go; " +
    'give n8n a NADOO-IT API key (nadooit_api_key, imported with its hash) for the REST API instead',
);

/** Bots, their platforms (register ids kept, tokens encrypted), Telegram users, chats and messages. */
export const botLegacyImport: LegacyAppImport = {
  app: 'bot_management',
  steps: [bots, platforms, users, chats, voicesStep(), voiceFiles, messages, photoMessages, telegramPhotos, advertisementsStep(), advertisementMessages, integrationKeys],
};
