import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One API call the fake servers received. */
export interface FakeCall {
  service: 'telegram' | 'whatsapp' | 'openai' | 'file';
  /** Telegram: the bot token; WhatsApp: the phone number id. */
  account: string;
  method: string;
  body: Record<string, any>;
  raw: Buffer;
  status: number;
  at: number;
}

type Override = (call: FakeCall) => { status: number; body: unknown } | undefined;

/**
 * Telegram Bot API, WhatsApp Graph API and an OpenAI-compatible API in one node:http server on 127.0.0.1
 * (port 0): `/telegram/bot<token>/<method>`, `/telegram/file/bot<token>/<path>`, `/graph/<phone id>/messages`,
 * `/openai/v1/chat/completions` and `/openai/v1/audio/transcriptions`. Every call is recorded.
 */
export class FakePlatforms {
  readonly calls: FakeCall[] = [];
  readonly files = new Map<string, Buffer>();
  readonly overrides: Override[] = [];
  chatReplies: string[] = [];
  transcript = 'hallo welt';
  webhookInfo: Record<string, unknown> = { url: '', has_custom_certificate: false, pending_update_count: 0 };
  private messageId = 1000;
  private server: Server | null = null;
  base = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  get settings(): Record<string, string> {
    return {
      TELEGRAM_API_ROOT: `${this.base}/telegram`,
      WHATSAPP_GRAPH_API_ROOT: `${this.base}/graph`,
      OPENAI_BASE_URL: `${this.base}/openai/v1`,
      OPENAI_API_KEY: 'sk-test',
      BOT_WEBHOOK_BASE_URL: 'https://bots.example.test',
    };
  }

  /** Calls of one Telegram method by one bot (optionally to one chat). */
  telegram(token: string, method: string, chatId?: number | string): FakeCall[] {
    return this.calls.filter((c) => c.service === 'telegram' && c.account === token && c.method === method && (chatId === undefined || String(c.body.chat_id) === String(chatId)));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', this.base);
    let body: Record<string, any> = {};
    if ((req.headers['content-type'] ?? '').includes('json') && raw.length) body = JSON.parse(raw.toString('utf8'));
    const call: FakeCall = { service: 'telegram', account: '', method: '', body, raw, status: 200, at: Date.now() };
    const send = (status: number, payload: unknown, type = 'application/json') => {
      call.status = status;
      this.calls.push(call);
      res.writeHead(status, { 'content-type': type });
      res.end(Buffer.isBuffer(payload) ? payload : JSON.stringify(payload));
    };
    let m: RegExpMatchArray | null;
    if ((m = url.pathname.match(/^\/telegram\/file\/bot([^/]+)\/(.+)$/))) {
      Object.assign(call, { service: 'file', account: m[1], method: m[2] });
      const file = this.files.get(m[2]!);
      return file ? send(200, file, 'application/octet-stream') : send(404, { ok: false });
    }
    if ((m = url.pathname.match(/^\/telegram\/bot([^/]+)\/(\w+)$/))) {
      Object.assign(call, { service: 'telegram', account: m[1], method: m[2] });
    } else if ((m = url.pathname.match(/^\/graph\/([^/]+)\/messages$/))) {
      Object.assign(call, { service: 'whatsapp', account: m[1], method: 'messages' });
    } else if ((m = url.pathname.match(/^\/openai\/v1\/(.+)$/))) {
      Object.assign(call, { service: 'openai', method: m[1] });
    } else {
      return send(404, { error: 'not found' });
    }
    for (const override of this.overrides) {
      const answer = override(call);
      if (answer) return send(answer.status, answer.body);
    }
    if (call.service === 'telegram') return send(200, { ok: true, result: this.telegramResult(call) });
    if (call.service === 'whatsapp') return send(200, { messaging_product: 'whatsapp', messages: [{ id: `wamid.out${this.messageId++}` }] });
    if (call.method === 'chat/completions') {
      const content = this.chatReplies.shift() ?? 'ok';
      return send(200, { id: 'c1', object: 'chat.completion', created: 0, model: 'test', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content } }] });
    }
    if (call.method === 'audio/transcriptions') return send(200, { text: this.transcript });
    return send(404, { error: 'not found' });
  }

  private telegramResult(call: FakeCall): unknown {
    const b = call.body;
    const now = Math.floor(Date.now() / 1000);
    switch (call.method) {
      case 'sendMessage':
        return { message_id: this.messageId++, date: now, chat: { id: b.chat_id, type: 'private' }, text: b.text };
      case 'sendPhoto':
        return { message_id: this.messageId++, date: now, chat: { id: b.chat_id, type: 'private' }, caption: b.caption, photo: [{ file_id: 'p1', file_unique_id: 'u1', width: 90, height: 90 }] };
      case 'getFile':
        return { file_id: b.file_id, file_unique_id: `u-${b.file_id}`, file_path: `voice/${b.file_id}.oga` };
      case 'getWebhookInfo':
        return this.webhookInfo;
      case 'editMessageText':
      case 'editMessageCaption':
      case 'editMessageReplyMarkup':
      case 'setWebhook':
      case 'deleteWebhook':
        return true;
      default:
        return true;
    }
  }
}

/** A Telegram 429 for the first `times` calls of `method` (with retry_after seconds). */
export function rateLimitOnce(method: string, retryAfter: number, match: (call: FakeCall) => boolean = () => true, times = 1): Override {
  let left = times;
  return (call) => {
    if (call.service !== 'telegram' || call.method !== method || !match(call) || left <= 0) return undefined;
    left--;
    return { status: 429, body: { ok: false, error_code: 429, description: `Too Many Requests: retry after ${retryAfter}`, parameters: { retry_after: retryAfter } } };
  };
}
