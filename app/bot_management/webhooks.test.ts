import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { describeEachBackend } from '../../test/support/harness.js';
import type { Worker } from '../core/queue/index.js';
import { waitFor } from '../core/queue/testing/support.js';
import { privateMediaFile } from '../nadooit_ops/private-media.js';
import { botsCommand } from './commands.js';
import { registerBot } from './registry.js';
import { hubSignature } from './secrets.js';
import { FakePlatforms, rateLimitOnce } from './testing/fakes.js';
import { botName, makeBot, startTestWorker, tgUpdate, waBody } from './testing/support.js';
import type { TestBot } from './testing/support.js';
import { checkWebhooks, setWebhook } from './webhooks.js';

const fakes = await new FakePlatforms().start();
after(() => fakes.stop());

/** A tiny OGG/Opus voice note made by ffmpeg's sine source. */
function makeVoiceNote(): Buffer {
  const dir = mkdtempSync(path.join(tmpdir(), 'bot-voice-'));
  const file = path.join(dir, 'voice.oga');
  execFileSync('ffmpeg', ['-nostdin', '-loglevel', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'libopus', '-f', 'ogg', file]);
  return readFileSync(file);
}

// Bots as code, registered by the tests: one that blocks until another chat's update runs, one that fails once after sending.
let events: string[] = [];
const active = new Map<string, number>();
let releaseA: () => void = () => {};
let bStarted = Promise.resolve();
function resetOrderBot(): void {
  events = [];
  bStarted = new Promise<void>((resolve) => (releaseA = resolve));
}
const orderBot = botName('order');
registerBot({
  name: orderBot,
  commands: {},
  async onMessage(ctx, text) {
    const chat = ctx.chat.externalId;
    active.set(chat, (active.get(chat) ?? 0) + 1);
    if ((active.get(chat) ?? 0) > 1) events.push(`overlap:${chat}`);
    events.push(`start:${text}`);
    if (text === 'B1') releaseA();
    if (text === 'A1') await bStarted; // finishes only when chat B runs at the same time
    events.push(`end:${text}`);
    active.set(chat, active.get(chat)! - 1);
  },
});
const crashBot = botName('crash');
const crashed = new Set<string>();
registerBot({
  name: crashBot,
  commands: {},
  async onMessage(ctx, text) {
    await ctx.reply(`first:${text}`);
    if (!crashed.has(`${ctx.bot.id}:${text}`)) {
      crashed.add(`${ctx.bot.id}:${text}`);
      throw new Error('worker died after sending');
    }
    await ctx.reply(`second:${text}`);
  },
});

const markupBot = botName('markup');
registerBot({
  name: markupBot,
  commands: {
    async menu(ctx) {
      const sent = await ctx.reply('Wähle:', { replyMarkup: { inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] } });
      if (sent) await ctx.editReplyMarkup(sent.messageId, { inline_keyboard: [] });
    },
  },
});

describeEachBackend(
  'bot_management webhooks and processing',
  (h) => {
    let app: FastifyInstance;
    let worker: Worker;
    const context = () => h().system.context;
    const count = async (table: 'bot_updates' | 'bot_messages', platformId: string) =>
      Number((await context().db.kysely.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).where('bot_platform_id', '=', platformId).executeTakeFirstOrThrow()).n);
    const post = (bot: TestBot, update: unknown, secret: string | null = bot.secret) =>
      app.inject({
        method: 'POST',
        url: `/bot/telegram/webhook/${bot.registerId}`,
        headers: { 'content-type': 'application/json', ...(secret === null ? {} : { 'x-telegram-bot-api-secret-token': secret }) },
        payload: JSON.stringify(update),
      });
    const statusOf = async (platformId: string, updateId: number) =>
      (await context().db.kysely.selectFrom('bot_updates').select(['status', 'last_error']).where('bot_platform_id', '=', platformId).where('update_key', '=', String(updateId)).executeTakeFirst());
    const sentTexts = (bot: TestBot, chatId: number) => fakes.telegram(bot.token, 'sendMessage', chatId).filter((c) => c.status === 200).map((c) => c.body.text as string);

    describe('with a worker', () => {
      before(async () => {
        app = await h().app();
        worker = await startTestWorker(context(), h().system.apps.flatMap((a) => a.tasks ?? []));
      });
      after(async () => {
        await worker.stop();
      });

      it('refuses a wrong or missing secret and stores nothing; unknown ids and bad bodies are 4xx JSON', async () => {
        const bot = await makeBot(context(), 'testbot');
        const update = tgUpdate({ chatId: 11, text: '/start' });
        for (const secret of ['wrong', null, '']) {
          const response = await post(bot, update, secret);
          assert.equal(response.statusCode, 401, `${secret}: ${response.body}`);
          assert.equal(response.json().error.code, 'invalid_secret_token');
        }
        assert.equal(await count('bot_updates', bot.platformId), 0);
        assert.equal((await app.inject({ method: 'POST', url: '/bot/telegram/webhook/not-a-uuid', payload: '{}', headers: { 'content-type': 'application/json' } })).statusCode, 404);
        assert.equal((await app.inject({ method: 'POST', url: '/bot/telegram/webhook/6f1c2c36-7a43-4c1e-9f62-0b0d3f9d1e11', payload: '{}', headers: { 'content-type': 'application/json' } })).statusCode, 404);
        const badJson = await app.inject({ method: 'POST', url: `/bot/telegram/webhook/${bot.registerId}`, payload: '{nope', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': bot.secret } });
        assert.equal(badJson.statusCode, 400);
        assert.equal(badJson.json().error.code, 'invalid_json');
        const notUpdate = await post(bot, { hello: 1 });
        assert.equal(notUpdate.statusCode, 400);
        assert.equal(notUpdate.json().error.code, 'invalid_update');
        assert.equal(await count('bot_updates', bot.platformId), 0);
      });

      it('answers a text command with a reply call, and stores a duplicate delivery once and answers it once', async () => {
        const bot = await makeBot(context(), 'testbot');
        const update = tgUpdate({ chatId: 21, text: '/start' });
        const first = await post(bot, update);
        assert.equal(first.statusCode, 200);
        assert.equal((await post(bot, update)).statusCode, 200);
        await waitFor(async () => (await statusOf(bot.platformId, update.update_id as number))?.status === 'done', 'update processed');
        assert.equal(await count('bot_updates', bot.platformId), 1);
        const replies = fakes.telegram(bot.token, 'sendMessage', 21);
        assert.equal(replies.length, 1);
        assert.equal(replies[0]!.account, bot.token);
        assert.match(replies[0]!.body.text, /\/update/);
        // the conversation is in the history: the message in and the reply out
        const history = await context().db.kysely.selectFrom('bot_messages').select(['direction', 'text']).where('bot_platform_id', '=', bot.platformId).orderBy('created_at').execute();
        assert.deepEqual(history.map((m) => m.direction), ['in', 'out']);
        // jobs carry ids only: neither the token nor the update's text is in any queued payload
        const jobs = await context().db.kysely.selectFrom('core_jobs').select('payload').where('name', 'like', 'bot_management.%').execute();
        assert.ok(jobs.length >= 1);
        for (const job of jobs) assert.deepEqual(Object.keys(JSON.parse(job.payload)), ['updateId']);
        assert.ok(!jobs.some((j) => j.payload.includes(bot.token)));
      });

      it('runs the /update dialogue from rows: title, description, then edits the intro', async () => {
        const bot = await makeBot(context(), 'testbot');
        for (const text of ['/update', 'Fahrradklingel', 'Laut & klar']) {
          const update = tgUpdate({ chatId: 31, text });
          await post(bot, update);
          await waitFor(async () => (await statusOf(bot.platformId, update.update_id as number))?.status === 'done', `"${text}" processed`);
        }
        const texts = sentTexts(bot, 31);
        assert.deepEqual(texts.slice(0, 3), ['<b>Neuen Artikel anlegen…</b>', 'Wie lautet der Titel?', 'Wie lautet die Beschreibung?']);
        assert.match(texts[3]!, /Fahrradklingel[\s\S]*Laut &amp; klar/);
        const edits = fakes.telegram(bot.token, 'editMessageText', 31);
        assert.equal(edits.length, 1);
        assert.equal(String(edits[0]!.body.message_id), await firstSentId(31));
        const dialogue = await context().db.kysely.selectFrom('bot_dialogues').select(['state', 'data']).where('bot_platform_id', '=', bot.platformId).executeTakeFirstOrThrow();
        assert.equal(dialogue.state, null);
        assert.equal(JSON.parse(dialogue.data).title, 'Fahrradklingel');
      });

      async function firstSentId(chatId: number): Promise<string> {
        const row = await context().db.kysely.selectFrom('bot_messages').innerJoin('bot_chats', 'bot_chats.id', 'bot_messages.chat_id').select('bot_messages.message_id').where('bot_chats.external_id', '=', String(chatId)).where('direction', '=', 'out').orderBy('bot_messages.created_at').executeTakeFirstOrThrow();
        return row.message_id;
      }

      it('sends a reply markup and edits it (editMessageReplyMarkup on the sent message)', async () => {
        const bot = await makeBot(context(), markupBot);
        const update = tgUpdate({ chatId: 45, text: '/menu' });
        await post(bot, update);
        await waitFor(async () => (await statusOf(bot.platformId, update.update_id as number))?.status === 'done', '/menu processed');
        const [sent] = fakes.telegram(bot.token, 'sendMessage', 45);
        assert.deepEqual(sent!.body.reply_markup, { inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] });
        const edits = fakes.telegram(bot.token, 'editMessageReplyMarkup', 45);
        assert.equal(edits.length, 1);
        assert.equal(String(edits[0]!.body.message_id), await firstSentId(45));
        assert.deepEqual(edits[0]!.body.reply_markup, { inline_keyboard: [] });
      });

      it('/create writes an advert with the chat API, sends it as a photo and edits the caption', async () => {
        const bot = await makeBot(context(), 'testbot');
        const advert = `<b>Fahrradklingel</b> ${'aus Messing, laut und klar. '.repeat(6)}`;
        fakes.chatReplies.push(advert, advert.replace('Fahrradklingel', 'Fahrradklingel (2016 verfügbar)'));
        const update = tgUpdate({ chatId: 41, text: '/create' });
        await post(bot, update);
        await waitFor(async () => (await statusOf(bot.platformId, update.update_id as number))?.status === 'done', '/create processed');
        const photo = fakes.telegram(bot.token, 'sendPhoto', 41);
        assert.equal(photo.length, 1);
        assert.equal(photo[0]!.body.caption, advert.trim());
        assert.equal(photo[0]!.body.parse_mode, 'HTML');
        const edit = fakes.telegram(bot.token, 'editMessageCaption', 41);
        assert.equal(edit.length, 1);
        assert.match(edit[0]!.body.caption, /2016/);
      });

      it('transcribes a voice message in the worker (ffmpeg oga→wav, audio API) and answers it; the audio is private media', async () => {
        const bot = await makeBot(context(), 'testbot');
        const fileId = `voice-${botName('f')}`;
        fakes.files.set(`voice/${fileId}.oga`, makeVoiceNote());
        fakes.transcript = 'hallo welt';
        const update = tgUpdate({ chatId: 51, voice: { file_id: fileId, file_unique_id: `u-${fileId}`, duration: 1 } });
        const response = await post(bot, update);
        assert.equal(response.statusCode, 200);
        await waitFor(async () => (await statusOf(bot.platformId, update.update_id as number))?.status === 'done', 'voice processed');
        assert.deepEqual(sentTexts(bot, 51), ['Unknown message: hallo welt']);
        const upload = fakes.calls.filter((c) => c.service === 'openai' && c.method === 'audio/transcriptions').at(-1)!;
        assert.ok(upload.raw.includes(Buffer.from('RIFF')) && upload.raw.includes(Buffer.from('WAVE')), 'the audio API got a WAV file');
        const stored = await context().db.kysely.selectFrom('bot_voice_files').innerJoin('bot_voices', 'bot_voices.id', 'bot_voice_files.voice_id').select(['path', 'transcript']).where('bot_voices.bot_platform_id', '=', bot.platformId).executeTakeFirstOrThrow();
        assert.equal(stored.transcript, 'hallo welt');
        assert.match(stored.path, /^voice_files\/[0-9a-f-]+\.oga$/);
        assert.ok(existsSync(privateMediaFile(context().settings, stored.path)));
        const message = await context().db.kysely.selectFrom('bot_messages').select('text').where('bot_platform_id', '=', bot.platformId).where('direction', '=', 'in').executeTakeFirstOrThrow();
        assert.equal(message.text, 'hallo welt');
      });

      it('a 429 with retry_after pauses every send of that bot, then the refused call goes first and succeeds', async () => {
        const bot = await makeBot(context(), 'testbot');
        fakes.overrides.push(rateLimitOnce('sendMessage', 1, (c) => c.account === bot.token && String(c.body.chat_id) === '61'));
        const u1 = tgUpdate({ chatId: 61, text: '/start' });
        await post(bot, u1);
        await waitFor(() => fakes.telegram(bot.token, 'sendMessage', 61).length >= 1, 'first (refused) send');
        const u2 = tgUpdate({ chatId: 62, text: '/start' });
        await post(bot, u2);
        await waitFor(async () => (await statusOf(bot.platformId, u2.update_id as number))?.status === 'done' && (await statusOf(bot.platformId, u1.update_id as number))?.status === 'done', 'both answered');
        const calls = fakes.calls.filter((c) => c.service === 'telegram' && c.account === bot.token && c.method === 'sendMessage').map((c) => `${c.body.chat_id}:${c.status}`);
        assert.deepEqual(calls, ['61:429', '61:200', '62:200']);
        const paused = await context().db.kysely.selectFrom('bot_platforms').select('send_paused_until').where('id', '=', bot.platformId).executeTakeFirstOrThrow();
        assert.ok(paused.send_paused_until, 'the pause is recorded for the whole bot');
      });

      it('runs two chats in parallel and the updates of one chat in order', async () => {
        const bot = await makeBot(context(), orderBot);
        resetOrderBot();
        const aUpdates = ['A1', 'A2', 'A3'].map((text) => tgUpdate({ chatId: 71, text }));
        for (const u of aUpdates) assert.equal((await post(bot, u)).statusCode, 200);
        await waitFor(() => events.includes('start:A1'), 'A1 started');
        await post(bot, tgUpdate({ chatId: 72, text: 'B1' }));
        await waitFor(() => events.includes('end:A3') && events.includes('end:B1'), () => `all processed: ${events.join(',')}`);
        const a = events.filter((e) => /A\d/.test(e));
        assert.deepEqual(a, ['start:A1', 'end:A1', 'start:A2', 'end:A2', 'start:A3', 'end:A3']);
        assert.ok(events.indexOf('start:B1') < events.indexOf('end:A1'), 'chat B ran while chat A was busy');
        assert.ok(!events.some((e) => e.startsWith('overlap')), events.join(','));
      });

      it('reprocesses an update whose processing died after sending, without sending twice', async () => {
        const bot = await makeBot(context(), crashBot);
        const update = tgUpdate({ chatId: 81, text: 'x' });
        await post(bot, update);
        await waitFor(async () => (await statusOf(bot.platformId, update.update_id as number))?.status === 'done', 'processed after a retry');
        assert.deepEqual(sentTexts(bot, 81), ['first:x', 'second:x']);
        const row = await context().db.kysely.selectFrom('bot_updates').select('attempts').where('bot_platform_id', '=', bot.platformId).executeTakeFirstOrThrow();
        assert.equal(row.attempts, 2);
      });

      it('stores every chat type, photos with captions and edits; a bot without code is reported, not a crash', async () => {
        const bot = await makeBot(context(), botName('ghost'));
        const updates = [
          tgUpdate({ chatId: 91, text: 'hi', messageId: 1 }),
          tgUpdate({ chatId: -92, type: 'group', text: 'group hi' }),
          tgUpdate({ chatId: -1000093, type: 'supergroup', photoCaption: 'a photo' }),
          tgUpdate({ chatId: -1000094, type: 'channel', text: 'news' }),
          tgUpdate({ chatId: 91, text: 'hi (edited)', messageId: 1, kind: 'edited_message' }),
        ];
        for (const u of updates) assert.equal((await post(bot, u)).statusCode, 200);
        await waitFor(async () => {
          const rows = await context().db.kysely.selectFrom('bot_updates').select('status').where('bot_platform_id', '=', bot.platformId).execute();
          return rows.length === 5 && rows.every((r) => r.status !== 'pending');
        }, 'all stored updates handled');
        const failed = await statusOf(bot.platformId, updates[0]!.update_id as number);
        assert.equal(failed?.status, 'failed');
        assert.match(failed!.last_error!, /no code is registered/);
        const chats = await context().db.kysely.selectFrom('bot_chats').select(['external_id', 'type', 'title']).where('external_id', 'in', ['91', '-92', '-1000093', '-1000094']).orderBy('external_id').execute();
        assert.deepEqual(chats.map((c) => c.type).sort(), ['channel', 'group', 'private', 'supergroup']);
        const messages = await context().db.kysely.selectFrom('bot_messages').select(['id', 'text', 'edited_at', 'message_id']).where('bot_platform_id', '=', bot.platformId).execute();
        assert.equal(messages.length, 4, 'the edit updates its message');
        const edited = messages.find((m) => m.message_id === '1')!;
        assert.equal(edited.text, 'hi (edited)');
        assert.ok(edited.edited_at);
        const photo = await context().db.kysely.selectFrom('bot_photo_messages').innerJoin('bot_telegram_photos', 'bot_telegram_photos.photo_message_id', 'bot_photo_messages.id').select(['caption', 'width']).where('bot_photo_messages.message_id', 'in', messages.map((m) => m.id)).execute();
        assert.deepEqual(photo.map((p) => [p.caption, p.width]).sort(), [['a photo', 800], ['a photo', 90]]);
        assert.equal(fakes.calls.filter((c) => c.account === bot.token).length, 0, 'nothing was sent');
      });

      it('WhatsApp: verify token, signature over the raw body, replies through the Graph API, statuses only move forward', async () => {
        const bot = await makeBot(context(), 'testbot', 'whatsapp');
        const url = `/bot/whatsapp/webhook/${bot.registerId}`;
        const verify = (token: string) => app.inject({ method: 'GET', url: `${url}?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=12345` });
        assert.equal((await verify('wrong')).statusCode, 403);
        const ok = await verify(bot.secret);
        assert.equal(ok.statusCode, 200);
        assert.equal(ok.body, '12345');

        const { payload, signature } = waBody(bot.phoneNumberId, bot.appSecret, { messages: [{ from: '4915100000', id: 'wamid.in1', text: '/start' }] });
        const postWa = (body: string, sig?: string) => app.inject({ method: 'POST', url, payload: body, headers: { 'content-type': 'application/json', ...(sig ? { 'x-hub-signature-256': sig } : {}) } });
        assert.equal((await postWa(payload)).statusCode, 401);
        assert.equal((await postWa(payload, signature.replace(/.$/, (c) => (c === '0' ? '1' : '0')))).statusCode, 401);
        assert.equal((await postWa(payload.replace('/start', '/stArt'), signature)).statusCode, 401, 'the signature covers the exact bytes');
        assert.equal(await count('bot_updates', bot.platformId), 0);
        const notWhatsApp = waBody(bot.phoneNumberId, bot.appSecret, {});
        const wrongShape = JSON.stringify({ hello: 'world' });
        const refused = await postWa(wrongShape, hubSignature(bot.appSecret, wrongShape));
        assert.equal(refused.statusCode, 400);
        assert.equal(refused.json().error.code, 'invalid_payload');
        assert.equal((await postWa(notWhatsApp.payload, notWhatsApp.signature)).statusCode, 200, 'an entry without messages is fine');
        assert.equal((await postWa(payload, signature)).statusCode, 200);
        assert.equal((await postWa(payload, signature)).statusCode, 200);
        await waitFor(() => fakes.calls.some((c) => c.service === 'whatsapp' && c.account === bot.phoneNumberId), 'WhatsApp reply');
        await waitFor(async () => (await context().db.kysely.selectFrom('bot_updates').select('status').where('bot_platform_id', '=', bot.platformId).executeTakeFirstOrThrow()).status === 'done', 'processed');
        const replies = fakes.calls.filter((c) => c.service === 'whatsapp' && c.account === bot.phoneNumberId);
        assert.equal(replies.length, 1);
        assert.equal(replies[0]!.body.to, '4915100000');
        assert.match(replies[0]!.body.text.body, /\/update/);
        const out = await context().db.kysely.selectFrom('bot_messages').select(['message_id', 'delivery_status']).where('bot_platform_id', '=', bot.platformId).where('direction', '=', 'out').executeTakeFirstOrThrow();
        for (const status of ['read', 'delivered', 'sent']) {
          const body = waBody(bot.phoneNumberId, bot.appSecret, { statuses: [{ id: out.message_id, status }] });
          assert.equal((await postWa(body.payload, body.signature)).statusCode, 200);
        }
        const after = await context().db.kysely.selectFrom('bot_messages').select('delivery_status').where('message_id', '=', out.message_id).executeTakeFirstOrThrow();
        assert.equal(after.delivery_status, 'read');
        // an app secret the current key cannot read (the key changed): a clear 503, not a 500, nothing stored
        await context().db.kysely.updateTable('bot_platforms').set({ app_secret_enc: 'v1.AAAA.AAAA.AAAA' }).where('id', '=', bot.platformId).execute();
        const unreadable = await postWa(payload, signature);
        assert.equal(unreadable.statusCode, 503);
        assert.equal(unreadable.json().error.code, 'bot_credentials_unreadable');
      });

      it('sets the webhook with a fresh secret, checks its health into columns, and manage bots set_webhooks rotates it', async () => {
        const bot = await makeBot(context(), 'testbot');
        const platform = await context().db.kysely.selectFrom('bot_platforms').selectAll().where('id', '=', bot.platformId).executeTakeFirstOrThrow();
        const { url, secret } = await setWebhook(context().db.kysely, context().settings, platform);
        assert.equal(url, `https://bots.example.test/bot/telegram/webhook/${bot.registerId}`);
        const set = fakes.telegram(bot.token, 'setWebhook').at(-1)!;
        assert.equal(set.body.url, url);
        assert.equal(set.body.secret_token, secret);
        assert.equal((await post(bot, tgUpdate({ chatId: 101, text: 'x' }))).statusCode, 401, 'the old secret is gone');
        assert.equal((await post(bot, tgUpdate({ chatId: 101, text: 'x' }), secret)).statusCode, 200);

        fakes.webhookInfo = { url, has_custom_certificate: false, pending_update_count: 7, last_error_date: 1_700_000_000, last_error_message: 'Connection refused' };
        await checkWebhooks(context());
        const health = await context().db.kysely.selectFrom('bot_platforms').selectAll().where('id', '=', bot.platformId).executeTakeFirstOrThrow();
        assert.equal(health.webhook_pending_update_count, 7);
        assert.equal(health.webhook_last_error_message, 'Connection refused');
        assert.ok(health.webhook_checked_at);

        const lines: string[] = [];
        const exit = await botsCommand.run({ values: {}, positionals: ['set_webhooks'] }, context(), { out: (l) => lines.push(l), err: (l) => lines.push(l), prompt: async () => '', interactive: false });
        assert.equal(exit, 0);
        assert.ok(lines.some((l) => l.includes(bot.platformId)));
        const rotated = fakes.telegram(bot.token, 'setWebhook').at(-1)!;
        assert.notEqual(rotated.body.secret_token, secret);
        assert.equal((await post(bot, tgUpdate({ chatId: 101, text: 'y' }), secret)).statusCode, 401);
        assert.equal((await post(bot, tgUpdate({ chatId: 101, text: 'y' }), rotated.body.secret_token)).statusCode, 200);
      });
    });
  },
  { queueDriver: 'db', settings: fakes.settings },
);
