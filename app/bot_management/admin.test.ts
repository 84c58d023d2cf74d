import { after, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { privateMediaFile } from '../nadooit_ops/private-media.js';
import { describeEachBackend } from '../../test/support/harness.js';
import { createStaff, listedIds, staffLogin } from '../../test/e2e/admin-support.js';
import { decryptToken, tokenKey } from './secrets.js';
import { storeUpdate } from './inbox.js';
import { telegramEntry } from './telegram.js';
import { FakePlatforms } from './testing/fakes.js';
import { botName, makeBot, tgUpdate } from './testing/support.js';

const fakes = await new FakePlatforms().start();
after(() => fakes.stop());

describeEachBackend(
  'bot_management admin',
  (h) => {
    const context = () => h().system.context;
    const superuser = async () => staffLogin(await h().app(), await createStaff(context().db.kysely, h().settings, { superuser: true }));

    it('opens every bot page; webhook health comes from the cached columns, not from Telegram per page view', async () => {
      const bot = await makeBot(context(), 'testbot');
      // the inline queue processes at once: a message in and the reply out
      await storeUpdate(context(), bot.platformId, telegramEntry(tgUpdate({ chatId: 301, text: '/start' }) as never));
      await context().db.kysely.updateTable('bot_platforms').set({ webhook_pending_update_count: 42, webhook_last_error_message: 'Wrong response from the webhook: 502', webhook_checked_at: new Date().toISOString() }).where('id', '=', bot.platformId).execute();
      const client = await superuser();
      const before = fakes.calls.length;
      for (const model of ['bots', 'platforms', 'chats', 'users', 'messages', 'updates', 'voices', 'voice_files', 'photo_messages', 'telegram_photos', 'dialogues', 'outbound', 'advertisements']) {
        const list = await client.get(`/admin/bot_management/${model}/`);
        assert.equal(list.statusCode, 200, `${model}: ${list.statusCode}`);
        const [id] = listedIds(list.body);
        if (id) assert.equal((await client.get(`/admin/bot_management/${model}/${id}/`)).statusCode, 200, `${model} detail`);
      }
      for (const page of ['bots/add', 'platforms/add', `bots/${bot.botId}/change`, `platforms/${bot.platformId}/change`, `bots/${bot.botId}/delete`, `platforms/${bot.platformId}/delete`]) {
        assert.equal((await client.get(`/admin/bot_management/${page}`)).statusCode, 200, page);
      }
      const platforms = await client.get('/admin/bot_management/platforms/');
      assert.match(platforms.body, /42/);
      assert.match(platforms.body, /Wrong response from the webhook: 502/);
      assert.equal(fakes.calls.length, before, 'no platform call while staff browse');
      const chat = await context().db.kysely.selectFrom('bot_chats').select('id').where('external_id', '=', '301').executeTakeFirstOrThrow();
      const history = await client.get(`/admin/bot_management/chats/${chat.id}/`);
      assert.match(history.body, /\/start/);
      assert.match(history.body, /\/update/, 'the reply is in the chat history');
    });

    it('reports a bot whose code is missing instead of failing', async () => {
      const bot = await makeBot(context(), botName('gone'));
      const client = await superuser();
      const detail = await client.get(`/admin/bot_management/bots/${bot.botId}/`);
      assert.equal(detail.statusCode, 200);
      assert.match(detail.body, /id="bot-code-status"[^>]*>\s*Für diesen Bot ist kein Code registriert/);
      const updates = await client.get('/admin/bot_management/updates/?f.status=failed');
      assert.equal(updates.statusCode, 200);
    });

    it('deletes a voice message with its private audio file', async () => {
      const bot = await makeBot(context(), 'testbot');
      const db = context().db.kysely;
      const voiceId = crypto.randomUUID();
      await db.insertInto('bot_voices').values({ id: voiceId, bot_platform_id: bot.platformId, file_id: 'f', file_unique_id: `u-${voiceId}`, duration: 1, mime_type: 'audio/ogg', file_size: 3, transcript: 'hi', created_at: new Date().toISOString() }).execute();
      const relative = `voice_files/${voiceId}.oga`;
      const file = privateMediaFile(h().settings, relative);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, 'ogg');
      await db.insertInto('bot_voice_files').values({ id: crypto.randomUUID(), voice_id: voiceId, path: relative, created_at: new Date().toISOString() }).execute();
      const client = await superuser();
      const deleted = await client.post(`/admin/bot_management/voices/${voiceId}/delete`, { confirm: '1' });
      assert.equal(deleted.statusCode, 303, deleted.body);
      assert.equal(existsSync(file), false, 'the audio is gone with the row');
      assert.equal((await db.selectFrom('bot_voice_files').select('id').where('voice_id', '=', voiceId).execute()).length, 0);
    });

    it('creates a platform, stores its token encrypted, sets and rotates the webhook and deletes it', async () => {
      const bot = await makeBot(context(), 'testbot');
      const client = await superuser();
      const { customer_id } = await context().db.kysely.selectFrom('bot_bots').select('customer_id').where('id', '=', bot.botId).executeTakeFirstOrThrow();
      const name = botName('admin-made');
      assert.equal((await client.post('/admin/bot_management/bots/add', { name, code: 'testbot', customer_id })).statusCode, 303);
      assert.equal((await client.post('/admin/bot_management/bots/add', { name: botName('x'), code: 'no-such-code', customer_id })).statusCode, 422, 'only registered code');
      assert.equal((await context().db.kysely.selectFrom('bot_bots').select('code').where('name', '=', name).executeTakeFirstOrThrow()).code, 'testbot');
      const created = await client.post('/admin/bot_management/platforms/add', { bot_id: bot.botId, platform: 'telegram', phone_number: '', phone_number_id: '' });
      assert.equal(created.statusCode, 303, created.body);
      const platform = await context().db.kysely.selectFrom('bot_platforms').selectAll().where('bot_id', '=', bot.botId).where('id', '!=', bot.platformId).executeTakeFirstOrThrow();
      assert.match(platform.register_id, /^[0-9a-f-]{36}$/);
      const token = `777:${botName('secret')}`;
      const run = (action: string, form: Record<string, string> = {}) => client.post('/admin/bot_management/platforms/action', { action, ids: platform.id, confirm: '1', ...form });
      assert.equal((await run('set_tokens', { access_token: token, app_secret: '' })).statusCode, 303);
      const stored = await context().db.kysely.selectFrom('bot_platforms').select('access_token_enc').where('id', '=', platform.id).executeTakeFirstOrThrow();
      assert.ok(stored.access_token_enc && !stored.access_token_enc.includes(token), 'not stored in plain');
      assert.equal(decryptToken(tokenKey(h().settings), stored.access_token_enc), token);
      const audit = await context().db.kysely.selectFrom('admin_audit_log').selectAll().where('object_id', '=', platform.id).execute();
      assert.ok(!JSON.stringify(audit).includes(token), 'the token is not in the audit log');

      assert.equal((await run('set_webhook')).statusCode, 303);
      const first = fakes.telegram(token, 'setWebhook').at(-1)!;
      assert.equal(first.body.url, `https://bots.example.test/bot/telegram/webhook/${platform.register_id}`);
      assert.equal((await run('set_webhook')).statusCode, 303);
      const second = fakes.telegram(token, 'setWebhook').at(-1)!;
      assert.notEqual(second.body.secret_token, first.body.secret_token);
      const app = await h().app();
      const deliver = (secret: string) =>
        app.inject({ method: 'POST', url: `/bot/telegram/webhook/${platform.register_id}`, headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret }, payload: JSON.stringify(tgUpdate({ chatId: 302, text: 'hi' })) });
      assert.equal((await deliver(first.body.secret_token)).statusCode, 401);
      assert.equal((await deliver(second.body.secret_token)).statusCode, 200);

      assert.equal((await run('delete_webhook')).statusCode, 303);
      assert.equal(fakes.telegram(token, 'deleteWebhook').length, 1);
      assert.equal((await deliver(second.body.secret_token)).statusCode, 401);
    });
  },
  { settings: fakes.settings },
);
