import type { Logger } from 'pino';
import type { PlatformKind } from './models.js';
import type { SendOptions, SentMessage } from './clients.js';
import type { AiClient } from './ai.js';

/** The dialogue of one chat: a state name plus data, kept as a row (survives restarts and other workers). */
export interface Dialogue {
  readonly state: string | null;
  readonly data: Record<string, unknown>;
  /** Moves to `state` (null ends the dialogue) and stores `data` with it. */
  set(state: string | null, data?: Record<string, unknown>): Promise<void>;
}

/** What a bot's handler sees of one incoming message and what it can do. */
export interface BotContext {
  bot: { id: string; name: string };
  platform: PlatformKind;
  chat: { id: string; externalId: string; type: string; title: string | null };
  from: { id: string; externalId: string; firstName: string | null; username: string | null } | null;
  message: {
    id: string;
    messageId: string;
    /** Text, photo caption or the transcript of a voice message. */
    text: string | null;
    isEdit: boolean;
    isVoice: boolean;
    hasPhoto: boolean;
  };
  dialogue: Dialogue;
  ai: AiClient;
  log: Logger;
  /** Each call is sent at most once per update, also when processing is retried after a crash. */
  reply(text: string, options?: SendOptions): Promise<SentMessage | null>;
  sendPhoto(photo: string, options?: SendOptions & { caption?: string }): Promise<SentMessage | null>;
  editText(messageId: string, text: string, options?: SendOptions): Promise<void>;
  editCaption(messageId: string, caption: string, options?: SendOptions): Promise<void>;
  editReplyMarkup(messageId: string, replyMarkup: unknown): Promise<void>;
}

export type BotHandler = (ctx: BotContext, args: string) => Promise<void>;

/**
 * A bot as code: its commands (`/name args`), the handlers of its dialogue states (the next message of a
 * chat in that state goes there) and the handler of any other message.
 */
export interface BotDefinition {
  name: string;
  description?: string;
  commands: Record<string, BotHandler>;
  dialogue?: Record<string, BotHandler>;
  onMessage?: BotHandler;
  /** Edited messages are stored; a bot that wants to react to them says so. */
  onEdit?: BotHandler;
}

const registry = new Map<string, BotDefinition>();

/** Registers a bot's code under its name (the Bot row's `name`). */
export function registerBot(definition: BotDefinition): void {
  registry.set(definition.name, definition);
}

export function unregisterBot(name: string): void {
  registry.delete(name);
}

export function botCode(name: string): BotDefinition | undefined {
  return registry.get(name);
}

export function registeredBotNames(): string[] {
  return [...registry.keys()].sort();
}

export class MissingBotCode extends Error {
  constructor(name: string) {
    super(`no code is registered for bot "${name}" (known: ${registeredBotNames().join(', ') || 'none'})`);
  }
}

/** The default behaviour, as in the original: commands dispatch, unknown ones and other text are answered. */
export async function dispatch(code: BotDefinition, ctx: BotContext): Promise<void> {
  const text = ctx.message.text?.trim() ?? '';
  if (ctx.message.isEdit) {
    if (code.onEdit) await code.onEdit(ctx, text);
    return;
  }
  if (text.startsWith('/')) {
    const space = text.indexOf(' ');
    const raw = space < 0 ? text.slice(1) : text.slice(1, space);
    const command = raw.split('@')[0]!.toLowerCase(); // "/start@MyBot" in groups
    const args = space < 0 ? '' : text.slice(space + 1).trim();
    const handler = code.commands[command];
    if (handler) {
      await ctx.dialogue.set(null);
      await handler(ctx, args);
    } else {
      await ctx.reply(`Unknown command: /${command}`);
    }
    return;
  }
  const state = ctx.dialogue.state;
  const step = state ? code.dialogue?.[state] : undefined;
  if (step) return step(ctx, text);
  if (code.onMessage) return code.onMessage(ctx, text);
  if (text) await ctx.reply(`Unknown message: ${text}`);
}
