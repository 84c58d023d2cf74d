import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Selectable } from 'kysely';
import type { AppContext } from '../core/app-module.js';
import type { DB } from '../core/db/connection.js';
import { transaction } from '../core/db/transaction.js';
import { privateMediaFile } from '../nadooit_ops/private-media.js';
import { aiClient } from './ai.js';
import type { AiClient } from './ai.js';
import { accessToken, certainlyNotSent, clientFor, telegramApi } from './clients.js';
import type { PlatformClient, SentMessage } from './clients.js';
import { incomingOf } from './incoming.js';
import type { IncomingMessage } from './incoming.js';
import type { BotPlatformsTable, BotUpdatesTable } from './models.js';
import { MissingBotCode, botCode, dispatch } from './registry.js';
import type { BotContext, Dialogue } from './registry.js';
import { senderFor } from './sender.js';
import type { SendPriority } from './sender.js';
import { botSettings } from './settings.js';

/** Attempts of one update before it is marked failed and the chat moves on. */
export const MAX_UPDATE_ATTEMPTS = 5;
const LEASE_MS = 5 * 60_000;
export const VOICE_DIR = 'voice_files';

type UpdateRow = Selectable<BotUpdatesTable>;
type PlatformRow = Selectable<BotPlatformsTable> & { bot_name: string; bot_code: string; customer_id: string };

const now = () => new Date().toISOString();

/**
 * Takes (or, for its holder, extends) the chat's lease: when nobody holds it, or the holder's lease ran out
 * (e.g. a killed worker).
 */
async function acquireLease(db: DB, platformId: string, chatKey: string, owner: string): Promise<boolean> {
  await db
    .insertInto('bot_chat_leases')
    .values({ id: randomUUID(), bot_platform_id: platformId, chat_key: chatKey, owner: null, lease_until: null })
    .onConflict((oc) => oc.columns(['bot_platform_id', 'chat_key']).doNothing())
    .execute();
  const result = await db
    .updateTable('bot_chat_leases')
    .set({ owner, lease_until: new Date(Date.now() + LEASE_MS).toISOString() })
    .where('bot_platform_id', '=', platformId)
    .where('chat_key', '=', chatKey)
    .where((eb) => eb.or([eb('owner', 'is', null), eb('owner', '=', owner), eb('lease_until', '<', now())]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

async function releaseLease(db: DB, platformId: string, chatKey: string, owner: string): Promise<void> {
  await db
    .updateTable('bot_chat_leases')
    .set({ owner: null, lease_until: null })
    .where('bot_platform_id', '=', platformId)
    .where('chat_key', '=', chatKey)
    .where('owner', '=', owner)
    .execute();
}

function nextPending(db: DB, platformId: string, chatKey: string) {
  return db
    .selectFrom('bot_updates')
    .selectAll()
    .where('bot_platform_id', '=', platformId)
    .where('chat_key', '=', chatKey)
    .where('status', '=', 'pending')
    .orderBy('sort_key')
    .orderBy('received_at')
    .limit(1)
    .executeTakeFirst();
}

/**
 * The job of one stored update. Updates of one chat run in order: whoever holds the chat's lease works
 * through its pending updates oldest first; a job that finds the chat taken leaves its update to the
 * holder, who looks once more after releasing (so an update stored meanwhile is never left behind).
 */
export async function processUpdate(context: AppContext, updateId: string): Promise<void> {
  const db = context.db.kysely;
  const row = await db.selectFrom('bot_updates').selectAll().where('id', '=', updateId).executeTakeFirst();
  if (!row || row.status !== 'pending') return;
  if (row.chat_key === null) return handleUpdate(context, row);
  const chatKey = row.chat_key;
  const owner = randomUUID();
  for (;;) {
    if (!(await acquireLease(db, row.bot_platform_id, chatKey, owner))) return;
    try {
      for (let next = await nextPending(db, row.bot_platform_id, chatKey); next; next = await nextPending(db, row.bot_platform_id, chatKey)) {
        await handleUpdate(context, next);
        if (!(await acquireLease(db, row.bot_platform_id, chatKey, owner))) return; // renewed, or lost to a takeover
      }
    } finally {
      await releaseLease(db, row.bot_platform_id, chatKey, owner);
    }
    if (!(await nextPending(db, row.bot_platform_id, chatKey))) return;
  }
}

async function finish(db: DB, id: string, status: 'done' | 'ignored' | 'failed', error: string | null = null): Promise<void> {
  await db.updateTable('bot_updates').set({ status, last_error: error, processed_at: now() }).where('id', '=', id).execute();
}

/** Processes one update; a failure is retried (the job fails and runs again) until MAX_UPDATE_ATTEMPTS. */
async function handleUpdate(context: AppContext, row: UpdateRow): Promise<void> {
  const db = context.db.kysely;
  const platform = await db
    .selectFrom('bot_platforms')
    .innerJoin('bot_bots', 'bot_bots.id', 'bot_platforms.bot_id')
    .selectAll('bot_platforms')
    .select(['bot_bots.name as bot_name', 'bot_bots.code as bot_code', 'bot_bots.customer_id'])
    .where('bot_platforms.id', '=', row.bot_platform_id)
    .executeTakeFirst();
  if (!platform) return finish(db, row.id, 'ignored', 'bot platform deleted');
  const incoming = incomingOf(platform.platform, row);
  if (!incoming) return finish(db, row.id, 'ignored');
  const attempt = await db
    .updateTable('bot_updates')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', row.id)
    .returning('attempts')
    .executeTakeFirstOrThrow();
  try {
    const stored = await storeIncoming(db, platform, row, incoming);
    const code = botCode(platform.bot_code);
    if (!code) return finish(db, row.id, 'failed', new MissingBotCode(platform.bot_code).message);
    const ctx = await botContext(context, platform, row, incoming, stored);
    if (incoming.voice && !incoming.isEdit) {
      ctx.message.text = await transcribeVoice(context, platform, stored.voiceId!, incoming.voice.fileId, ctx);
      if (ctx.message.text === null) return finish(db, row.id, 'done');
      await db.updateTable('bot_messages').set({ text: ctx.message.text }).where('id', '=', stored.messageRowId).execute();
    }
    await dispatch(code, ctx);
    await finish(db, row.id, 'done');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    context.log.warn({ err: error, update: row.id, attempt: attempt.attempts }, 'bot update failed');
    if (attempt.attempts >= MAX_UPDATE_ATTEMPTS) return finish(db, row.id, 'failed', message);
    await db.updateTable('bot_updates').set({ last_error: message }).where('id', '=', row.id).execute();
    throw error;
  }
}

interface StoredIncoming {
  chatId: string;
  userId: string | null;
  messageRowId: string;
  voiceId: string | null;
}

/** Users, chat, voice, message and photos of an incoming message (idempotent upserts: a retry changes nothing). */
async function storeIncoming(db: DB, platform: PlatformRow, row: UpdateRow, m: IncomingMessage): Promise<StoredIncoming> {
  return transaction(db, async (tx) => {
    const chat = await tx
      .insertInto('bot_chats')
      .values({
        id: randomUUID(),
        platform: platform.platform,
        external_id: m.chat.externalId,
        type: m.chat.type,
        title: m.chat.title,
        first_name: m.chat.firstName,
        last_name: m.chat.lastName,
        username: m.chat.username,
        all_members_are_administrators: m.chat.allAdmins,
      })
      .onConflict((oc) =>
        oc.columns(['platform', 'external_id']).doUpdateSet({ type: m.chat.type, title: m.chat.title, first_name: m.chat.firstName, last_name: m.chat.lastName, username: m.chat.username }),
      )
      .returning('id')
      .executeTakeFirstOrThrow();
    let userId: string | null = null;
    if (m.from) {
      const user = await tx
        .insertInto('bot_users')
        .values({
          id: randomUUID(),
          platform: platform.platform,
          external_id: m.from.externalId,
          is_bot: m.from.isBot,
          first_name: m.from.firstName,
          last_name: m.from.lastName,
          username: m.from.username,
          language_code: m.from.languageCode,
        })
        .onConflict((oc) => oc.columns(['platform', 'external_id']).doUpdateSet({ first_name: m.from!.firstName, last_name: m.from!.lastName, username: m.from!.username }))
        .returning('id')
        .executeTakeFirstOrThrow();
      userId = user.id;
    }
    let voiceId: string | null = null;
    if (m.voice) {
      const voice = await tx
        .insertInto('bot_voices')
        .values({
          id: randomUUID(),
          bot_platform_id: platform.id,
          file_id: m.voice.fileId,
          file_unique_id: m.voice.fileUniqueId,
          duration: m.voice.duration,
          mime_type: m.voice.mimeType,
          file_size: m.voice.fileSize,
          transcript: null,
          created_at: now(),
        })
        .onConflict((oc) => oc.columns(['bot_platform_id', 'file_unique_id']).doUpdateSet({ file_id: m.voice!.fileId }))
        .returning('id')
        .executeTakeFirstOrThrow();
      voiceId = voice.id;
    }
    const text = m.text ?? m.caption;
    const message = await tx
      .insertInto('bot_messages')
      .values({
        id: randomUUID(),
        bot_platform_id: platform.id,
        customer_id: platform.customer_id,
        update_row_id: row.id,
        update_id: m.updateId,
        message_id: m.messageId,
        chat_id: chat.id,
        from_user_id: userId,
        direction: 'in',
        text,
        voice_id: voiceId,
        date: m.date,
        edited_at: m.isEdit ? now() : null,
        additional_info: m.entities ? JSON.stringify(m.entities) : null,
        reply_markup: m.replyMarkup ? JSON.stringify(m.replyMarkup) : null,
        parse_mode: null,
        delivery_status: null,
        delivery_rank: 0,
        created_at: now(),
      })
      .onConflict((oc) =>
        oc.columns(['bot_platform_id', 'chat_id', 'message_id']).doUpdateSet(m.isEdit ? { text, edited_at: now(), update_row_id: row.id } : { update_row_id: row.id }),
      )
      .returning('id')
      .executeTakeFirstOrThrow();
    if (m.photos.length) await storePhotos(tx, message.id, m.caption, m.photos);
    return { chatId: chat.id, userId, messageRowId: message.id, voiceId };
  });
}

/** A photo message with its size variants (replaced, not added to, when stored again). */
async function storePhotos(tx: DB | Parameters<Parameters<typeof transaction>[1]>[0], messageRowId: string, caption: string | null, photos: IncomingMessage['photos']): Promise<void> {
  const photo = await tx
    .insertInto('bot_photo_messages')
    .values({ id: randomUUID(), message_id: messageRowId, caption, created_at: now() })
    .onConflict((oc) => oc.column('message_id').doUpdateSet({ caption }))
    .returning('id')
    .executeTakeFirstOrThrow();
  await tx.deleteFrom('bot_telegram_photos').where('photo_message_id', '=', photo.id).execute();
  await tx
    .insertInto('bot_telegram_photos')
    .values(photos.map((p) => ({ id: randomUUID(), photo_message_id: photo.id, file_id: p.file_id, file_unique_id: p.file_unique_id, file_size: p.file_size ?? null, width: p.width, height: p.height })))
    .execute();
}

/**
 * Downloads the voice note (kept as private media), converts it with ffmpeg and transcribes it. The
 * transcript is stored with the voice, so a retried update does not pay twice. Null: no transcription.
 */
async function transcribeVoice(context: AppContext, platform: PlatformRow, voiceId: string, fileId: string, ctx: BotContext): Promise<string | null> {
  const db = context.db.kysely;
  const voice = await db.selectFrom('bot_voices').select('transcript').where('id', '=', voiceId).executeTakeFirstOrThrow();
  if (voice.transcript !== null) return voice.transcript;
  if (!ctx.ai.available) {
    await ctx.reply('Sprachnachrichten kann ich nicht verstehen: die Spracherkennung ist nicht eingerichtet (OPENAI_API_KEY fehlt).');
    return null;
  }
  const file = await storeVoiceFile(context, platform, voiceId, fileId);
  const transcript = await ctx.ai.transcribe(file);
  await db.updateTable('bot_voices').set({ transcript }).where('id', '=', voiceId).execute();
  return transcript;
}

async function storeVoiceFile(context: AppContext, platform: PlatformRow, voiceId: string, fileId: string): Promise<string> {
  const db = context.db.kysely;
  const existing = await db.selectFrom('bot_voice_files').select('path').where('voice_id', '=', voiceId).executeTakeFirst();
  if (existing) return privateMediaFile(context.settings, existing.path);
  const token = accessToken(context.settings, platform);
  const info = await telegramApi(context.settings, token).getFile(fileId);
  if (!info.file_path) throw new Error('Telegram returned no file_path for the voice note');
  const response = await fetch(`${botSettings(context.settings).telegramApiRoot}/file/bot${token}/${info.file_path}`, { signal: AbortSignal.timeout(60_000) });
  if (!response.ok) throw new Error(`voice download failed: HTTP ${response.status}`);
  const relative = `${VOICE_DIR}/${voiceId}.oga`;
  const file = privateMediaFile(context.settings, relative);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, Buffer.from(await response.arrayBuffer()));
  await db
    .insertInto('bot_voice_files')
    .values({ id: randomUUID(), voice_id: voiceId, path: relative, created_at: now() })
    .onConflict((oc) => oc.column('voice_id').doNothing())
    .execute();
  return file;
}

async function loadDialogue(db: DB, platformId: string, chatId: string): Promise<Dialogue> {
  const row = await db.selectFrom('bot_dialogues').select(['state', 'data']).where('bot_platform_id', '=', platformId).where('chat_id', '=', chatId).executeTakeFirst();
  const dialogue = {
    state: row?.state ?? null,
    data: row ? (JSON.parse(row.data) as Record<string, unknown>) : {},
    async set(state: string | null, data: Record<string, unknown> = {}) {
      const values = { state, data: JSON.stringify(data), updated_at: now() };
      await db
        .insertInto('bot_dialogues')
        .values({ id: randomUUID(), bot_platform_id: platformId, chat_id: chatId, ...values })
        .onConflict((oc) => oc.columns(['bot_platform_id', 'chat_id']).doUpdateSet(values))
        .execute();
      dialogue.state = state;
      dialogue.data = data;
    },
  };
  return dialogue;
}

export interface OutboundOptions {
  platformId: string;
  /** Unique per outbound call: the same key is never sent twice. */
  key: string;
  updateRowId: string | null;
  method: string;
  priority: SendPriority;
}

/**
 * One outbound call, at most once per key: a row is written before the call and completed after it. A
 * retry finds the row: completed → the stored result, still "sending" (the worker died during the call)
 * → not sent again, since it may have gone out. A call the platform refused is forgotten and may run again.
 */
export async function sendOnce(context: AppContext, options: OutboundOptions, call: () => Promise<SentMessage | void>): Promise<SentMessage | null> {
  const db = context.db.kysely;
  const inserted = await db
    .insertInto('bot_outbound')
    .values({ id: randomUUID(), bot_platform_id: options.platformId, idempotency_key: options.key, update_row_id: options.updateRowId, method: options.method, status: 'sending', result: null, created_at: now(), sent_at: null })
    .onConflict((oc) => oc.columns(['bot_platform_id', 'idempotency_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) {
    const earlier = await db.selectFrom('bot_outbound').select(['status', 'result']).where('bot_platform_id', '=', options.platformId).where('idempotency_key', '=', options.key).executeTakeFirstOrThrow();
    if (earlier.status === 'sending') context.log.warn({ key: options.key }, 'bot: outbound call interrupted earlier, not sent again');
    return earlier.result ? (JSON.parse(earlier.result) as SentMessage) : null;
  }
  let sent: SentMessage | void;
  try {
    sent = await senderFor(context.db, options.platformId).run(options.priority, call);
  } catch (error) {
    if (certainlyNotSent(error)) await db.deleteFrom('bot_outbound').where('id', '=', inserted.id).execute();
    throw error;
  }
  await db.updateTable('bot_outbound').set({ status: 'sent', result: sent ? JSON.stringify(sent) : null, sent_at: now() }).where('id', '=', inserted.id).execute();
  return sent ?? null;
}

/** Stores a message the bot sent in the chat's history. */
export async function storeOutgoing(db: DB, platform: { id: string; customer_id: string }, chatId: string, sent: SentMessage, parseMode: string | null): Promise<void> {
  await db
    .insertInto('bot_messages')
    .values({
      id: randomUUID(),
      bot_platform_id: platform.id,
      customer_id: platform.customer_id,
      update_row_id: null,
      update_id: null,
      message_id: sent.messageId,
      chat_id: chatId,
      from_user_id: null,
      direction: 'out',
      text: sent.text ?? sent.caption,
      voice_id: null,
      date: sent.date,
      edited_at: null,
      additional_info: null,
      reply_markup: null,
      parse_mode: parseMode,
      delivery_status: 'sent',
      delivery_rank: 1,
      created_at: now(),
    })
    .onConflict((oc) => oc.columns(['bot_platform_id', 'chat_id', 'message_id']).doNothing())
    .execute();
}

async function botContext(context: AppContext, platform: PlatformRow, row: UpdateRow, m: IncomingMessage, stored: StoredIncoming): Promise<BotContext & { message: { text: string | null } }> {
  const db = context.db.kysely;
  let client: PlatformClient | null = null;
  const clientOf = () => (client ??= clientFor(context.settings, platform));
  let counter = 0;
  const chat = m.chat.externalId;
  const send = async (method: string, call: (c: PlatformClient) => Promise<SentMessage | void>, parseMode: string | null = null) => {
    const sent = await sendOnce(context, { platformId: platform.id, key: `${row.id}:${counter++}`, updateRowId: row.id, method, priority: 'reply' }, () => call(clientOf()));
    if (sent) await storeOutgoing(db, platform, stored.chatId, sent, parseMode);
    return sent;
  };
  const ai: AiClient = aiClient(context.settings);
  return {
    bot: { id: platform.bot_id, name: platform.bot_name },
    platform: platform.platform,
    chat: { id: stored.chatId, externalId: chat, type: m.chat.type, title: m.chat.title },
    from: m.from && stored.userId ? { id: stored.userId, externalId: m.from.externalId, firstName: m.from.firstName, username: m.from.username } : null,
    message: { id: stored.messageRowId, messageId: m.messageId, text: m.text ?? m.caption, isEdit: m.isEdit, isVoice: !!m.voice, hasPhoto: m.photos.length > 0 },
    dialogue: await loadDialogue(db, platform.id, stored.chatId),
    ai,
    log: context.log.child({ bot: platform.bot_name, chat }),
    reply: (text, options) => send('sendMessage', (c) => c.sendMessage(chat, text, options), options?.parseMode ?? null),
    sendPhoto: (photo, options) => send('sendPhoto', (c) => c.sendPhoto(chat, photo, options), options?.parseMode ?? null),
    editText: async (messageId, text, options) => {
      await send('editMessageText', (c) => c.editMessageText(chat, messageId, text, options));
      await db.updateTable('bot_messages').set({ text, edited_at: now() }).where('bot_platform_id', '=', platform.id).where('chat_id', '=', stored.chatId).where('message_id', '=', messageId).execute();
    },
    editCaption: async (messageId, caption, options) => {
      await send('editMessageCaption', (c) => c.editMessageCaption(chat, messageId, caption, options));
      await db.updateTable('bot_messages').set({ text: caption, edited_at: now() }).where('bot_platform_id', '=', platform.id).where('chat_id', '=', stored.chatId).where('message_id', '=', messageId).execute();
    },
    editReplyMarkup: async (messageId, replyMarkup) => {
      await send('editMessageReplyMarkup', (c) => c.editMessageReplyMarkup(chat, messageId, replyMarkup));
    },
  };
}

/** Pending updates nobody is working on (e.g. the job's worker died and its retries ran out): enqueued again. */
export async function sweepStalled(context: AppContext, olderThanMs = 60_000): Promise<number> {
  const db = context.db.kysely;
  const stalled = await db
    .selectFrom('bot_updates')
    .select(['id', 'attempts'])
    .where('status', '=', 'pending')
    .where('received_at', '<', new Date(Date.now() - olderThanMs).toISOString())
    .orderBy('received_at')
    .limit(200)
    .execute();
  for (const update of stalled) {
    await context.queue.enqueue('bot_management.process_update', { updateId: update.id }, { uniqueKey: `bot-sweep:${update.id}:${update.attempts}` });
  }
  return stalled.length;
}
