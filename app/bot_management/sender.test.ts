import { it } from 'node:test';
import assert from 'node:assert/strict';
import { describeEachBackend } from '../../test/support/harness.js';
import { HttpError } from 'grammy';
import { WhatsAppError } from './clients.js';
import { sendOnce } from './processing.js';
import { BotSender, RetryAfterError } from './sender.js';
import { makeBot } from './testing/support.js';

describeEachBackend('bot_management sender', (h) => {
  it('pauses the whole bot on a rate limit and then sends replies before broadcasts, each in arrival order', async () => {
    const { platformId } = await makeBot(h().system.context, 'testbot');
    const sender = new BotSender(h().system.context.db, platformId);
    const order: string[] = [];
    let refused = false;
    let markPaused: () => void = () => {};
    const paused = new Promise<void>((resolve) => (markPaused = resolve));
    const call = (name: string) => async () => {
      if (name === 'b1' && !refused) {
        refused = true;
        order.push('b1:429');
        setImmediate(markPaused);
        throw new RetryAfterError(1);
      }
      order.push(name);
      return name;
    };
    const first = sender.run('broadcast', call('b1'));
    await paused;
    // queued while the bot is paused: another broadcast, then two replies
    const rest = [sender.run('broadcast', call('b2')), sender.run('reply', call('r1')), sender.run('reply', call('r2'))];
    assert.deepEqual(await Promise.all([first, ...rest]), ['b1', 'b2', 'r1', 'r2']);
    assert.deepEqual(order, ['b1:429', 'r1', 'r2', 'b1', 'b2']);
    const row = await h().system.context.db.kysely.selectFrom('bot_platforms').select('send_paused_until').where('id', '=', platformId).executeTakeFirstOrThrow();
    assert.ok(row.send_paused_until, 'the pause is shared through the platform row');
  });

  it('sends a call at most once per key: a call interrupted in flight is not repeated, a refused one may be', async () => {
    const context = h().system.context;
    const { platformId } = await makeBot(context, 'testbot');
    const options = (key: string) => ({ platformId, key, updateRowId: null, method: 'sendMessage', priority: 'reply' as const });
    let calls = 0;
    const sent = { messageId: '7', date: new Date().toISOString(), text: 'hi', caption: null };
    assert.deepEqual(await sendOnce(context, options('a'), async () => (calls++, sent)), sent);
    assert.deepEqual(await sendOnce(context, options('a'), async () => (calls++, sent)), sent, 'the stored result, not a second call');
    assert.equal(calls, 1);
    // the network broke during the call: it may have gone out, so it is never sent again
    await assert.rejects(sendOnce(context, options('b'), async () => Promise.reject(new HttpError('network down', new Error('ECONNRESET')))));
    assert.equal(await sendOnce(context, options('b'), async () => (calls++, sent)), null);
    assert.equal(calls, 1);
    // the platform refused it (an API error): nothing went out, so a retry sends it
    await assert.rejects(sendOnce(context, options('c'), async () => Promise.reject(new WhatsAppError(400, 'bad'))));
    assert.deepEqual(await sendOnce(context, options('c'), async () => (calls++, sent)), sent);
    assert.equal(calls, 2);
  });

  it('honours a pause another process wrote, and rejects a call that fails for another reason', async () => {
    const { platformId } = await makeBot(h().system.context, 'testbot');
    const db = h().system.context.db;
    const until = new Date(Date.now() + 300).toISOString();
    await db.kysely.updateTable('bot_platforms').set({ send_paused_until: until }).where('id', '=', platformId).execute();
    const slept: number[] = [];
    const sender = new BotSender(db, platformId, async (ms) => {
      slept.push(ms);
      await new Promise((r) => setTimeout(r, ms));
    });
    assert.equal(await sender.run('reply', async () => 'sent'), 'sent');
    assert.ok(slept.length >= 1, 'waited for the recorded pause');
    assert.ok(Date.now() >= Date.parse(until));
    await assert.rejects(sender.run('reply', async () => Promise.reject(new Error('bad request'))), /bad request/);
    assert.equal(await sender.run('reply', async () => 'next'), 'next', 'the lane goes on');
  });
});
