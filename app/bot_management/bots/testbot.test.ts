import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { aiClient } from '../ai.js';
import { testSettings } from '../../../test/support/harness.js';
import { dispatch } from '../registry.js';
import type { BotContext } from '../registry.js';
import { testbot } from './testbot.js';

/** A context that records replies, for the parts of the bot that need no platform. */
function fakeContext(text: string): { ctx: BotContext; replies: string[] } {
  const replies: string[] = [];
  let state: string | null = null;
  let data: Record<string, unknown> = {};
  const ctx = {
    bot: { id: 'b', name: 'testbot' },
    platform: 'telegram',
    chat: { id: 'c', externalId: '1', type: 'private', title: null },
    from: null,
    message: { id: 'm', messageId: '1', text, isEdit: false, isVoice: false, hasPhoto: false },
    dialogue: {
      get state() {
        return state;
      },
      get data() {
        return data;
      },
      async set(next: string | null, values: Record<string, unknown> = {}) {
        state = next;
        data = values;
      },
    },
    ai: aiClient(testSettings()),
    log: pino({ level: 'silent' }),
    reply: async (t: string) => {
      replies.push(t);
      return null;
    },
    sendPhoto: async () => assert.fail('no photo without AI'),
    editText: async () => {},
    editCaption: async () => {},
    editReplyMarkup: async () => {},
  } as BotContext;
  return { ctx, replies };
}

describe('testbot without an AI key', () => {
  it('says clearly that /create is off', async () => {
    const { ctx, replies } = fakeContext('/create');
    assert.equal(ctx.ai.available, false);
    await dispatch(testbot, ctx);
    assert.equal(replies.length, 1);
    assert.match(replies[0]!, /OPENAI_API_KEY fehlt/);
  });

  it('answers unknown commands and plain text like the original', async () => {
    const unknown = fakeContext('/nope@TestBot with args');
    await dispatch(testbot, unknown.ctx);
    assert.deepEqual(unknown.replies, ['Unknown command: /nope']);
    const plain = fakeContext('hello');
    await dispatch(testbot, plain.ctx);
    assert.deepEqual(plain.replies, ['Unknown message: hello']);
  });
});
